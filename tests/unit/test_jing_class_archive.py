"""jing's class archive: written by the first run, mapped by the next, never in the way.

The data: the demo's documents with an element its schema does not allow and a
date that is none (jing lists the datatypes it may be in an order that changes
when the JVM maps an archive: the messages must not); the archive as Java writes it, then cut
short (which crashes a JVM that maps it), and a JVM that cannot share classes
at all (``-Xshare:off``).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from conftest import needs_jing

from edition.project import Project
from edition.validation import jing
from edition.validation.class_archive import ClassArchive

pytestmark = needs_jing

TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"


@pytest.fixture
def files(demo: Path) -> dict[Path, str]:
    """The demo's documents, one with an element the schema does not allow and a bad date."""
    path = demo / "tei" / TELEGRAM
    text = path.read_text(encoding="utf-8").replace('when="1975-01-13"', 'when="13.1.1975"', 1)
    path.write_text(re.sub(r"(<body>.*?<p>)", r"\1<blink/>", text, count=1, flags=re.S))
    project = Project.load(demo)
    return {path: project.shown(path) for path in project.tei_files()}


def checked(demo: Path, files: dict[Path, str], archives: Path | None) -> list[str]:
    found = jing.check(Project.load(demo).schema_path, files, archives=archives)
    return [d.render() for shown in sorted(found) for d in found[shown]]


def archive_of(archives: Path) -> ClassArchive:
    options = jing.JVM_OPTIONS.split()
    runner, jing_jar = jing.java(), jing.jar()
    assert runner is not None and jing_jar is not None
    return ClassArchive(archives, runner, jing_jar, options)


def test_the_first_run_writes_the_archive_and_the_next_maps_it(
    demo: Path, files: dict[Path, str], tmp_path: Path
) -> None:
    without = checked(demo, files, None)
    assert any("blink" in line for line in without)
    assert any("must be a year, must be an ISO date" in line for line in without)
    archives = tmp_path / "jvm"
    assert checked(demo, files, archives) == without
    (written,) = archives.iterdir()
    assert written == archive_of(archives).path, "put in place whole, under its own name"
    assert written.stat().st_size > 100_000
    stamp = written.stat().st_mtime_ns
    assert checked(demo, files, archives) == without
    assert written.stat().st_mtime_ns == stamp, "mapped, not written again"
    pending = jing.start(Project.load(demo).schema_path, files, archives=archives)
    try:
        assert pending._sharing == [f"-XX:SharedArchiveFile={written}"]
    finally:
        pending.close()


def test_a_damaged_archive_is_dropped_and_jing_runs_without_it(
    demo: Path, files: dict[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = checked(demo, files, None)
    archives = tmp_path / "jvm"
    checked(demo, files, archives)
    archive = archive_of(archives).path
    cut = archive.read_bytes()[:100_000]
    archive.unlink()
    archive.write_bytes(cut)  # Java crashes mapping this (SIGBUS)
    monkeypatch.chdir(tmp_path)
    assert checked(demo, files, archives) == without
    assert not archive.exists(), "the damaged archive is gone"
    assert not list(tmp_path.glob("hs_err*")), "no crash report left in the working folder"
    assert checked(demo, files, archives) == without
    assert archive.stat().st_size > len(cut), "and the next run wrote a whole one"


def test_a_jvm_that_cannot_share_classes_is_not_asked_again(
    demo: Path, files: dict[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = "-Xshare:off -XX:+UseSerialGC"
    monkeypatch.setenv("EDITION_JVM_OPTIONS", options)
    without = checked(demo, files, None)
    archives = tmp_path / "jvm"
    assert checked(demo, files, archives) == without, "run again without the archive option"
    runner, jing_jar = jing.java(), jing.jar()
    assert runner is not None and jing_jar is not None
    archive = ClassArchive(archives, runner, jing_jar, options.split())
    assert archive.unusable.exists() and not archive.path.exists()
    assert archive.options() == []
    assert checked(demo, files, archives) == without


def test_an_archive_a_killed_run_left_half_written_is_removed(
    demo: Path, files: dict[Path, str], tmp_path: Path
) -> None:
    archives = tmp_path / "jvm"
    archives.mkdir()
    left = archives / "jing-0.jsa.123-456.new"  # a run killed while Java wrote this
    left.write_bytes(b"half")
    recent = archives / "jing-0.jsa.789-1.new"  # a run still writing its own
    recent.write_bytes(b"half")
    an_hour_ago = time.time() - 3601
    os.utime(left, (an_hour_ago, an_hour_ago))
    checked(demo, files, archives)
    assert not left.exists()
    assert recent.exists(), "another run's archive in the making is left alone"
    assert archive_of(archives).path.is_file()
