"""What page templates need beyond one document: the sorts, person names, introduction, sitemap."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from heapq import merge
from itertools import islice
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

from markdown_it import MarkdownIt
from markupsafe import Markup

from edition.diagnostics import Location, Reporter, warning
from edition.project import Project
from edition.site.register import Entity

if TYPE_CHECKING:
    from edition.site.documents import SiteDocument


@dataclass(frozen=True)
class Sort:
    """One pre-rendered order of the documents list (sorting works without JavaScript)."""

    key: str
    label: str


SORTS = (
    Sort("date", "Date"),
    Sort("title", "Title"),
    Sort("kind", "Kind"),
    Sort("archive", "Archive"),
    Sort("classification", "Classification"),
)


def person_names(doc: SiteDocument, register: dict[str, Entity]) -> list[str]:
    """Names of the register's persons mentioned in a document (the search filter 'person')."""
    names = {
        register[m.entity].name
        for m in doc.mentions
        if m.entity in register and register[m.entity].kind == "person"
    }
    return sorted(names)


def introduction(project: Project, reporter: Reporter) -> Markup:
    """The home page's introduction: the Markdown file named by ``edition.introduction``."""
    name = project.settings.edition.introduction
    if not name:
        return Markup("")
    path = project.path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reporter.report(
            warning(
                "R530",
                f"cannot read the introduction: {err}",
                Location("edition.toml"),
                "set edition.introduction to a Markdown file of the project",
            )
        )
        return Markup("")
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
    return Markup(md.render(text))  # raw HTML is disabled: the Markdown cannot inject markup


#: The most URLs one sitemap file may list (sitemaps.org); more go into several, with an index.
SITEMAP_LIMIT = 50_000


def sitemaps(base_url: str, pages: Iterable[str], documents: Iterable[str]) -> dict[str, bytes]:
    """``sitemap.xml`` listing every page, sorted (absolute URLs when ``base_url`` is set).

    ``pages`` in any order, ``documents`` sorted. Past ``SITEMAP_LIMIT`` URLs,
    ``sitemap.xml`` is an index of ``sitemap-1.xml``, ``sitemap-2.xml``, ….
    """
    base = base_url.rstrip("/") + "/" if base_url else ""
    paths = merge(sorted(pages), documents)
    rows = (f"  <url><loc>{xml_escape(base + path)}</loc></url>\n" for path in paths)
    parts: list[bytes] = []
    while chunk := list(islice(rows, SITEMAP_LIMIT)):
        parts.append(_urlset(chunk))
    if len(parts) <= 1:
        return {"sitemap.xml": parts[0] if parts else _urlset([])}
    found = {f"sitemap-{n}.xml": part for n, part in enumerate(parts, start=1)}
    index = "".join(f"  <sitemap><loc>{xml_escape(base + n)}</loc></sitemap>\n" for n in found)
    found["sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + index
        + "</sitemapindex>\n"
    ).encode()
    return found


def _urlset(rows: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(rows)
        + "</urlset>\n"
    ).encode()
