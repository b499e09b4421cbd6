"""An Atom feed of the edition's documents (``feed.xml``) for feed readers and harvesters.

Entry times come from the document's latest dated ``revisionDesc/change``,
else its source date; ``SOURCE_DATE_EPOCH`` overrides them all, so a build is
reproducible and never stamps the wall clock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from lxml import etree

from edition.clock import source_date_epoch
from edition.tei import serialize

if TYPE_CHECKING:
    from edition.outputs import FileContent
    from edition.project import Project
    from edition.site.catalogue import Catalogue, OutputRecord
    from edition.site.documents import SiteDocument

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED = "feed.xml"
#: Entries per feed document (``feed.xml``, then ``feed-2.xml``, …).
PAGE = 100
_NO_DATE = "1970-01-01T00:00:00Z"


def _timestamp(value: str) -> str:
    """An RFC 3339 time from an ISO date (YYYY, YYYY-MM or YYYY-MM-DD, or already a time)."""
    if "T" in value:
        return value
    parts = [*value.split("-"), "01", "01"][:3]
    if not all(p.isdigit() for p in parts):
        return _NO_DATE
    year, month, day = parts
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}T00:00:00Z"


def _a(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
    if text:
        element.text = text
    return element


class AtomFeed:
    """The Atom feed of documents."""

    name = "atom"
    description = "Atom feed of the documents (feed.xml)."

    def document(self, project: Project, doc: SiteDocument) -> tuple[dict[str, bytes], Any]:
        """No files of its own; the header facts its entry needs."""
        if doc.tree is None:
            return {}, None
        record = doc.header
        return {}, {
            "changed": record.changed,
            "date": record.date,
            "uri": record.uri,
            "abstract": record.abstract,
            "keywords": record.keywords,
        }

    def edition(self, project: Project, catalogue: Catalogue) -> Iterator[tuple[str, FileContent]]:
        """``feed.xml``: one entry per document, newest source date first, in pages.

        Up to ``PAGE`` entries per feed document; past that the feed is paged
        (RFC 5005): ``feed.xml`` links ``rel="next"`` to ``feed-2.xml`` and so on,
        so no feed document (nor the build) holds the whole edition. The
        ``updated`` time of ``feed.xml`` is the latest of all entries; that of a
        later page, the latest of its own. Each later page is handed on as soon as it
        is full; ``feed.xml`` last, since its time is known only then.
        """
        first = page = _Page(project, 1)
        latest = _NO_DATE
        for doc in catalogue.documents("newest").records(self.name):
            record = doc.record
            if not record:
                continue
            if page.count == PAGE:
                page.link("next", page.number + 1)
                if page is not first:
                    yield page.name, page.finish(page.latest)
                page = _Page(project, page.number + 1)
                page.link("previous", page.number - 1)
            stamp = page.add(doc, record)
            latest = max(latest, stamp)
        if page is not first:
            yield page.name, page.finish(page.latest)
        yield FEED, first.finish(latest)


class _Page:
    """One feed document: the feed's head, then up to ``PAGE`` entries."""

    def __init__(self, project: Project, number: int) -> None:
        self.project, self.number = project, number
        self.count = 0
        self.latest = _NO_DATE
        edition = project.settings.edition
        self.base = base = edition.base_url.rstrip("/") + "/" if edition.base_url else ""
        epoch = source_date_epoch()
        self.fixed = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)) if epoch else None
        self.feed = feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
        feed.set("{http://www.w3.org/XML/1998/namespace}lang", edition.language)
        _a(feed, "title", edition.title)
        _a(feed, "id", base or f"urn:x-edition:{edition.id}")
        self.self_link = _a(feed, "link", rel="self", href=f"{base}{self.name}")
        _a(feed, "link", rel="alternate", type="text/html", href=f"{base}index.html")
        self.updated = _a(feed, "updated")
        for person in edition.editors or []:
            _a(_a(feed, "author"), "name", person.name)
        if not edition.editors:
            _a(_a(feed, "author"), "name", edition.publisher or edition.title)
        if edition.licence:
            _a(feed, "rights", f"{edition.licence} {edition.licence_url}".strip())
        _a(feed, "generator", "edition")

    @property
    def name(self) -> str:
        return _page_name(self.number)

    def link(self, rel: str, number: int) -> None:
        """Link to another page of the feed (after the ``self`` link)."""
        link = etree.Element(f"{{{ATOM_NS}}}link", rel=rel, href=f"{self.base}{_page_name(number)}")
        self.self_link.addnext(link)

    def add(self, doc: OutputRecord, record: dict[str, Any]) -> str:
        """Add a document's entry; its time."""
        base, edition = self.base, self.project.settings.edition
        stamp = self.fixed or _timestamp(record["changed"] or record["date"] or "")
        self.latest = max(self.latest, stamp)
        self.count += 1
        page = f"{base}documents/{doc.slug}/index.html"
        entry = _a(self.feed, "entry")
        _a(entry, "title", doc.title)
        _a(
            entry,
            "id",
            record["uri"] or (page if base else f"urn:x-edition:{edition.id}:{doc.id}"),
        )
        _a(entry, "link", rel="alternate", type="text/html", href=page)
        _a(
            entry,
            "link",
            rel="alternate",
            type="application/tei+xml",
            href=f"{base}documents/{doc.slug}/{doc.slug}.xml",
        )
        _a(entry, "updated", stamp)
        if record["date"]:
            _a(entry, "published", _timestamp(record["date"]))
        summary = record["abstract"] or (
            f"Source dated {record['date']}." if record["date"] else ""
        )
        if summary:
            _a(entry, "summary", summary)
        for keyword in record["keywords"]:
            _a(entry, "category", term=keyword)
        return stamp

    def finish(self, updated: str) -> bytes:
        """The feed document, with its ``updated`` time (``SOURCE_DATE_EPOCH`` when set)."""
        self.updated.text = self.fixed or updated
        etree.indent(self.feed)
        return serialize(self.feed)


def _page_name(number: int) -> str:
    return FEED if number == 1 else f"feed-{number}.xml"
