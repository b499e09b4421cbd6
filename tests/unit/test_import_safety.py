"""Import never loses hand edits and turns bad sources into located errors, writing nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edition.cli import main

TELEGRAM = "1975-01-13_telegram_tokyo-00458"


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_reimport_of_untouched_files_changes_nothing(capsys, demo: Path) -> None:
    target = demo / "tei" / f"{TELEGRAM}.xml"
    assert run(capsys, "import", "--project", str(demo))[0] == 0
    first = target.read_bytes()
    status, out, err = run(capsys, "import", "--project", str(demo))
    assert status == 0
    assert err == ""
    assert out.count("unchanged") == 3
    assert target.read_bytes() == first


def test_hand_edits_are_never_overwritten(capsys, demo: Path) -> None:
    assert run(capsys, "import", "--project", str(demo))[0] == 0
    target = demo / "tei" / f"{TELEGRAM}.xml"
    edited = target.read_text(encoding="utf-8").replace(
        "</body>", "<p>An editor's note.</p></body>"
    )
    target.write_text(edited, encoding="utf-8")

    status, out, err = run(capsys, "import", "--project", str(demo))
    assert status == 1
    assert err.splitlines() == [
        f"sources/{TELEGRAM}.txt: error[S110]: tei/{TELEGRAM}.xml was edited by hand since "
        "it was generated; not overwritten",
        f"  hint: keep your edits, or run 'edition import --force sources/{TELEGRAM}.txt' "
        "to replace them (a backup is kept)",
    ]
    assert "kept-hand-edits" in out
    assert target.read_text(encoding="utf-8") == edited


def test_force_replaces_hand_edits_and_keeps_a_backup(capsys, demo: Path) -> None:
    assert run(capsys, "import", "--project", str(demo))[0] == 0
    target = demo / "tei" / f"{TELEGRAM}.xml"
    edited = target.read_text(encoding="utf-8").replace("</body>", "<p>Mine.</p></body>")
    target.write_text(edited, encoding="utf-8")

    source = demo / "sources" / f"{TELEGRAM}.txt"
    status, _, err = run(capsys, "import", "--force", "--project", str(demo), str(source))
    assert status == 0
    assert err.splitlines() == [
        f"sources/{TELEGRAM}.txt: info[S111]: replaced hand-edited tei/{TELEGRAM}.xml; "
        f"backup in tei/{TELEGRAM}.xml.bak"
    ]
    assert (demo / "tei" / f"{TELEGRAM}.xml.bak").read_text(encoding="utf-8") == edited
    assert "Mine." not in target.read_text(encoding="utf-8")


def test_a_file_without_generation_record_counts_as_hand_written(capsys, demo: Path) -> None:
    target = demo / "tei" / f"{TELEGRAM}.xml"
    hand_written = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"/>\n'
    target.write_bytes(hand_written)
    status, _, err = run(capsys, "import", "--project", str(demo))
    assert status == 1
    assert "error[S110]" in err
    assert target.read_bytes() == hand_written


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "sources/bad.txt: error[S104]: the transcription is empty"),
        (b"  \n\n \t\n", "sources/bad.txt: error[S104]: the transcription is empty"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "sources/bad.txt: error[S102]: the file is binary, not a text transcription",
        ),
        (
            "Ligne une\nCaf\xe9 cr\xe8me\n".encode("latin-1"),
            "sources/bad.txt:2:4: error[S103]: the file is not UTF-8 text "
            "(byte 0xe9 cannot be decoded)",
        ),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_bad_sources_are_reported_and_others_still_imported(
    capsys, demo: Path, content: bytes, expected: str
) -> None:
    documents = [p for p in (demo / "tei").glob("*.xml") if p.name != "register.xml"]
    for old in documents:
        old.unlink()
    (demo / "sources" / "bad.txt").write_bytes(content)
    status, out, err = run(capsys, "import", "--project", str(demo))
    assert status == 1
    assert err.splitlines()[0] == expected
    assert err.splitlines()[1].startswith("  hint: ")
    assert not (demo / "tei" / "bad.xml").exists()
    assert out.count("written") == 3
    assert sorted((demo / "tei").glob("*.xml")) == sorted([*documents, demo / "tei/register.xml"])


def test_a_source_named_in_another_encoding_is_reported_and_others_still_imported(
    capsys, demo: Path
) -> None:
    """A source whose name is not UTF-8 (Latin-1 ``café.txt``) is refused by name (S107),
    no TEI is written for it, and the other sources are imported."""
    telegram = (demo / "sources" / f"{TELEGRAM}.txt").read_bytes()
    try:
        Path(os.fsdecode(os.fsencode(demo / "sources") + b"/caf\xe9.txt")).write_bytes(telegram)
    except (OSError, UnicodeError):  # a file system that takes only UTF-8 names
        pytest.skip("this file system refuses names that are not UTF-8")
    status, out, err = run(capsys, "import", "--project", str(demo))
    assert status == 1
    assert err.splitlines()[0] == "sources/caf\\xe9.txt: error[S107]: the file name is not UTF-8"
    assert err.splitlines()[1].startswith("  hint: rename the file")
    assert "internal error" not in err
    assert out.count("unchanged") == 3  # the others imported, as they were
    assert "failed  sources/caf\\xe9.txt → tei/caf\\xe9.xml" in out
    assert sorted(p.name for p in (demo / "tei").glob("*.xml") if not p.name.isascii()) == []


def test_missing_source_argument(capsys, demo: Path) -> None:
    status, _, err = run(capsys, "import", "--project", str(demo), str(demo / "sources/nope.txt"))
    assert status == 1
    assert err.splitlines() == ["sources/nope.txt: error[S100]: no such source file"]


def test_reimport_on_another_day_keeps_the_file_and_its_date(
    capsys, demo: Path, monkeypatch
) -> None:
    target = demo / "tei" / f"{TELEGRAM}.xml"
    first = target.read_bytes()
    assert b'<change when="2026-11-23" type="import">' in first  # when the demo was imported
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    status, out, _ = run(capsys, "import", "--project", str(demo))
    assert status == 0
    assert out.count("unchanged") == 3
    assert target.read_bytes() == first
    # A changed source is imported again, with the new date.
    source = demo / "sources" / f"{TELEGRAM}.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\nADDED LINE\n", encoding="utf-8")
    assert run(capsys, "import", "--project", str(demo))[0] == 0
    assert b'<change when="2027-01-15" type="import">' in target.read_bytes()


def test_written_tei_is_readable_by_others(capsys, demo: Path) -> None:
    target = demo / "tei" / f"{TELEGRAM}.xml"
    target.unlink()
    assert run(capsys, "import", "--project", str(demo))[0] == 0
    assert target.stat().st_mode & 0o777 == 0o644
