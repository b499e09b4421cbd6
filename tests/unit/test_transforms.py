"""Transforms, each alone on a tiny tree."""

from __future__ import annotations

from edition import transforms
from edition.entities import Register
from edition.tei import make


def tiny_register() -> Register:
    return Register({"SECSTATE": ("orgName", "org-state"), "Tokyo": ("placeName", "place-tokyo")})


def test_transforms_run_in_priority_order() -> None:
    priorities = [t.priority for t in transforms.TRANSFORMS]
    assert priorities == sorted(priorities)
    assert [t.name for t in transforms.TRANSFORMS] == ["mentions", "header-names", "speakers"]


def test_header_names_get_refs() -> None:
    root = make(
        "TEI", None, make("teiHeader", None, make("orgName", "SECSTATE"), make("orgName", "X"))
    )
    transforms.header_names.apply(root, transforms.Context(tiny_register(), 1.0))
    assert [e.get("ref") for e in root.iter("{*}orgName")] == ["register.xml#org-state", None]


def test_mentions_tags_text_and_can_be_disabled() -> None:
    text = make("text", None, make("p", "We flew to Tokyo."))
    context = transforms.Context(tiny_register(), 1.0)
    transforms.run(text, context, frozenset({"mentions"}))
    assert text.find(".//{*}placeName") is None
    transforms.run(text, context)
    assert text.find(".//{*}placeName").get("ref") == "register.xml#place-tokyo"
    assert context.mentions.linked == {"place-tokyo": 1}


def test_unknown_speakers_are_reported_and_listed() -> None:
    sp = make(
        "sp", None, make("speaker", "Ivanov."), make("p", "Yes."), who="register.xml#pers-ivanov"
    )
    sp.sourceline = 7
    text = make("text", None, sp)
    context = transforms.Context(tiny_register(), 1.0, "sources/t.txt")
    transforms.speakers.apply(text, context)
    assert [d.render().split("\n")[0] for d in context.diagnostics] == [
        'sources/t.txt:7: warning[S124]: speaker "Ivanov" points at register.xml#pers-ivanov, '
        "which the register does not list"
    ]
    assert context.mentions.candidates == {"Ivanov": 1}
