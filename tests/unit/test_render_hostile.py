"""Hostile TEI cannot inject script: text, attributes and URLs are escaped or refused."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import markupsafe
from hypothesis import given
from hypothesis import strategies as st
from site_checks import FIXTURES, active_content, make_project

from edition.diagnostics import Reporter
from edition.project import Project
from edition.render.behaviours import RenderContext, escape_text
from edition.render.html import HTMLRenderer
from edition.site.builder import build_site
from edition.tei import parse_xml


def _render(path: Path) -> tuple[str, RenderContext]:
    tree = parse_xml(path)
    ctx = RenderContext()
    html = HTMLRenderer().render(tree.getroot().find("{http://www.tei-c.org/ns/1.0}text"), ctx)
    return str(html), ctx


def test_hostile_text_and_attributes_are_escaped():
    html, _ = _render(FIXTURES / "hostile.xml")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "onmouseover=&#34;alert(1)" in html  # inside a quoted, escaped attribute value
    assert active_content(f"<div>{html}</div>") == []


def test_dangerous_urls_are_refused_not_linked():
    html, ctx = _render(FIXTURES / "hostile.xml")
    tree = lxml.html.fromstring(f"<div>{html}</div>")
    hrefs = tree.xpath("//a/@href")
    assert not any(h.strip().lower().startswith(("javascript", "data", "vbscript")) for h in hrefs)
    assert "javascript:alert(1)" in ctx.refused and " JaVaScRiPt:alert(2)".strip() in ctx.refused
    assert any(
        r.startswith('https://example.org/"') for r in ctx.refused
    )  # quotes in a URL: refused
    assert not tree.xpath("//img")  # graphic URLs are never loaded


def test_hostile_document_builds_a_safe_page(tmp_path):
    root = make_project(tmp_path / "p", extra=("hostile.xml",), search=False)
    reporter = Reporter()
    result = build_site(Project.load(root), reporter)
    assert not result.failed, reporter.render("text")
    pages = list((root / "site" / "documents").glob("hostile*/index.html"))
    assert len(pages) == 1
    assert pages[0].parent.name == "hostile"
    html = pages[0].read_text()
    assert active_content(html) == []
    assert "Hostile &#34;title&#34; &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "info[R511]" in reporter.render("text")
    # defence in depth: no inline script would run even if one slipped through
    assert "script-src 'self' 'wasm-unsafe-eval';" in html and "Content-Security-Policy" in html
    intro = (root / "site" / "index.html").read_text()
    assert active_content(intro) == []


@given(st.text())
def test_the_walker_escapes_text_as_markupsafe_does(text: str) -> None:
    assert escape_text(text) == str(markupsafe.escape(text))
