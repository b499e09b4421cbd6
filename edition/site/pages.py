"""What the page templates need beyond one document: sorting, facets, mentions, method, sitemap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, Union
from xml.sax.saxutils import escape as xml_escape

from markdown_it import MarkdownIt
from markupsafe import Markup

from edition.diagnostics import Location, Reporter, warning
from edition.project import Project
from edition.render.behaviours import Mention
from edition.site.register import Entity

if TYPE_CHECKING:
    from edition.site.documents import DocumentSummary, SiteDocument

#: A rendered document (in a render job) or its summary (edition-wide pages).
AnyDocument = Union["SiteDocument", "DocumentSummary"]
D = TypeVar("D", "SiteDocument", "DocumentSummary")


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


def _field(doc: AnyDocument, key: str) -> str:
    if key == "date":
        return doc.date
    if key == "title":
        return doc.title
    return str(getattr(doc.meta, key, "") or "")


def sorted_documents(documents: Sequence[D], key: str) -> list[D]:
    """Documents ordered by one column (empty values last), then by date."""
    return sorted(
        documents, key=lambda d: (_field(d, key) == "", _field(d, key).lower(), d.date, d.id)
    )


def facets(documents: Sequence[AnyDocument]) -> dict[str, list[str]]:
    """The values the documents list can be filtered by."""
    kinds = sorted({d.meta.kind for d in documents if d.meta and d.meta.kind})
    classes = sorted({d.meta.classification for d in documents if d.meta and d.meta.classification})
    years = sorted({d.meta.year for d in documents if d.meta and d.meta.year})
    return {"kind": kinds, "classification": classes, "year": years}


def mentions_by_entity(
    documents: Sequence[D],
) -> dict[str, list[tuple[D, Mention]]]:
    """Entity id → every (document, mention) that names it, in document order."""
    found: dict[str, list[tuple[D, Mention]]] = {}
    for doc in documents:
        for mention in doc.mentions:
            found.setdefault(mention.entity, []).append((doc, mention))
    return found


def person_names(doc: SiteDocument, register: dict[str, Entity]) -> list[str]:
    """Names of the register's persons mentioned in a document (the search filter 'person')."""
    names = {
        register[m.entity].name
        for m in doc.mentions
        if m.entity in register and register[m.entity].kind == "person"
    }
    return sorted(names)


def editorial_methods(documents: Sequence[AnyDocument]) -> list[tuple[str, list[str]]]:
    """Each distinct editorial declaration of the headers, with the titles of its documents."""
    seen: dict[str, list[str]] = {}
    for doc in documents:
        for paragraph in doc.meta.method if doc.meta else []:
            seen.setdefault(paragraph, []).append(doc.title)
    return list(seen.items())


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


def sitemap(base_url: str, paths: Sequence[str]) -> bytes:
    """``sitemap.xml`` listing every page (absolute URLs when ``base_url`` is set)."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    rows = "".join(f"  <url><loc>{xml_escape(base + p)}</loc></url>\n" for p in sorted(paths))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n"
    ).encode()
