"""Profile detection, the --profile override and sidecar metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition import profiles
from edition.errors import UsageError
from edition.readers import Transcription, choose_reader, get_reader

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "sources"


def load(path: Path) -> Transcription:
    return Transcription.load(path, path.name)


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("1975-01-13_telegram_tokyo-00458", "telegram"),
        ("1960-05-10_record-of-conversation_khrushchev-fukuda-takasaki", "archive"),
        ("1954-03-30_cia-information-report_ussr-japan", "ocr"),
    ],
)
def test_samples_get_their_profile_with_a_reason(stem: str, expected: str) -> None:
    reader, reason = choose_reader(load(SOURCES / f"{stem}.txt"))
    assert reader.name == expected
    assert "conventions found" in reason


def test_plain_text_gets_the_generic_profile(tmp_path: Path) -> None:
    source = tmp_path / "letter.txt"
    source.write_text("Dear Sir,\n\nI write to you [illegible] about the harvest.\n")
    reader, reason = choose_reader(load(source))
    assert (reader.name, reason) == ("transcription", "no more specific profile matched")


def test_an_unseen_cable_is_recognised_as_a_telegram(tmp_path: Path) -> None:
    source = tmp_path / "cable.txt"
    source.write_text(
        "CONFIDENTIAL\n\nPAGE 01 MOSCOW 01234 01 OF 01 021530Z\n\nO 021500Z MAR 76\n\n"
        "FM AMEMBASSY MOSCOW\n\nTO SECSTATE WASHDC IMMEDIATE 5555\n\nTAGS: PFOR, UR\n\n"
        "SUBJ: GRAIN TALKS\n\n1. TALKS WENT WELL.\n\nSTOESSEL\n\nCONFIDENTIAL\n\nNNN\n"
    )
    reader, _ = choose_reader(load(source))
    reading = reader.read(load(source))
    assert reader.name == "telegram"
    assert reading.metadata.date == "1976-03-02"
    assert reading.metadata.title == "GRAIN TALKS"
    assert ("sent", "AMEMBASSY MOSCOW", "1976-03-02") in reading.metadata.correspondence


def test_html_pages_are_read_by_suffix(tmp_path: Path) -> None:
    source = tmp_path / "page.html"
    source.write_text(
        "<html><head><meta name='citation_title' content='A Letter'></head><body><main>"
        "<dl><dt>Summary</dt><dd>About fish.</dd></dl><p>The text [illegible] ends.</p>"
        "</main></body></html>"
    )
    reader, reason = choose_reader(load(source))
    reading = reader.read(load(source))
    assert reader.name == "html" and reason == "the file is HTML"
    assert reading.metadata.title == "A Letter"
    assert reading.metadata.abstract == "About fish."
    assert reading.text.xpath("count(//*[local-name()='gap'])") == 1


def test_profile_override_and_unknown_profile() -> None:
    assert get_reader("ocr").name == "ocr"
    with pytest.raises(UsageError) as caught:
        get_reader("fax")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "C010"
    assert "archive, html, ocr, telegram, transcription" in diagnostic.hints[0]


def test_profiles_extend_the_generic_one() -> None:
    telegram = profiles.load("telegram")
    assert telegram.sigla == profiles.load("transcription").sigla
    assert telegram.option("infer_page_breaks") is False
    assert telegram.option("hyphenation") is True  # inherited


def test_sidecar_wins_over_guesses(tmp_path: Path) -> None:
    source = tmp_path / "1975-01-13_telegram_tokyo-00458.txt"
    source.write_text((SOURCES / source.name).read_text())
    source.with_name(f"{source.stem}.meta.toml").write_text(
        'title = "Fusano letter on Japanese–Soviet exchanges"\ndate = "1975-01-14"\n'
    )
    reader, _ = choose_reader(load(source))
    meta = reader.read(load(source)).metadata
    assert meta.title == "Fusano letter on Japanese–Soviet exchanges"
    assert meta.date == "1975-01-14"


def test_html_wrapper_fields_become_metadata(tmp_path: Path) -> None:
    source = tmp_path / "memo.htm"
    source.write_text(
        "<html><body><nav>menu</nav><main><h1>Memo on Fish</h1><dl><dt>Date</dt>"
        "<dd>June 3, 1958</dd><dt>Citation</dt><dd>Translated by Ann Lee.</dd>"
        "<dt>Original Language</dt><dd>Russian</dd></dl><p>Text.</p></main></body></html>"
    )
    reading = get_reader("html").read(load(source))
    meta = reading.metadata
    assert (meta.title, meta.date, meta.original_language) == ("Memo on Fish", "1958-06-03", "ru")
    assert meta.responsibilities == [("translator", "Translation", "Ann Lee")]
    assert (
        reading.text.xpath("string(//*[local-name()='div'][@type='wrapper']/*[1])")
        == "Memo on Fish"
    )
    assert "menu" not in "".join(reading.text.itertext())
