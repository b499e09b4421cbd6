"""Builds the static site from the edition's TEI: every page kind, staged then swapped in."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree
from markupsafe import Markup

from edition import __version__, clock
from edition.diagnostics import Location, Reporter, error, info
from edition.errors import ConfigError, EditionError
from edition.fsutil import remove_stale_staging, safe_name, staged_directory, write_staged
from edition.outputs import SITE_OUTPUTS
from edition.project import Project
from edition.render.behaviours import ApparatusEntry, Mention, RenderContext
from edition.render.html import HTMLRenderer
from edition.render.legend import LegendEntry, legend, merge
from edition.render.rules import rules_from_config
from edition.site import citation, pages, search, templates
from edition.site.links import embedded_registers, internal_links
from edition.site.metadata import DocumentMeta, read_meta
from edition.site.register import Entity, read_register
from edition.site.volumes import split
from edition.tei import XML_ID, parse_xml, serialize, tei


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
        return str(self.tree.getroot().get("{http://www.w3.org/XML/1998/namespace}lang") or "")

    @property
    def legend(self) -> list[LegendEntry]:
        return legend(self.used)


@dataclass
class BuildResult:
    """What a build wrote and noticed."""

    pages: int = 0
    documents: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)
    fallback_files: dict[str, list[str]] = field(default_factory=dict)  # name → files using it
    refused: list[str] = field(default_factory=list)
    failed: bool = False


def read_document(path: Path, shown: str) -> SiteDocument:
    """Parse a TEI file and collect what the pages show (the whole file as one document)."""
    tree = parse_xml(path, shown)
    ident = tree.getroot().get(XML_ID) or path.stem
    meta = read_meta(tree, ident)
    return SiteDocument(ident, meta.title, meta.date, path, shown, tree, meta)


def read_documents(path: Path, shown: str, mode: str, xpath: str) -> list[SiteDocument]:
    """The documents of a TEI file: itself, or one per division of a volume."""
    whole = read_document(path, shown)
    if whole.tree is None:
        return [whole]
    pieces = split(whole.tree, safe_name(path.stem, "volume"), mode, xpath)
    if len(pieces) == 1 and pieces[0].division is None:
        return [whole]
    documents = []
    for piece in pieces:
        meta = read_meta(whole.tree, piece.id, piece.division)
        documents.append(
            SiteDocument(
                piece.id, meta.title, meta.date, path, shown, piece.tree, meta, piece.division
            )
        )
    return documents


def build_date() -> str:
    """The build date: from ``SOURCE_DATE_EPOCH`` when set (reproducible), else today (UTC)."""
    return clock.today()


def build_site(
    project: Project,
    reporter: Reporter,
    *,
    validated: bool = True,
    advance: Callable[[str], None] = lambda name: None,
) -> BuildResult:
    """Render the whole site into a staging folder and swap it in at the end."""
    result = BuildResult()
    settings = project.settings
    if settings.site.split not in {"auto", "always", "never"}:
        raise ConfigError(
            error(
                "C031",
                f"site.split must be 'auto', 'always' or 'never', not {settings.site.split!r}",
                Location("edition.toml"),
            )
        )
    documents: list[SiteDocument] = []
    for path in project.tei_files():
        try:
            documents.extend(
                read_documents(
                    path, project.shown(path), settings.site.split, settings.site.document_xpath
                )
            )
        except EditionError as err:
            reporter.extend(err.diagnostics)
    if reporter.has_errors:
        result.failed = True
        return result
    _unique_ids(documents)
    documents.sort(key=lambda d: (d.date or "9999", d.id))
    register = read_register(project.register_path, project.shown(project.register_path), reporter)
    embedded = embedded_registers(documents)
    for table in embedded.values():
        register.update({e.id: e for e in table.values()})

    common: dict[str, object] = {
        "edition": settings.edition,
        "version": __version__,
        "validated": validated,
        "build_date": build_date(),
        "search_enabled": settings.site.search,
    }
    remove_stale_staging(project.site_dir)
    try:
        _write_site(project, reporter, documents, register, embedded, common, result, advance)
    except _BuildFailed:
        result.failed = True
    for name, count in sorted(result.fallbacks.items()):
        what = f"<{name}> element(s)" if "/" not in name else name.replace("/", " with ")
        files = result.fallback_files.get(name, [])
        more = f" (and {len(files) - 1} other file(s))" if len(files) > 1 else ""
        reporter.report(
            info(
                "R510",
                f"{count} {what} rendered generically (no rule){more}",
                Location(files[0]) if files else None,
                f"add a rule for it in edition.toml: [render.elements.{name.split('/')[0]}]",
            )
        )
    if result.refused:
        shown = ", ".join(sorted(set(result.refused))[:5])
        reporter.report(
            info(
                "R511",
                f"{len(result.refused)} link target(s) not linked (unknown or unsafe): {shown}",
                None,
            )
        )
    return result


class _BuildFailed(Exception):
    """Raised inside the staging block to discard a build that reported errors."""


def _unique_ids(documents: list[SiteDocument]) -> None:
    seen: set[str] = set()
    for doc in documents:
        base, number = doc.id, 2
        while doc.slug in seen:
            doc.id = f"{base}-{number}"
            number += 1
        seen.add(doc.slug)


def render_document(
    doc: SiteDocument,
    renderer: HTMLRenderer,
    register: dict[str, Entity],
    internal: dict[str, str],
    result: BuildResult,
    embedded: dict[str, Entity] | None = None,
) -> None:
    """Render a document's text; keep its apparatus, legend keys and mentions on it."""
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
    result.refused.extend(ctx.refused)
    for name, count in ctx.fallbacks.items():
        result.fallbacks[name] = result.fallbacks.get(name, 0) + count
        files = result.fallback_files.setdefault(name, [])
        if doc.shown not in files:
            files.append(doc.shown)


