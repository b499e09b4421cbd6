"""What page templates need beyond one document: the sorts and pages of the documents list,
person names, introduction, sitemap."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from heapq import merge
from itertools import islice
from typing import TYPE_CHECKING

from markupsafe import Markup

from edition.cache import digest
from edition.diagnostics import Location, Reporter, warning
from edition.project import Project
from edition.site.register import Entity
from edition.tei import xml_text  # not xml.sax.saxutils: it loads urllib.request

if TYPE_CHECKING:
    from edition.cache import Cache
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


#: Pager links shown on each side of the current page (first and last are always shown).
PAGER_WINDOW = 3


def list_folder(order: str) -> str:
    """The documents list's folder in the site for one order (the date order is the default)."""
    return "documents/" if order == "date" else f"documents/by-{order}/"


def list_path(order: str, number: int) -> str:
    """Where page ``number`` (from 1) of the list in ``order`` lives, from the site's root."""
    return paged_path(list_folder(order), number)


def paged_path(folder: str, number: int) -> str:
    """Where page ``number`` (from 1) of a list whose first page is ``folder`` lives."""
    return folder + ("" if number == 1 else f"page-{number}/")


_SORT_FOLDERS = frozenset(f"by-{order.key}" for order in SORTS)
_PAGE_FOLDER = re.compile(r"page-\d+")


def is_list_slug(slug: str) -> bool:
    """Whether a document slug would take a list page's folder (``by-title``, ``page-2``)."""
    return slug in _SORT_FOLDERS or _PAGE_FOLDER.fullmatch(slug) is not None


@dataclass(frozen=True)
class ListPage:
    """One page of a paged list (the documents list in one order, an entity's mentions):
    which rows, and its pager's links.

    ``folder`` is the first page's, from the site's root; the others are in it
    (``page-2/``, …). ``size`` 0 means one page for every row. ``first`` and ``last``
    are the positions (from 1) of its rows in the whole list.
    """

    folder: str
    number: int
    count: int
    total: int
    size: int

    @property
    def path(self) -> str:
        return paged_path(self.folder, self.number)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def limit(self) -> int:
        """How many rows at most (-1: all, as SQLite's ``LIMIT``)."""
        return self.size if self.size else -1

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return self.total if not self.size else min(self.offset + self.size, self.total)

    @property
    def previous(self) -> str:
        return paged_path(self.folder, self.number - 1) if self.number > 1 else ""

    @property
    def next(self) -> str:
        return paged_path(self.folder, self.number + 1) if self.number < self.count else ""

    @property
    def links(self) -> list[tuple[int, str]]:
        """The pager: (number, path) of the first, the last and the pages near this one;
        (0, "") where pages are left out."""
        shown = {1, self.count, *range(self.number - PAGER_WINDOW, self.number + PAGER_WINDOW + 1)}
        found: list[tuple[int, str]] = []
        for number in sorted(n for n in shown if 1 <= n <= self.count):
            if found and number > found[-1][0] + 1:
                found.append((0, ""))
            found.append((number, paged_path(self.folder, number)))
        return found


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` rows take, ``size`` a page (0: one page; no row: one page)."""
    return max(1, -(-total // size)) if size else 1


def list_pages(folder: str, total: int, size: int) -> Iterator[ListPage]:
    """The pages of a list of ``total`` rows whose first page is ``folder``: ``size`` rows
    each (0: one page)."""
    count = page_count(total, size)
    for number in range(1, count + 1):
        yield ListPage(folder, number, count, total, size)


def person_names(doc: SiteDocument, register: dict[str, Entity]) -> list[str]:
    """Names of the register's persons mentioned in a document (the search filter 'person')."""
    names = {
        register[m.entity].name
        for m in doc.mentions
        if m.entity in register and register[m.entity].kind == "person"
    }
    return sorted(names)


def introduction(project: Project, reporter: Reporter, cache: Cache | None = None) -> Markup:
    """The home page's introduction: the Markdown file named by ``edition.introduction``.

    Its HTML is kept in ``cache`` with the hash of the text it was made from: a build
    loads and runs the Markdown parser only when the text changed (its loading alone
    was a sixth of a one-document rebuild of the demo).
    """
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
    made_from = digest(text)
    kept = cache.section(_INTRODUCTION) if cache is not None else {}
    if kept.get("text") == made_from and isinstance(kept.get("html"), str):
        return Markup(kept["html"])  # made below, from the same text
    from markdown_it import MarkdownIt  # here: 25 ms of every command's start otherwise

    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
    html = md.render(text)  # raw HTML is disabled: the Markdown cannot inject markup
    if cache is not None:
        cache.replace(_INTRODUCTION, {"text": made_from, "html": html})
    return Markup(html)


#: The cache's section that keeps the introduction's HTML and the hash of its text.
_INTRODUCTION = "introduction"


#: The most URLs one sitemap file may list (sitemaps.org); more go into several, with an index.
SITEMAP_LIMIT = 50_000


def sitemaps(
    base_url: str, pages: Collection[str], documents: Iterable[str], documents_count: int
) -> Iterator[tuple[str, Iterator[str]]]:
    """``sitemap.xml`` listing every page, sorted (absolute URLs when ``base_url`` is set):
    each file's name and text, which streams (read each file's before the next one's).

    ``pages`` in any order, ``documents`` sorted (``documents_count`` of them). Past
    ``SITEMAP_LIMIT`` URLs, ``sitemap.xml`` is an index of ``sitemap-1.xml``,
    ``sitemap-2.xml``, …, given last.
    """
    base = base_url.rstrip("/") + "/" if base_url else ""
    paths = merge(sorted(pages), documents)
    rows = (f"  <url><loc>{xml_text(base + path)}</loc></url>\n" for path in paths)
    total = len(pages) + documents_count
    if total <= SITEMAP_LIMIT:
        yield "sitemap.xml", _urlset(rows)
        return
    names = [f"sitemap-{n}.xml" for n in range(1, -(-total // SITEMAP_LIMIT) + 1)]
    for name in names:
        yield name, _urlset(islice(rows, SITEMAP_LIMIT))
    index = "".join(f"  <sitemap><loc>{xml_text(base + n)}</loc></sitemap>\n" for n in names)
    yield (
        "sitemap.xml",
        iter(
            (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
                index,
                "</sitemapindex>\n",
            )
        ),
    )


def _urlset(rows: Iterable[str]) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    yield from rows
    yield "</urlset>\n"
