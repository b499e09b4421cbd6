"""Cable anatomy on the 1975 sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from edition.readers import Transcription, get_reader
from edition.readers.telegram import DTG, dtg_date

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "sources" / "1975-01-13_telegram_tokyo-00458.txt"
NS = {"t": "http://www.tei-c.org/ns/1.0"}


@pytest.fixture(scope="module")
def reading():
    return get_reader("telegram").read(Transcription.load(SOURCE, SOURCE.name))


def xp(reading, path: str):
    return reading.text.xpath(path, namespaces=NS)


def test_date_time_group_is_iso() -> None:
    match = DTG.match("R 131009Z JAN 75")
    assert match and dtg_date(match) == "1975-01-13T10:09:00Z"


def test_two_sections_with_heads_and_openers(reading) -> None:
    sections = xp(reading, "//t:div[@type='section']")
    assert [s.get("n") for s in sections] == ["1", "2"]
    assert [s.sourceline for s in xp(reading, "//t:div[@type='section']/t:head")] == [27, 111]
    assert xp(reading, "string(//t:opener/t:dateline/t:date/@when)") == "1975-01-13T10:09:00Z"


def test_quoted_text_spans_both_sections(reading) -> None:
    first, second = xp(reading, "//t:quote")
    assert first.get("next") == "#quote-2" and second.get("prev") == "#quote-1"
    assert "".join(first.getparent().itertext()).startswith("2. BEGIN TEXT:")
    assert "END TEXT." in (second.tail or "")


def test_paragraph_runs_on_across_the_page_header(reading) -> None:
    (p,) = xp(reading, "//t:p[@n='3'][starts-with(., '3) BEFORE')]")
    assert [el.get("type") for el in xp(reading, "//t:p[@n='3'][starts-with(., '3)')]/t:fw")] == [
        "classification",
        "classification",
        "header",
    ]
    assert "QOYU" in "".join(p.itertext())


def test_hyphenated_words_are_joined(reading) -> None:
    breaks = xp(reading, "//t:lb[@break='no']")
    assert [b.sourceline for b in breaks] == [43, 53]


def test_signature_furniture_and_attributes(reading) -> None:
    assert xp(reading, "string(//t:closer/t:signed)") == "HODGSON"
    assert len(xp(reading, "//t:fw[@type='routing'][. = 'NNN']")) == 2
    meta = reading.metadata
    assert ("document", "1975TOKYO00458") in meta.idnos
    assert "SCIENTIFIC COOPERATION" in meta.keywords and "CGEN" in meta.keywords
    assert ("classification", "Original Classification: LIMITED OFFICIAL USE") in meta.notes
    assert etree.QName(xp(reading, "//t:div[@type='attributes']/t:ab")[0]).localname == "ab"
