"""One document of the site: read from its TEI, rendered, and summarised for edition-wide pages."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from lxml import etree
from markupsafe import Markup

from edition.cache import digest
from edition.deposit.metadata import HeaderRecord, read_header
from edition.fsutil import safe_name
from edition.render.behaviours import ApparatusEntry, Mention, RenderContext
from edition.render.html import HTMLRenderer
from edition.render.legend import LegendEntry, legend
from edition.site.metadata import DocumentMeta, read_meta
from edition.site.register import Entity
from edition.site.volumes import split
from edition.tei import XML_ID, parse_xml, serialize, tei

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class SiteDocument:
    """What the site needs of one TEI document (a file, or one division of a volume)."""

    id: str
    title: str
    date: str
    source: Path
    shown: str
    tree: etree._ElementTree | None = None
    meta: DocumentMeta | None = None
    division: etree._Element | None = None
    html: Markup = field(default_factory=Markup)
    apparatus: list[ApparatusEntry] = field(default_factory=list)
    used: dict[str, set[str]] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    fallbacks: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    #: The file's bytes as read (a whole-file document is published as it is).
    raw: bytes | None = None

    @property
    def slug(self) -> str:
        return safe_name(self.id, "document")

    @property
    def split(self) -> bool:
        """Whether this document is a division cut out of a larger file."""
        return self.division is not None

    @property
    def lang(self) -> str:
        """The language of the text (``xml:lang`` of the TEI root), '' when undeclared."""
        if self.tree is None:
            return ""
        return str(self.tree.getroot().get(_XML_LANG) or "")

    @property
    def legend(self) -> list[LegendEntry]:
        return legend(self.used)

    @functools.cached_property
    def header(self) -> HeaderRecord:
        """The facts of its TEI header that outputs publish (read once for all of them)."""
        if self.tree is None:
            raise ValueError(f"{self.shown}: document {self.id} was not read")
        return read_header(self.tree, self.id)

    @functools.cached_property
    def tei(self) -> bytes:
        """The TEI published for this document: the file itself, or the division made standalone.

        Made once: the download and the DTS document both publish it.
        """
        if self.split and self.tree is not None:
            return serialize(self.tree)
        return self.raw if self.raw is not None else self.source.read_bytes()


@dataclass
class DocumentSummary:
    """What edition-wide pages (lists, indexes, feeds) need of a document: no tree, no HTML.

    Summaries are kept for every document of a build and cached between builds,
    so they hold plain values only (``to_data``/``from_data`` give JSON).
    """

    id: str
    title: str
    date: str
    shown: str
    split: bool
    lang: str
    meta: DocumentMeta
    used: dict[str, list[str]] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    fallbacks: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    #: Per output (``SITE_OUTPUTS``): what its edition-wide files need of this document.
    #: The catalogue keeps them in a table of their own, not in the summary's JSON (its
    #: digest covers them); summaries read back from it have none.
    outputs: dict[str, Any] = field(default_factory=dict, metadata={"stored": False})
    #: Its row of the documents list (``_document_row.html``; links from ``ROW_ROOT``):
    #: kept in the catalogue's own column, not in the summary's JSON or its digest.
    row: str = field(default="", metadata={"stored": False})

    @property
    def slug(self) -> str:
        return safe_name(self.id, "document")

    @classmethod
    def of(cls, doc: SiteDocument, outputs: dict[str, Any]) -> DocumentSummary:
        """The summary of a rendered document."""
        if doc.meta is None:
            raise ValueError(f"{doc.shown}: document {doc.id} has no metadata")
        return cls(
            doc.id,
            doc.title,
            doc.date,
            doc.shown,
            doc.split,
            doc.lang,
            doc.meta,
            {key: sorted(values) for key, values in sorted(doc.used.items())},
            list(doc.mentions),
            dict(sorted(doc.fallbacks.items())),
            list(doc.refused),
            outputs,
        )

    def to_json(self) -> bytes:
        """The stored fields as JSON (``from_data`` reads them back), made once."""
        return self._json

    @functools.cached_property
    def _json(self) -> bytes:
        return orjson.dumps(self, default=_fields, option=orjson.OPT_PASSTHROUGH_DATACLASS)

    @classmethod
    def from_data(
        cls, data: dict[str, Any], digest: str | None = None, raw: bytes | None = None
    ) -> DocumentSummary:
        """The summary ``to_json`` wrote, decoded (its ``digest`` and JSON ``raw``, when known)."""
        values = dict(data)
        values["meta"] = DocumentMeta(**values["meta"])
        values["mentions"] = [Mention(**m) for m in values["mentions"]]
        summary = cls(**values)
        if digest is not None:
            summary.__dict__["digest"] = digest  # primes the cached properties
        if raw is not None:
            summary.__dict__["_json"] = raw
        return summary

    @functools.cached_property
    def digest(self) -> str:
        """A hash of everything in the summary (pages built from it change only when it does)."""
        return digest(self.to_json(), orjson.dumps(self.outputs))


def _fields(value: object) -> dict[str, Any]:
    """A dataclass's fields only (orjson would also write cached properties, from ``__dict__``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.metadata.get("stored", True))


@dataclass(frozen=True)
class Neighbour:
    """The previous or next document, as the pager links to it (both fields key a render job)."""

    slug: str
    title: str


def read_document(path: Path, shown: str) -> SiteDocument:
    """Parse a TEI file as one document (never split)."""
    return read_documents(path, shown, "never", "")[0]


def read_documents(
    path: Path, shown: str, mode: str, xpath: str, raw: bytes | None = None
) -> list[SiteDocument]:
    """The documents of a TEI file: itself, or one per division of a volume."""
    tree = parse_xml(path, shown) if raw is None else parse_xml(raw, shown)
    ident = tree.getroot().get(XML_ID) or path.stem
    pieces = split(tree, safe_name(path.stem, "volume"), mode, xpath)
    if len(pieces) == 1 and pieces[0].division is None:
        meta = read_meta(tree, ident)
        return [SiteDocument(ident, meta.title, meta.date, path, shown, tree, meta, raw=raw)]
    documents = []
    for piece in pieces:
        meta = read_meta(tree, piece.id, piece.division)
        documents.append(
            SiteDocument(
                piece.id, meta.title, meta.date, path, shown, piece.tree, meta, piece.division
            )
        )
    return documents


def render_document(
    doc: SiteDocument,
    renderer: HTMLRenderer,
    register: dict[str, Entity],
    internal: dict[str, str],
    embedded: dict[str, Entity] | None = None,
) -> None:
    """Render a document's text; keep its apparatus, legend keys, mentions and fallbacks on it."""
    if doc.tree is None or doc.meta is None:
        return
    ctx = RenderContext(
        doc_id=doc.id,
        register={
            **{key: f"../../{e.folder}/{e.slug}/" for key, e in register.items()},
            **{key: f"../../{e.folder}/{e.slug}/" for key, e in (embedded or {}).items()},
        },
        entity_ids={key: e.id for key, e in (embedded or {}).items()},
        internal=internal,
        hands=doc.meta.hands,
        responsible=doc.meta.responsible,
    )
    text = doc.tree.getroot().find(tei("text"))
    if doc.division is not None:
        body = doc.tree.getroot().find(f"{tei('text')}/{tei('body')}")
        target = body[0] if body is not None and len(body) else None
    else:
        target = text
    doc.html = renderer.render(target, ctx) if target is not None else Markup("")
    doc.apparatus, doc.used, doc.mentions = ctx.apparatus, ctx.used, ctx.mentions
    doc.refused = list(ctx.refused)
    doc.fallbacks = dict(ctx.fallbacks)
