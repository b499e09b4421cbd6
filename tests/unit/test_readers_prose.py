"""Paragraph-level rules of the generic profile on small transcriptions."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from edition.readers import Transcription, get_reader


def encode(text: str, profile: str = "transcription") -> tuple[str, object]:
    reading = get_reader(profile).read(Transcription(Path("t.md"), "t.md", text))
    xml = etree.tostring(reading.text.find("{*}body"), encoding="unicode")
    return re.sub(r" xmlns(:ns0)?=\"[^\"]+\"", "", xml).replace("ns0:", ""), reading


def test_headings_open_divisions() -> None:
    xml, _ = encode("Intro text.\n\n## Part two\n\nMore text.\n")
    assert xml == (
        '<body><p>Intro text.</p><div type="section"><head>Part two</head>'
        "<p>More text.</p></div></body>"
    )


def test_numbered_paragraphs_and_inferred_page_break() -> None:
    xml, reading = encode("1. It will demand still\n\nmore oil. Then\n\n2. Next point.\n")
    assert xml == (
        '<body><p n="1">1. It will demand still<pb/>\nmore oil. Then</p>'
        '<p n="2">2. Next point.</p></body>'
    )
    assert reading.text.find(".//{*}pb").sourceline == 3


def test_dialogue_turns_and_their_continuation() -> None:
    """Names opening two or more paragraphs as "Name. text" are speakers."""
    text = (
        "Ivanov. We agree.\n\nSmith. I doubt it.\n\nWe must wait, I think.\n\n"
        "Ivanov. Then wait.\n\nSmith. Perhaps.\n\nThe talk ended.\n"
    )
    xml, _ = encode(text)
    assert xml.count("<sp ") == 4
    assert (
        '<sp who="register.xml#pers-smith"><speaker>Smith.</speaker> <p>I doubt it.</p>'
        "<p>We must wait, I think.</p></sp>" in xml
    )
    assert xml.endswith("</sp><p>The talk ended.</p></body>")


def test_closing_signature_and_dates() -> None:
    xml, _ = encode("The end.\n\nSignature: A. Clerk\n\nMay 12, 1960\n\n12/ab\n")
    assert xml.endswith(
        "<closer><signed>Signature: A. Clerk</signed>\n<lb/><dateline>"
        '<date when="1960-05-12">May 12, 1960</date></dateline>\n<lb/>'
        '<seg type="registry">12/ab</seg></closer></body>'
    )


def test_footnote_without_definition_is_reported() -> None:
    _, reading = encode("A claim.[^9]\n")
    (diagnostic,) = reading.diagnostics
    assert diagnostic.render().split("\n")[0] == (
        "t.md:1: warning[S123]: footnote [^9] has no definition"
    )


def test_handwritten_additions_declare_a_hand() -> None:
    _, reading = encode("Sent [Handwritten]\n")
    assert reading.metadata.hands == {"hand-1": "handwritten additions"}


def test_page_numbers_are_page_breaks_inside_a_running_paragraph() -> None:
    xml, _ = encode("The talks went on until\n\n- 2 -\n\nthe evening.\n\n[Page 3]\n\nEnd.\n")
    assert xml == (
        '<body><p>The talks went on until<pb n="2"/><fw type="pageNum">- 2 -</fw>\n'
        'the evening.</p><pb n="3"/><fw type="pageNum">[Page 3]</fw><p>End.</p></body>'
    )


def test_supplied_words_point_at_a_declared_responsibility() -> None:
    _, reading = encode("He [is heading] it.\n")
    assert reading.metadata.responsibilities == [
        ("translator", "Words supplied in the transcription", "the transcriber (unnamed)")
    ]


def test_a_heading_after_the_closer_starts_new_text() -> None:
    xml, _ = encode("Text.\n\nSignature: J. Doe\n\n## Appendix\n\nA table.\n")
    assert xml.endswith('<div type="section"><head>Appendix</head><p>A table.</p></div></body>')


def test_a_registered_person_speaks_even_once() -> None:
    text = "Ivanov. We agree.\n\nSmith. Fine.\n\nIvanov. Good.\n"
    transcription = Transcription(Path("t.md"), "t.md", text, people={"Smith": "pers-john-smith"})
    reading = get_reader("transcription").read(transcription)
    whos = [sp.get("who") for sp in reading.text.iter("{*}sp")]
    assert whos == [
        "register.xml#pers-ivanov",
        "register.xml#pers-john-smith",
        "register.xml#pers-ivanov",
    ]
