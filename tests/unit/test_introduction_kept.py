"""The home page's introduction is rendered from Markdown only when its text changed.

The data: the demo edition (its introduction is ``docs/introduction.md``), built, then
rebuilt as by a new process (the site removed) before and after the text is edited,
and without a cache.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import markdown_it
import pytest

from edition import api
from edition.diagnostics import Reporter
from edition.project import Project


def introduction_after_build(root: Path, cache: bool = True) -> str:
    """The home page's introduction, as text, after a build from no site."""
    shutil.rmtree(root / "site", ignore_errors=True)
    reporter = Reporter()
    result = api.build(Project.load(root), reporter, check=False, cache=cache)
    assert result is not None and not result.failed, reporter.render("text")
    home = lxml.html.fromstring((root / "site" / "index.html").read_bytes())
    (intro,) = home.xpath("//div[@class='introduction']")
    return " ".join(intro.text_content().split())


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Markdown texts rendered from here on."""
    texts: list[str] = []
    original = markdown_it.MarkdownIt.render

    def counting(self: markdown_it.MarkdownIt, src: str, env: object = None) -> str:
        texts.append(src)
        return original(self, src, env)

    monkeypatch.setattr(markdown_it.MarkdownIt, "render", counting)
    return texts


def test_an_unchanged_introduction_is_not_rendered_again(demo: Path, rendered: list[str]) -> None:
    source = demo / "docs" / "introduction.md"
    first = introduction_after_build(demo)
    assert "CIA Information Report" in first and len(rendered) == 1
    assert introduction_after_build(demo) == first
    assert len(rendered) == 1, "the kept HTML, not the Markdown again"

    source.write_text(source.read_text(encoding="utf-8") + "\nA *new* closing line.\n")
    edited = introduction_after_build(demo)
    assert edited == f"{first} A new closing line." and len(rendered) == 2
    assert introduction_after_build(demo, cache=False) == edited and len(rendered) == 3
