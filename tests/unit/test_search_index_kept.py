"""The search index of an incremental build is remade when, and only when, a page changed.

The data: the demo edition built with search; rebuilt with nothing changed, after a
comment added to a document (no page changes), and after a word changed in one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from edition import api
from edition.diagnostics import Reporter
from edition.project import Project
from edition.site import search

pytestmark = pytest.mark.slow

TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"


def index_of(root: Path) -> dict[str, bytes]:
    folder = root / "site" / "pagefind"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def built(root: Path) -> dict[str, bytes]:
    project = Project.load(root)
    reporter = Reporter()
    result = api.build(project, reporter, check=False, cache=True)
    assert result is not None and not result.failed, reporter.render("text")
    return index_of(root)


def test_the_index_is_remade_only_for_changed_pages(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[int] = []
    indexer = search.build_index

    def counted(*args: object, **kwargs: object) -> bool:
        runs.append(1)
        return indexer(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "build_index", counted)
    first = built(demo)
    assert len(runs) == 1 and first
    assert built(demo) == first and len(runs) == 1, "nothing changed: not indexed"
    telegram = demo / "tei" / TELEGRAM
    text = telegram.read_text(encoding="utf-8")
    telegram.write_text(text.replace("</teiHeader>", "</teiHeader><!-- seen -->", 1))
    assert built(demo) == first and len(runs) == 1, "no page changed: not indexed"
    telegram.write_text(text.replace("TOKYO", "TOKIO"), encoding="utf-8")
    changed = built(demo)
    assert len(runs) == 2 and changed != first