def _write_site(
    project: Project,
    reporter: Reporter,
    documents: list[SiteDocument],
    register: dict[str, Entity],
    embedded: dict[Path, dict[str, Entity]],
    common: dict[str, object],
    result: BuildResult,
    advance: Callable[[str], None],
) -> None:
    env = templates.environment(project.template_dirs)
    renderer = HTMLRenderer(rules_from_config(project.settings.render.elements))
    internal = internal_links(documents)
    edition = project.settings.edition
    with staged_directory(project.site_dir) as out:
        sitemap: list[str] = []

        def page(relative: str, template: str, root: str | None = None, **context: object) -> None:
            depth = relative.count("/")
            try:
                html = templates.render(
                    env,
                    template,
                    project.root,
                    root="../" * depth if root is None else root,
                    page_path=relative,
                    **common,
                    **context,
                )
            except EditionError as err:
                reporter.extend(err.diagnostics)
                raise _BuildFailed from err
            write_staged(out / relative, html.encode("utf-8"))
            if relative != "404.html":
                sitemap.append(relative.removesuffix("index.html"))
            result.pages += 1

        _copy_static(project, out)
        for doc in documents:
            advance(doc.shown)
            render_document(
                doc,
                renderer,
                register,
                internal.get(doc.source, {}),
                result,
                embedded.get(doc.source),
            )
            result.documents += 1
        used: dict[str, set[str]] = {}
        for doc in documents:
            merge(used, doc.used)
        mentions = pages.mentions_by_entity(documents)
        methods = pages.editorial_methods(documents)

        page(
            "index.html",
            "index.html",
            documents=documents,
            introduction=pages.introduction(project, reporter),
        )
        for order in pages.SORTS:
            target = (
                "documents/index.html"
                if order.key == "date"
                else f"documents/by-{order.key}/index.html"
            )
            page(
                target,
                "documents.html",
                documents=pages.sorted_documents(documents, order.key),
                sorts=pages.SORTS,
                current=order.key,
                facets=pages.facets(documents),
            )
        for index, doc in enumerate(documents):
            folder = out / "documents" / doc.slug
            folder.mkdir(parents=True, exist_ok=True)
            if doc.split and doc.tree is not None:
                write_staged(folder / f"{doc.slug}.xml", serialize(doc.tree))
            else:
                shutil.copyfile(doc.source, folder / f"{doc.slug}.xml")
            built = str(common["build_date"])
            write_staged(
                folder / "cite.bib",
                citation.bibtex(edition, doc.title, doc.date, doc.slug).encode(),
            )
            write_staged(
                folder / "cite.json",
                citation.csl_json(edition, doc.title, doc.date, doc.slug).encode(),
            )
            page(
                f"documents/{doc.slug}/index.html",
                "document.html",
                document=doc,
                meta=doc.meta,
                text=doc.html,
                legend=doc.legend,
                cite=citation.citation_text(edition, doc.title, doc.date, doc.slug, built),
                persons=pages.person_names(doc, register),
                previous=documents[index - 1] if index > 0 else None,
                next=documents[index + 1] if index + 1 < len(documents) else None,
            )
        for kind_folder, label in (
            ("persons", "Persons"),
            ("places", "Places"),
            ("organisations", "Organisations"),
        ):
            entities = sorted(
                (e for e in register.values() if e.folder == kind_folder),
                key=lambda e: e.name.lower(),
            )
            page(
                f"{kind_folder}/index.html",
                "entities.html",
                entities=entities,
                label=label,
                folder=kind_folder,
                mentions=mentions,
            )
            for entity in entities:
                page(
                    f"{kind_folder}/{entity.slug}/index.html",
                    "entity.html",
                    entity=entity,
                    label=label,
                    folder=kind_folder,
                    mentions=mentions.get(entity.id, []),
                )
        page(
            "method/index.html",
            "method.html",
            legend=legend(used),
            methods=methods,
            documents=documents,
        )
        page("about/index.html", "about.html", documents=documents, register=register)
        if project.settings.site.search:
            page("search/index.html", "search.html")
        # Hosts serve 404.html at any missing URL: its links start at the site's own path.
        page("404.html", "404.html", root=urlsplit(edition.base_url).path.rstrip("/") + "/")
        write_staged(out / "sitemap.xml", pages.sitemap(edition.base_url, sitemap))
        for output in SITE_OUTPUTS.values():
            output.write(project, documents, out, reporter)
        if project.settings.site.search and not search.build_index(out, edition.language, reporter):
            raise _BuildFailed
        if reporter.has_errors:
            raise _BuildFailed  # discard the staging folder; the old site stays


def _copy_static(project: Project, out: Path) -> None:
    """Copy ``static/`` from the template folders; the project's files win."""
    for folder in reversed(project.template_dirs):
        static = folder / "static"
        if static.is_dir():
            shutil.copytree(static, out / "static", dirs_exist_ok=True)
