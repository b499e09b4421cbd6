"""The command line runs end to end on a copy of the demo edition."""

from __future__ import annotations

from pathlib import Path

from edition.cli import main


def test_validate_and_build_demo(demo: Path, capsys) -> None:
    assert main(["validate", "--project", str(demo)]) == 0
    assert main(["build", "--project", str(demo)]) == 0
    pages = sorted(p.relative_to(demo / "site").as_posix() for p in (demo / "site").rglob("*.html"))
    assert "index.html" in pages
    assert "documents/index.html" in pages
    documents = [p for p in pages if p.startswith("documents/d") and p.endswith("/index.html")]
    assert len(documents) == 3
