"""Step 4 of a build: the pages and files made from many documents, from the catalogue.

The lists, indexes, method, about and 404 pages, the static files, the outputs'
edition-wide files (feed, DTS collection) and the sitemap. The documents are read
from the build's catalogue one at a time and pages are written as they render, so
nothing here holds the whole edition; each page is rendered again only when the hash
of what it shows (its fingerprint) changed, and all of them are the last build's,
untouched, when nothing they are made of changed (a corrected word).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import urlsplit

import orjson

from edition.cache import digest
from edition.diagnostics import Reporter
from edition.errors import EditionError
from edition.outputs import SITE_OUTPUTS, Keyed
from edition.project import Project
from edition.render.legend import legend
from edition.site import pages, search, templates
from edition.site.catalogue import Lazy, MentionPage, Totals
from edition.site.documents import DocumentSummary
from edition.site.register import Entity
from edition.site.state import NewState, PreviousState
from edition.site.writer import SiteWriter

#: The state's value naming the outputs' edition-wide files and what they were made of.
OUTPUTS = "outputs"
#: The state's values: a hash of what the edition-wide pages and files were made of, the
#: catalogue's totals and how many edition-wide pages there are (``EditionWide.kept``).
EDITION_WIDE = "edition-wide"
TOTALS = "totals"
EDITION_PAGES = "edition-pages"


class PagesFailed(Exception):
    """A page could not be rendered (its diagnostics are reported)."""


class EditionWide:
    """The edition-wide step of one build; ``pages`` counts the pages it made or kept."""

    def __init__(
        self,
        project: Project,
        reporter: Reporter,
        common: dict[str, object],
        compiled_templates: str | None,
    ) -> None:
        self.project, self.reporter = project, reporter
        self.common, self.compiled_templates = common, compiled_templates
        self.pages = 0

    def build(
        self,
        register: dict[str, Entity],
        introduction: object,
        shared_key: str,
        previous: PreviousState,
        state: NewState,
        writer: SiteWriter,
        removed: list[str],
    ) -> None:
        """Every page built from many documents, the static files, outputs and the sitemap.

        The documents are read from the catalogue one at a time, and pages are
        written as they render: nothing here holds the whole edition. When what they
        are made of is the last build's (a corrected word), they are its pages, not
        looked at (``kept``).
        """
        project = self.project
        edition = project.settings.edition
        catalogue = state.catalogue
        made_of = digest(shared_key, str(introduction), catalogue.content_digest())
        state.set(EDITION_WIDE, made_of)
        if (
            writer.incremental
            and previous.value(EDITION_WIDE) == made_of
            and self.kept(previous, state)
        ):
            return
        env = templates.cached_environment(
            tuple(project.template_dirs), shared_key, self.compiled_templates
        )
        known = previous.pages() if writer.incremental else {}
        old_files = previous.files() if writer.incremental else {}
        fingerprints: dict[str, tuple[str, bool]] = {}
        made: dict[str, str] = {}
        sitemap: list[str] = []

        def page(relative: str, template: str, root: str | None = None, **context: object) -> None:
            root = "../" * relative.count("/") if root is None else root
            fingerprint = digest(shared_key, template, root, self.fingerprint(context))
            if relative != "404.html":
                sitemap.append(relative.removesuffix("index.html"))
            self.pages += 1
            current = old_files.get(relative)
            last = known.get(relative)
            if last is not None and last[0] == fingerprint and current is not None:
                made[relative], fingerprints[relative] = current, last
                return
            chunks = search.MarkFinder(
                templates.generate(
                    env,
                    template,
                    project.root,
                    root=root,
                    page_path=relative,
                    **self.common,
                    **context,
                )
            )
            try:
                made[relative] = writer.put_chunks(relative, chunks, current)
            except EditionError as err:
                self.reporter.extend(err.diagnostics)
                raise PagesFailed from err
            fingerprints[relative] = (fingerprint, chunks.found)

        documents = catalogue.documents()
        facets = catalogue.totals.facets()
        page("index.html", "index.html", documents=documents, introduction=introduction)
        per_page, count = project.settings.site.documents_per_page, catalogue.count()
        for order in pages.SORTS:
            for part in pages.list_pages(pages.list_folder(order.key), count, per_page):
                page(
                    f"{part.path}index.html",
                    "documents.html",
                    documents=catalogue.documents(order.key, part.offset, part.limit),
                    sorts=pages.SORTS,
                    current=order.key,
                    facets=facets,
                    paging=part,
                )
        mentions_per_page = project.settings.site.mentions_per_page
        for kind_folder, label in (
            ("persons", "Persons"),
            ("places", "Places"),
            ("organisations", "Organisations"),
        ):
            entities = sorted(
                (e for e in register.values() if e.folder == kind_folder),
                key=lambda e: e.name.lower(),
            )
            mentions = {e.id: catalogue.mentions(e.id, mentions_per_page) for e in entities}
            page(
                f"{kind_folder}/index.html",
                "entities.html",
                entities=entities,
                label=label,
                folder=kind_folder,
                mentions=mentions,
            )
            del mentions  # counted only: an entity's page reads its own (below)
            for entity in entities:
                # Paged past site.mentions_per_page: a page's pairs are held at once (the
                # page groups them by document), no other page's, no other entity's; a
                # page the last build made of the same mentions is not read.
                found = catalogue.mentions(entity.id, mentions_per_page)
                folder = f"{kind_folder}/{entity.slug}/"
                parts = pages.list_pages(folder, len(found), mentions_per_page)
                for part, on_page in zip(parts, found.pages(), strict=True):
                    page(
                        f"{part.path}index.html",
                        "entity.html",
                        entity=entity,
                        label=label,
                        folder=kind_folder,
                        mentions=on_page,
                        paging=part,
                    )
        page(
            "method/index.html",
            "method.html",
            legend=legend(catalogue.totals.used),
            methods=catalogue.methods(),
            documents=documents,
        )
        page("about/index.html", "about.html", documents=documents, register=register)
        if project.settings.site.search:
            page("search/index.html", "search.html")
        # Hosts serve 404.html at any missing URL: its links start at the site's own path.
        page("404.html", "404.html", root=urlsplit(edition.base_url).path.rstrip("/") + "/")
        for relative, source in static_files(project).items():
            made[relative] = writer.copy(relative, source, old_files.get(relative))
        made |= self.outputs(shared_key, previous, state, writer, old_files)
        document_pages = (f"documents/{slug}/" for slug in catalogue.slugs())
        listed = pages.sitemaps(edition.base_url, sitemap, document_pages, catalogue.count())
        for relative, text in listed:  # each written as it is made
            made[relative] = writer.put_chunks(relative, text, old_files.get(relative))
        removed += [relative for relative in old_files if relative not in made]
        state.files(made)
        state.pages(fingerprints)
        state.set(TOTALS, orjson.dumps(catalogue.totals.to_data()).decode())
        state.set(EDITION_PAGES, str(len(fingerprints)))

    def kept(self, previous: PreviousState, state: NewState) -> bool:
        """Take the last build's edition-wide pages and files as they are: what they are
        made of has not changed. False: its record of them is incomplete (build them)."""
        try:
            totals = Totals.from_data(orjson.loads(previous.value(TOTALS)))
            count = int(previous.value(EDITION_PAGES))
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            return False
        made, fingerprints = previous.files(), previous.pages()
        if count != len(fingerprints):
            return False
        state.catalogue.use_totals(totals)
        state.files(made)
        state.pages(fingerprints)
        for name in (OUTPUTS, TOTALS, EDITION_PAGES):
            state.set(name, previous.value(name))
        self.pages += count
        return True

    def outputs(
        self,
        shared_key: str,
        previous: PreviousState,
        state: NewState,
        writer: SiteWriter,
        old_files: dict[str, str],
    ) -> dict[str, str]:
        """The outputs' edition-wide files (feed, DTS collection): path → content hash.

        Each output's files are made from what ``Catalogue.output_digest`` hashes, so
        when that hash and the shared key are the last build's and its files are all
        there, they are the last build's, not remade: a corrected word remakes neither
        the feed nor the DTS collection.
        """
        try:
            last = orjson.loads(previous.value(OUTPUTS) or "{}") if writer.incremental else {}
        except orjson.JSONDecodeError:
            last = {}
        catalogue = state.catalogue
        made: dict[str, str] = {}
        kept: dict[str, dict[str, object]] = {}
        for name, output in SITE_OUTPUTS.items():
            key = digest(shared_key, name, catalogue.output_digest(name))
            before = last.get(name) if isinstance(last, dict) else None
            before = before if isinstance(before, dict) else {}  # none, or damaged
            files, keys_before = before.get("files"), before.get("keys")
            keys_before = keys_before if isinstance(keys_before, dict) else {}
            own: dict[str, str] = {}
            keys: dict[str, str] = {}  # of its Keyed files
            if (
                isinstance(files, list)
                and before.get("key") == key
                and all(relative in old_files for relative in files)
            ):
                own = {relative: old_files[relative] for relative in files}
                keys = {k: v for k, v in keys_before.items() if k in own}
            else:
                for relative, data in output.edition(self.project, catalogue):
                    current = old_files.get(relative)
                    if isinstance(data, Keyed):
                        keys[relative] = digest(shared_key, name, data.key)
                        if current is not None and keys_before.get(relative) == keys[relative]:
                            own[relative] = current
                            continue
                        data = data.content
                    if isinstance(data, bytes):
                        own[relative] = writer.put(relative, data, current)
                    else:
                        own[relative] = writer.put_chunks(relative, data(), current)
            kept[name] = {"key": key, "files": sorted(own), "keys": keys}
            made |= own
        state.set(OUTPUTS, orjson.dumps(kept).decode())
        return made

    def fingerprint(self, context: dict[str, object]) -> str:
        """A hash of a page's context; a document summary stands for itself by its own hash."""

        def plain(value: object) -> object:
            if isinstance(value, DocumentSummary | Lazy | MentionPage):
                return value.digest
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                return [type(value).__name__] + [
                    getattr(value, f.name) for f in dataclasses.fields(value)
                ]
            if isinstance(value, set | frozenset):
                return sorted(value, key=str)
            if isinstance(value, Path):
                return str(value)
            raise TypeError(f"cannot fingerprint {type(value).__name__}")

        return digest(
            orjson.dumps(
                context,
                default=plain,
                option=orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS,
            )
        )


def static_files(project: Project) -> dict[str, Path]:
    """``static/`` of the template folders, by path in the site; the project's files win."""
    found: dict[str, Path] = {}
    for folder in reversed(project.template_dirs):
        static = folder / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    found[f"static/{path.relative_to(static).as_posix()}"] = path
    return found
