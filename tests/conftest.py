"""Shared fixtures: paths to the repository, the demo edition and the shared corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def pytest_configure(config: pytest.Config) -> None:
    """No test leaves a jing server running: only tests/unit/test_jing_daemon.py starts them
    (in folders of their own, stopped after each test)."""
    os.environ["EDITION_JING_DAEMON"] = "off"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo edition (the repository's own edition files)."""
    target = tmp_path / "demo"
    target.mkdir()
    for name in ("edition.toml", "sources", "tei", "templates", "docs"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (``CI`` set), a skipped test fails the run: the tests that need the shared
    corpus, the TEI schema, Java or Chromium skip where those are missing (a clone not
    beside ``../shared``), and CI must not pass without them."""
    if not os.environ.get("CI") or exitstatus != pytest.ExitCode.OK:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if reporter is None or not skipped:
        return
    reasons = sorted({str(r.longrepr[2]).removeprefix("Skipped: ") for r in skipped if r.longrepr})
    reporter.write("\n")
    reporter.write_line(
        f"{len(skipped)} test(s) skipped in CI, which must run them all: " + "; ".join(reasons),
        red=True,
    )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
