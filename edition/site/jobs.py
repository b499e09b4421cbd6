"""The per-file work of a build, run by an executor: scan a file, then render its documents.

Both jobs are module-level functions of ``(shared, item)`` that return plain,
picklable results, so they run alike in this process, in a process pool or on
a Dask worker; a job reads one TEI file and holds only its tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edition.cache import digest
from edition.diagnostics import Diagnostic
from edition.errors import EditionError
from edition.fsutil import safe_name, write_staged
from edition.outputs import SITE_OUTPUTS
from edition.project import Project
from edition.render.html import HTMLRenderer
from edition.render.rules import rules_from_config
from edition.site import citation, pages, templates
from edition.site.documents import (
    DocumentSummary,
    Neighbour,
    SiteDocument,
    read_documents,
    render_document,
)
from edition.site.links import internal_links
from edition.site.metadata import read_title_and_date
from edition.site.register import Entity, read_embedded
from edition.site.volumes import pieces_of
from edition.tei import XML_ID, parse_xml

if TYPE_CHECKING:
    import jinja2


@dataclass(frozen=True)
class ScanSettings:
    """How files are cut into documents (``[site] split`` and ``document_xpath``)."""

    mode: str
    xpath: str


@dataclass
class ScanResult:
    """What ordering and registers need of a file: its documents' ids, titles and dates."""

    pieces: list[tuple[str, str, str]] = field(default_factory=list)
    embedded: list[Entity] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def scan_file(settings: ScanSettings, item: tuple[str, str]) -> ScanResult:
    """Parse a file; list its documents (id, title, date) and the persons it lists itself."""
    path, shown = Path(item[0]), item[1]
    try:
        tree = parse_xml(path, shown)
    except EditionError as err:
        return ScanResult(diagnostics=list(err.diagnostics))
    volume = safe_name(path.stem, "volume")
    found = pieces_of(tree, volume, settings.mode, settings.xpath)
    if not found:
        ident = tree.getroot().get(XML_ID) or path.stem
        return ScanResult([(ident, *read_title_and_date(tree, ident))])
    result = ScanResult(embedded=list(read_embedded(tree, volume).values()))
    for ident, division in found:
        result.pieces.append((ident, *read_title_and_date(tree, ident, division)))
    return result


@dataclass(frozen=True)
class RenderShared:
    """What every render job needs: the project, the whole register, the pages' common values."""

    project: Project
    register: dict[str, Entity]
    common: dict[str, object]
    #: Workers write changed files into this staging folder; None: they return the bytes.
    staging: str | None
    #: The build's shared key (templates' contents included): keeps compiled templates.
    key: str = ""
    #: A folder keeping compiled templates between processes (None: none).
    compiled_templates: str | None = None


@dataclass(frozen=True)
class RenderItem:
    """One file to render: its documents' final ids and pager neighbours, in file order."""

    path: str
    shown: str
    ids: list[str]
    neighbours: list[tuple[Neighbour | None, Neighbour | None]]
    #: Content hashes of the files this job wrote last time: identical files are not rewritten.
    previous: dict[str, str]


@dataclass
class RenderResult:
    """A rendered file: its documents' summaries and the files it produced."""

    summaries: list[DocumentSummary] = field(default_factory=list)
    #: Every file of this job (path in the site → content hash).
    digests: dict[str, str] = field(default_factory=dict)
    #: Files this job staged itself.
    changed: list[str] = field(default_factory=list)
    #: Files the client must stage (workers without the client's disk).
    files: dict[str, bytes] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


#: The renderer of the last ``RenderShared`` seen (a worker renders for one build at a time).
_renderer_for: list[tuple[RenderShared, HTMLRenderer]] = []


def _renderer(shared: RenderShared) -> HTMLRenderer:
    if not _renderer_for or _renderer_for[0][0] is not shared:
        rules = rules_from_config(shared.project.settings.render.elements)
        _renderer_for[:] = [(shared, HTMLRenderer(rules))]
    return _renderer_for[0][1]


def render_file(shared: RenderShared, item: RenderItem) -> RenderResult:
    """Render every document of one file: its page, TEI, citations and output files."""
    project, path = shared.project, Path(item.path)
    settings = project.settings
    result = RenderResult()
    try:
        raw = path.read_bytes()
        documents = read_documents(
            path, item.shown, settings.site.split, settings.site.document_xpath, raw
        )
    except (OSError, EditionError) as err:
        if isinstance(err, EditionError):
            result.diagnostics.extend(err.diagnostics)
        return result
    for doc, ident in zip(documents, item.ids, strict=True):
        doc.id = ident
    internal = internal_links(documents).get(path, {})
    embedded = (
        read_embedded(documents[0].division.getroottree(), safe_name(path.stem, "volume"))
        if documents[0].division is not None
        else None
    )
    env = templates.cached_environment(
        tuple(project.template_dirs), shared.key, shared.compiled_templates
    )
    renderer = _renderer(shared)
    for doc, (previous, following) in zip(documents, item.neighbours, strict=True):
        render_document(doc, renderer, shared.register, internal, embedded)
        files = _document_files(project, env, shared, doc, previous, following, result)
        outputs: dict[str, Any] = {}
        for name, output in SITE_OUTPUTS.items():
            own, outputs[name] = output.document(project, doc)
            files.update(own)
        summary = DocumentSummary.of(doc, outputs)
        try:
            summary.row = templates.render(
                env, "_document_row.html", project.root, root=templates.ROW_ROOT, doc=summary
            )
        except EditionError as err:
            result.diagnostics.extend(err.diagnostics)
        # Hashed here, in parallel: the hash (and the JSON it hashes) is pickled with the
        # summary's other attributes, so the client does not make it again.
        summary.digest  # noqa: B018
        result.summaries.append(summary)
        _deliver(files, item.previous, shared.staging, result)
    return result


def _document_files(
    project: Project,
    env: jinja2.Environment,
    shared: RenderShared,
    doc: SiteDocument,
    previous: Neighbour | None,
    following: Neighbour | None,
    result: RenderResult,
) -> dict[str, bytes]:
    """The document's page, TEI download and citation files."""
    edition = project.settings.edition
    folder = f"documents/{doc.slug}"
    files = {
        f"{folder}/{doc.slug}.xml": doc.tei,
        f"{folder}/cite.bib": citation.bibtex(edition, doc.title, doc.date, doc.slug).encode(),
        f"{folder}/cite.json": citation.csl_json(edition, doc.title, doc.date, doc.slug).encode(),
    }
    relative = f"{folder}/index.html"
    try:
        html = templates.render(
            env,
            "document.html",
            project.root,
            root="../../",
            page_path=relative,
            **shared.common,
            document=doc,
            meta=doc.meta,
            text=doc.html,
            legend=doc.legend,
            cite=citation.citation_text(
                edition, doc.title, doc.date, doc.slug, str(shared.common["build_date"])
            ),
            persons=pages.person_names(doc, shared.register),
            previous=previous,
            next=following,
        )
    except EditionError as err:
        result.diagnostics.extend(err.diagnostics)
        return files
    files[relative] = html.encode("utf-8")
    return files


def _deliver(
    files: dict[str, bytes], previous: dict[str, str], staging: str | None, result: RenderResult
) -> None:
    """Stage the files that changed (or hand them to the client); record every file's hash."""
    for relative, data in files.items():
        found = digest(data)
        result.digests[relative] = found
        if previous.get(relative) == found:
            continue
        if staging is None:
            result.files[relative] = data
        else:
            write_staged(f"{staging}/{relative}", data)
            result.changed.append(relative)
