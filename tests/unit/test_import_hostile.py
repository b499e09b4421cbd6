"""Hostile and broken sources: located diagnostics, no traceback, a batch never stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.cli import main
from edition.diagnostics import Reporter
from edition.importer import import_sources
from edition.project import Project


@pytest.fixture
def project(demo: Path) -> Project:
    for old in (demo / "sources").iterdir():
        old.unlink()
    return Project.load(demo)


def run(project: Project, name: str, data: bytes) -> tuple[list, Reporter]:
    source = project.sources_dir / name
    source.write_bytes(data)
    reporter = Reporter()
    return import_sources(project, [source], reporter), reporter


def rendered(reporter: Reporter) -> list[str]:
    return [d.render().split("\n")[0] for d in reporter]


def test_unbalanced_and_nested_brackets_are_located(project: Project) -> None:
    outcomes, reporter = run(project, "b.txt", b"First line.\n\nA [b c\nd] e] f [g [h] i\n")
    assert outcomes[0].status == "written"
    assert rendered(reporter) == [
        'sources/b.txt:4:5: warning[S121]: stray closing bracket "]"',
        "sources/b.txt:4:9: warning[S122]: nested brackets are kept as text",
        'sources/b.txt:4:9: warning[S120]: unclosed bracket "[g [h] i"',
    ]
    text = (project.tei_dir / "b.xml").read_text()
    assert "A [b c" in text and "d] e] f [g" in text


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"", "sources/x.txt: error[S104]: the transcription is empty"),
        (
            b"\x00\x01binary",
            "sources/x.txt: error[S102]: the file is binary, not a text transcription",
        ),
        (
            b"caf\xe9",
            "sources/x.txt:1:4: error[S103]: the file is not UTF-8 text "
            "(byte 0xe9 cannot be decoded)",
        ),
        (
            b"ab\n c\x08d",
            "sources/x.txt:2:3: error[S106]: the file contains the control "
            "character U+0008, which XML cannot hold",
        ),
    ],
)
def test_unreadable_files_are_located(project: Project, data: bytes, line: str) -> None:
    outcomes, reporter = run(project, "x.txt", data)
    assert outcomes[0].status == "failed"
    assert rendered(reporter) == [line]


def test_a_100_mb_file_is_refused_without_reading_it(project: Project) -> None:
    source = project.sources_dir / "huge.txt"
    with source.open("wb") as handle:  # sparse on POSIX: nothing is written
        handle.truncate(100 * 1024 * 1024)
    reporter = Reporter()
    outcomes = import_sources(project, [source], reporter)
    assert outcomes[0].status == "failed"
    assert rendered(reporter)[0].startswith("sources/huge.txt: error[S101]: the file is 100 MB")


def test_a_line_of_one_megabyte_is_imported_whole(project: Project) -> None:
    line = ("word [illegible] " * 60_000)[: 1024 * 1024]
    outcomes, reporter = run(project, "long.txt", line.encode() + b"\n")
    assert outcomes[0].status == "written", rendered(reporter)
    assert outcomes[0].counts["gap"] == line.count("[illegible]")


def test_one_bad_file_does_not_stop_the_others(project: Project, capsys) -> None:
    (project.sources_dir / "a-bad.txt").write_bytes(b"\x00")
    (project.sources_dir / "b-good.txt").write_text("A letter [illegible] here.\n")
    status = main(["import", "--project", str(project.root)])
    out, err = capsys.readouterr()
    assert status == 1
    assert "sources/a-bad.txt: error[S102]" in err
    assert "Traceback" not in err
    assert (project.tei_dir / "b-good.xml").is_file()
    assert "apparatus: gap 1" in out


def test_import_report_as_json(project: Project) -> None:
    import json

    (project.sources_dir / "letter.txt").write_text("Dear Sir, we met Fukuda in [illegible].\n")
    report = project.root / "report.json"
    assert main(["import", "--project", str(project.root), "--report", str(report)]) == 0
    (entry,) = json.loads(report.read_text())
    assert entry["profile"] == "transcription"
    assert entry["reason"] == "no more specific profile matched"
    assert entry["counts"]["gap"] == 1
    assert entry["linked"] == 1 and entry["quality"] > 0.9


def test_nothing_lost_check_names_the_lost_words(monkeypatch, project: Project) -> None:
    from edition.readers import text as text_reader

    original = text_reader.ProfileReader.read

    def lossy(self, transcription):
        reading = original(self, transcription)
        for p in reading.text.iter("{http://www.tei-c.org/ns/1.0}p"):
            p.text = (p.text or "").replace("harvest", "")
        return reading

    monkeypatch.setattr(text_reader.ProfileReader, "read", lossy)
    outcomes, reporter = run(project, "lost.txt", b"Line one.\n\nWe spoke of the harvest.\n")
    assert outcomes[0].status == "failed"
    assert rendered(reporter) == [
        'sources/lost.txt:3:17: error[S130]: the TEI lost 1 word(s) of the source: "harvest"'
    ]
    assert not (project.tei_dir / "lost.xml").exists()


def test_sidecar_that_is_not_toml_is_located(project: Project) -> None:
    (project.sources_dir / "s.meta.toml").write_text("title = \n")
    outcomes, reporter = run(project, "s.txt", b"text\n")
    assert outcomes[0].status == "failed"
    assert rendered(reporter)[0].startswith("sources/s.meta.toml: error[S105]")


def test_unknown_profile_is_a_usage_error(project: Project, capsys) -> None:
    (project.sources_dir / "x.txt").write_text("text\n")
    assert main(["import", "--project", str(project.root), "--profile", "fax"]) == 2
    assert "error[C010]: unknown profile 'fax'" in capsys.readouterr().err


def test_a_bug_on_one_source_is_reported_and_the_batch_goes_on(monkeypatch, project) -> None:
    from edition.readers import text as text_reader

    original = text_reader.ProfileReader.read

    def broken(self, transcription):
        if transcription.shown.endswith("a.txt"):
            raise ValueError("boom")
        return original(self, transcription)

    monkeypatch.setattr(text_reader.ProfileReader, "read", broken)
    for name in ("a.txt", "b.txt"):
        (project.sources_dir / name).write_text("Some text.\n")
    reporter = Reporter()
    sources = sorted(project.sources_dir.glob("*.txt"))
    outcomes = import_sources(project, sources, reporter)
    assert [o.status for o in outcomes] == ["failed", "written"]
    assert rendered(reporter) == [
        "sources/a.txt: error[S199]: internal error while importing: ValueError: boom"
    ]
