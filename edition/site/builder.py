"""Builds the static site from the edition's TEI: home, document list, one page per document."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from markupsafe import Markup

from edition import __version__
from edition.diagnostics import Reporter, info
from edition.errors import EditionError
from edition.outputs import SITE_OUTPUTS
from edition.fsutil import remove_stale_staging, safe_name, staged_directory, write_atomic
from edition.project import Project
from edition.render.behaviours import RenderContext
from edition.render.html import HTMLRenderer
from edition.site import templates
from edition.tei import NSMAP, XML_ID, parse_xml


@dataclass
class SiteDocument:
    """What the site needs of one TEI document."""

    id: str
    title: str
    date: str
    source: Path
    shown: str
    tree: etree._ElementTree | None = None

    @property
    def slug(self) -> str:
        return safe_name(self.id, "document")


@dataclass
class BuildResult:
    """What a build wrote and noticed."""

    pages: int = 0
    documents: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)
    failed: bool = False


def _first(tree: etree._ElementTree, xpath: str) -> str:
    found = tree.xpath(xpath, namespaces=NSMAP)
    if not found:
        return ""
    value = found[0]
    if isinstance(value, etree._Element):
        return " ".join("".join(value.itertext()).split())
    return " ".join(str(value).split())


def read_document(path: Path, shown: str) -> SiteDocument:
    """Parse a TEI file and collect what the pages show."""
    tree = parse_xml(path, shown)
    root = tree.getroot()
    ident = root.get(XML_ID) or path.stem
    title = (
        _first(tree, "/tei:TEI/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type='main']")
        or _first(tree, "/tei:TEI/tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title")
        or ident
    )
    date = _first(tree, "/tei:TEI/tei:teiHeader/tei:fileDesc/tei:sourceDesc//tei:date/@when")
    return SiteDocument(ident, title, date, path, shown, tree)


def build_site(
    project: Project,
    reporter: Reporter,
    *,
    validated: bool = True,
    advance: Callable[[str], None] = lambda name: None,
) -> BuildResult:
    """Render the whole site into a staging folder and swap it in at the end."""
    result = BuildResult()
    documents: list[SiteDocument] = []
    for path in project.tei_files():
        try:
            documents.append(read_document(path, project.shown(path)))
        except EditionError as err:
            reporter.extend(err.diagnostics)
    if reporter.has_errors:
        result.failed = True
        return result
    documents.sort(key=lambda d: (d.date, d.id))

    common: dict[str, object] = {
        "edition": project.settings.edition,
        "version": __version__,
        "validated": validated,
    }
    remove_stale_staging(project.site_dir)
    try:
        _write_site(project, reporter, documents, common, result, advance)
    except _BuildFailed:
        result.failed = True
    for name, count in sorted(result.fallbacks.items()):
        reporter.report(
            info("R510", f"{count} <{name}> element(s) rendered generically (no rule)", None)
        )
    return result


class _BuildFailed(Exception):
    """Raised inside the staging block to discard a build that reported errors."""


def _write_site(
    project: Project,
    reporter: Reporter,
    documents: list[SiteDocument],
    common: dict[str, object],
    result: BuildResult,
    advance: Callable[[str], None],
) -> None:
    env = templates.environment(project.template_dirs)
    renderer = HTMLRenderer()
    with staged_directory(project.site_dir) as out:

        def page(relative: str, template: str, **context: object) -> None:
            depth = relative.count("/")
            html = templates.render(
                env, template, project.root, root="../" * depth, **common, **context
            )
            write_atomic(out / relative, html.encode("utf-8"))
            result.pages += 1

        _copy_static(project, out)
        page("index.html", "index.html", documents=documents)
        page("documents/index.html", "documents.html", documents=documents)
        for index, doc in enumerate(documents):
            advance(doc.shown)
            assert doc.tree is not None
            ctx = RenderContext(doc_id=doc.id, fallbacks=result.fallbacks)
            body = doc.tree.getroot().find("{http://www.tei-c.org/ns/1.0}text")
            html = renderer.render(body, ctx) if body is not None else Markup("")
            shutil.copyfile(doc.source, _mkdir(out / "documents" / doc.slug) / f"{doc.slug}.xml")
            page(
                f"documents/{doc.slug}/index.html",
                "document.html",
                document=doc,
                text=html,
                previous=documents[index - 1] if index > 0 else None,
                next=documents[index + 1] if index + 1 < len(documents) else None,
            )
            result.documents += 1
        page("404.html", "404.html")
        for output in SITE_OUTPUTS.values():
            output.write(project, documents, out, reporter)
        if reporter.has_errors:
            raise _BuildFailed  # discard the staging folder; the old site stays


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _copy_static(project: Project, out: Path) -> None:
    """Copy ``static/`` from the template folders; the project's files win."""
    for folder in reversed(project.template_dirs):
        static = folder / "static"
        if static.is_dir():
            shutil.copytree(static, out / "static", dirs_exist_ok=True)
