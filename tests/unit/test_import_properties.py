"""Property tests: any text with random brackets and noise loses nothing and never crashes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from edition import lossless
from edition.readers import Transcription, get_reader
from edition.readers.base import NOT_XML
from edition.tei import parse_xml, serialize

WORDS = st.sampled_from(
    [
        "Japan",
        "the",
        "FUSANO",
        "word",
        "Pavlyehee",
        "1954",
        "N.S.",
        "Khrushchev.",
        "INTER-",
        "PlineglirM7111=11",
        "a)",
        "*",
        "**",
        "_",
        "#",
        "^1",
        "&nbsp;",
        "\\",
        "`",
        "<b>",
        "—",
        "é",
    ]
)
SIGLA = st.sampled_from(
    [
        "[illegible]",
        "[2 words illegible]",
        "[text not declassified]",
        "[is heading]",
        "[word?]",
        "[sic]",
        "[Handwritten]",
        "[Handwritten at the bottom of page one]",
        "[signature]",
        "[^1]",
        "[",
        "]",
        "[a [b] c]",
        "[x](y)",
        "\t",
        "  \n",
        "\n",
        "\n\n",
        "Signature: ",
        "PAGE 01 X 1",
    ]
)
TEXTS = st.lists(st.one_of(WORDS, SIGLA), min_size=1, max_size=40).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, profile=st.sampled_from(["transcription", "telegram", "archive", "ocr"]))
def test_nothing_is_lost_and_the_tei_is_well_formed(
    tmp_path_factory, text: str, profile: str
) -> None:
    if not text.strip():
        return
    path = Path(tmp_path_factory.mktemp("prop")) / "x.txt"
    transcription = Transcription(path, "x.txt", text)
    reading = get_reader(profile).read(transcription)
    assert lossless.lost_words(text, reading.consumed, reading.text) == {}
    parse_xml(serialize(reading.text))  # well-formed, through the hardened parser


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200))
def test_plain_words_survive_any_characters(tmp_path_factory, text: str) -> None:
    path = Path(tmp_path_factory.mktemp("prop")) / "x.txt"
    text = text.replace("\r", "")
    assume(text.strip() and not NOT_XML.search(text))  # those are refused at load (S106)
    reading = get_reader("transcription").read(Transcription(path, "x.txt", text))
    assert lossless.lost_words(text, reading.consumed, reading.text) == {}


@settings(max_examples=30, deadline=None)
@given(text=TEXTS, tag=st.sampled_from(["p", "dd", "li", "h2", "blockquote"]))
def test_html_pages_lose_nothing_of_their_text(tmp_path_factory, text: str, tag: str) -> None:
    import html

    page = f"<html><body><main><{tag}>{html.escape(text)}</{tag}></main></body></html>"
    path = Path(tmp_path_factory.mktemp("prop")) / "x.html"
    reading = get_reader("html").read(Transcription(path, "x.html", page))
    assert lossless.lost_words(reading.source_text, reading.consumed, reading.text) == {}
