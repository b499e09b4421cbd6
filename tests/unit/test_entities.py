"""Register loading, exact and fuzzy mention tagging, unregistered candidates."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from edition.entities import Register, tag_mentions
from edition.tei import make

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def register() -> Register:
    return Register.load(REPO / "tei" / "register.xml", "tei/register.xml")


def tagged(register: Register, sentence: str, *, fuzzy: bool = False) -> tuple[list, object]:
    text = make("text")
    text.append(make("p", sentence))
    found = tag_mentions(text, register, fuzzy=fuzzy)
    names = [
        (etree.QName(e).localname, e.text, e.get("ref"), e.get("cert"))
        for e in text.iter()
        if e.get("ref")
    ]
    return names, found


def test_register_has_variants(register: Register) -> None:
    assert register.names["N.S. Khrushchev"] == ("persName", "pers-khrushchev")
    assert register.names["KEIDANREN"] == ("orgName", "org-keidanren")


def test_exact_mentions_get_refs_longest_first(register: Register) -> None:
    names, found = tagged(register, "N.S. Khrushchev met Fukuda in Moscow.")
    assert names == [
        ("persName", "N.S. Khrushchev", "register.xml#pers-khrushchev", None),
        ("persName", "Fukuda", "register.xml#pers-fukuda", None),
        ("placeName", "Moscow", "register.xml#place-moscow", None),
    ]
    assert sum(found.linked.values()) == 3


def test_ocr_garbled_names_match_fuzzily_with_cert(register: Register) -> None:
    names, found = tagged(register, "to meet veth Pavlyehee end deacues", fuzzy=True)
    assert names == [("persName", "Pavlyehee", "register.xml#pers-pavlychev", "low")]
    assert found.fuzzy == 1


def test_no_fuzzy_matching_outside_ocr(register: Register) -> None:
    names, _ = tagged(register, "to meet veth Pavlyehee end deacues")
    assert names == []


def test_unregistered_names_are_candidates(register: Register) -> None:
    _, found = tagged(register, "He met with Ambassador Zabrodin in Tokyo.")
    assert list(found.candidates) == ["Zabrodin"]
