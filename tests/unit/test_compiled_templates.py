"""Compiled templates are kept in the build cache: a new process compiles none of them,
and an edited template alone is compiled again.

The data: the demo edition, built, then rebuilt as by a new process (no template
compiled in memory, the site removed) before and after one template is edited.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from edition import api
from edition.diagnostics import Reporter
from edition.project import Project
from edition.site import templates


def snapshot(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and "pagefind" not in p.parts
    }


def built_afresh(root: Path, cache: bool = True) -> dict[str, bytes]:
    """A full build as a new process would make it: nothing compiled in memory, no site."""
    templates.cached_environment.cache_clear()
    shutil.rmtree(root / "site", ignore_errors=True)
    reporter = Reporter()
    result = api.build(Project.load(root), reporter, check=False, cache=cache)
    assert result is not None and not result.failed, reporter.render("text")
    return snapshot(root / "site")


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from here on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        names.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_a_new_process_compiles_only_the_templates_that_changed(
    demo: Path, compiled: list[str]
) -> None:
    first = built_afresh(demo)
    assert "document.html" in compiled and "base.html" in compiled
    assert list((demo / ".edition-cache" / "templates").iterdir())
    compiled.clear()
    assert built_afresh(demo) == first
    assert compiled == []
    about = demo / "templates" / "about.html"
    about.write_text(about.read_text(encoding="utf-8") + "{# edited #}\n", encoding="utf-8")
    compiled.clear()
    assert built_afresh(demo) == first  # a comment: the same pages
    assert compiled == ["about.html"]


def test_without_the_cache_nothing_is_kept(demo: Path, compiled: list[str]) -> None:
    first = built_afresh(demo, cache=False)
    compiled.clear()
    assert built_afresh(demo, cache=False) == first
    assert "document.html" in compiled
    assert not (demo / ".edition-cache" / "templates").exists()


def test_a_page_is_generated_in_pieces_of_about_a_piece_each(tmp_path: Path) -> None:
    """``templates.generate`` joins Jinja's many small pieces (one per bit of text between
    expressions): the page is the template's whole rendering, cut every ``PIECE``
    characters or so, never held whole."""
    (tmp_path / "list.html").write_text(
        "<ol>{% for n in range(count) %}<li>{{ n }} &amp; {{ '<' }}</li>{% endfor %}</ol>",
        encoding="utf-8",
    )
    env = templates.environment([tmp_path])
    whole = templates.render(env, "list.html", tmp_path, count=20_000)
    pieces = list(templates.generate(env, "list.html", tmp_path, count=20_000))
    assert "".join(pieces) == whole
    assert len(whole) > 8 * templates.PIECE
    assert all(templates.PIECE <= len(p) < templates.PIECE + 64 for p in pieces[:-1])
    assert 0 < len(pieces[-1]) < templates.PIECE + 64
    assert list(templates.generate(env, "list.html", tmp_path, count=0)) == ["<ol></ol>"]
