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
