"""Builds the static site from the edition's TEI: incrementally, in parallel, never half-written.

A build has four steps:

1. **scan** every TEI file (an executor job per file, cached by content hash):
   the ids, titles and dates of its documents, and the persons it lists;
2. **order** the documents (date, then id), give each its pager neighbours;
3. **render** each file's documents (a job per file, cached by a key of the
   file, its documents' ids and neighbours, and everything all pages share:
   register, configuration, templates, the tool's code): pages, TEI, citations,
   DTS files, and a small ``DocumentSummary`` per document;
4. **edition-wide pages** (lists, indexes, method, feed, sitemap) from the
   summaries alone, each re-rendered only when what it shows changed (``wide``).

When the files that changed since the last build still hold the documents they
held (the same ids, titles and dates) and nothing all pages share changed (a
corrected word), steps 1–3 are theirs alone: the order and the pagers are the
last build's, and the last state is updated in place, their rows replaced
(``changed_alone``). Otherwise every file's key is looked at.

Files go through a ``SiteWriter``: only changed files are written, and the
result is committed into ``site/`` at the end (see ``writer``). What describes
the built site (each job's key, files and summaries; see ``state``) lives in the
build cache, with the key of the whole build for the nothing-changed case;
without a cache every build is a full one.

This module finds out whether there is anything to do (``Build``); the steps are
``steps``, loaded only when there is: a build with nothing to do needs none of the
rendering code, whose loading was a quarter of its start-up.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from edition import __version__, clock
from edition.cache import Cache, digest, file_digests, json_digest, tool_digest
from edition.diagnostics import Diagnostic, Location, Reporter, error
from edition.errors import ConfigError
from edition.executors import Executor, SerialExecutor
from edition.fsutil import locked
from edition.outputs import SITE_OUTPUTS
from edition.packed import FileList, PackedHashes, PackedMap, PackedStrings
from edition.project import Project
from edition.site.writer import recover
from edition.tei import tei, xpath_problem

__all__ = ["BuildResult", "build_date", "build_site"]

Advance = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build wrote and noticed."""

    pages: int = 0
    documents: int = 0
    fallbacks: dict[str, int] = field(default_factory=dict)
    fallback_files: dict[str, list[str]] = field(default_factory=dict)  # name → files using it
    refused: list[str] = field(default_factory=list)
    failed: bool = False
    #: Files written (the rest of the site was already up to date).
    written: int = 0
    #: Whether the build could keep the unchanged files of the previous one.
    incremental: bool = False


def build_date() -> str:
    """The build date: from ``SOURCE_DATE_EPOCH`` when set (reproducible), else today (UTC)."""
    return clock.today()


def build_site(
    project: Project,
    reporter: Reporter,
    *,
    validated: bool = True,
    advance: Advance = lambda name: None,
    cache: Cache | None = None,
    executor: Executor | None = None,
    ready: Callable[[], bool] = lambda: True,
    files: FileList | None = None,
    digests: PackedMap | None = None,
) -> BuildResult:
    """Build the site into ``site/``: only what changed, committed only if all succeeded.

    ``ready`` is asked last, before anything is committed: False discards the build
    (validation running beside it found errors). ``files``: the project's TEI
    documents, when they were listed already; ``digests``: their content hashes, when
    validation read them (those of every file, or they are read again here).
    """
    settings = project.settings
    if settings.site.split not in {"auto", "always", "never"}:
        raise ConfigError(
            error(
                "C031",
                f"site.split must be 'auto', 'always' or 'never', not {settings.site.split!r}",
                Location("edition.toml"),
            )
        )
    for name, code in (("documents_per_page", "C032"), ("mentions_per_page", "C036")):
        per_page = getattr(settings.site, name)
        if per_page < 0:
            raise ConfigError(
                error(
                    code,
                    f"site.{name} must be 0 (one page) or more, not {per_page}",
                    Location("edition.toml"),
                )
            )
    document_xpath = settings.site.document_xpath
    found = xpath_problem(document_xpath, etree.Element(tei("TEI")))
    if found is not None:
        raise ConfigError(
            error(
                "C035",
                f"site.document_xpath {document_xpath!r} is not a usable XPath 1.0 expression"
                f" ({found})",
                Location("edition.toml"),
                "select the divisions with tei: before TEI names"
                " (the default: \"//tei:div[@type='document']\")",
            )
        )
    if settings.site.search_part_documents < 1:
        raise ConfigError(
            error(
                "C033",
                "site.search_part_documents must be 1 or more, "
                f"not {settings.site.search_part_documents}",
                Location("edition.toml"),
            )
        )
    cache = cache if cache is not None else Cache(None)
    executor = executor if executor is not None else SerialExecutor()
    build = Build(project, reporter, validated, advance, cache, executor, ready)
    site = project.site_dir
    try:
        # One build of a site at a time (``edition serve`` rebuilding while ``edition
        # build`` runs): each deletes what it takes for a killed build's leftovers.
        with locked(site.parent, lambda: _say_waiting(site)):
            return build.run(files, digests)
    finally:
        cache.save()


def _say_waiting(site: Path) -> None:
    """Tell the user that this build waits for another one of the same site."""
    sys.stderr.write(f"edition: waiting for another build of {site} to finish\n")
    sys.stderr.flush()


class Build:
    """One build: what it is made of, and whether anything changed since the last one
    (``run``). The steps of a build with something to do are ``steps.Steps``."""

    def __init__(
        self,
        project: Project,
        reporter: Reporter,
        validated: bool,
        advance: Advance,
        cache: Cache,
        executor: Executor,
        ready: Callable[[], bool],
    ) -> None:
        self.project, self.reporter, self.advance = project, reporter, advance
        self.cache, self.executor, self.ready = cache, executor, ready
        self.result = BuildResult()
        self.common: dict[str, object] = {
            "edition": project.settings.edition,
            "version": __version__,
            "validated": validated,
            "build_date": build_date(),
            "search_enabled": project.settings.site.search,
        }

    def save_key(self, key: str, notes: list[Diagnostic] | None = None) -> None:
        """Record the key of the build the site now shows (``inputs_key``; '': unknown) and
        what it reported. (The scan reports nothing but files that do not parse, which
        fail a build: no key is saved then.)"""
        counts = {"pages": self.result.pages, "documents": self.result.documents}
        data = [d.to_data() for d in notes or []]
        self.cache.replace("site-key", {"key": key, "notes": data, "result": counts})
        self.cache.save()

    def run(self, listed: FileList | None = None, hashed: PackedMap | None = None) -> BuildResult:
        project = self.project
        recover(project.site_dir, lambda: self.save_key(""))
        files = listed if listed is not None else project.tei_files()
        digests, contents = self.content_hashes(files, hashed)
        build_key = self.inputs_key(files, contents)
        last = self.cache.section("site-key")
        if last.get("key") == build_key and project.site_dir.is_dir():
            return self.unchanged(last, files)
        from edition.site.steps import Steps  # loaded only now: see the module's docstring

        return Steps(self).run(files, digests, contents, build_key)

    def content_hashes(
        self, files: FileList, hashed: PackedMap | None
    ) -> tuple[PackedMap, PackedHashes]:
        """The files' content hashes by path, and in the files' order as a column ('' for a
        file that could not be read): validation's (``hashed``, which may hold the
        register's too) when it has every file, else read through the cache's stamps."""
        if hashed is not None:
            column = _column(hashed, files)
            if column.filled() == len(files):
                return hashed, column
        digests = file_digests(self.cache, "documents", files.texts())
        return digests, _column(digests, files)

    def inputs_key(self, files: FileList, contents: PackedHashes) -> str:
        """A hash of every input of the site as it is on disk, files by their content: the
        documents, the register's file and the introduction's, and what every page
        depends on. Known before anything is read: when it is the last build's, nothing
        can have changed (the scan is not needed to know it). The documents are hashed as
        their columns are held (their shown paths' folder, their names, their contents),
        not as a string made per file."""
        project = self.project
        introduction = project.settings.edition.introduction
        documents = hashlib.blake2b(digest_size=16, person=b"site-documents")
        documents.update(files_layout(project, files))
        contents.hash_into(documents)
        return digest(
            *self.common_inputs,
            _content_digest(project.register_path),
            _content_digest(project.path(introduction)) if introduction else "",
            documents.hexdigest(),
        )

    @functools.cached_property
    def shared_inputs(self) -> str:
        """A hash of what every page depends on, the register by its file's content and
        without the persons files list themselves (their own jobs' rows hold those)."""
        return digest(*self.common_inputs, _content_digest(self.project.register_path))

    @functools.cached_property
    def common_inputs(self) -> tuple[str, ...]:
        """What every page depends on besides the register: the tool, the configuration,
        the templates and static files, the values all pages show, the outputs."""
        template_files = sorted(
            {p for folder in self.project.template_dirs for p in folder.rglob("*") if p.is_file()}
        )
        template_digests = file_digests(self.cache, "templates", template_files)
        return (
            tool_digest(),
            json_digest(dataclasses.asdict(self.project.settings)),
            *(f"{p}\0{template_digests.get(p, '')}" for p in template_files),
            json_digest({k: v for k, v in self.common.items() if k != "edition"}),
            str(clock.source_date_epoch()),  # the feed's times: to the second, not the day
            json_digest([o.name for o in SITE_OUTPUTS.values()]),
        )

    def unchanged(self, state: dict[str, Any], files: FileList) -> BuildResult:
        """Nothing changed since the last build: say again what it said, write nothing."""
        self.reporter.extend(Diagnostic.from_data(d) for d in state.get("notes", []))
        counts = state.get("result", {})
        self.result.pages = int(counts.get("pages", 0))
        self.result.documents = int(counts.get("documents", 0))
        self.result.incremental = True
        for _, shown in self.project.shown_files(files):
            self.advance(shown)
        return self.result


def files_layout(project: Project, files: FileList) -> bytes:
    """A hash of the documents' shown paths, in order (their folder, their names)."""
    layout = hashlib.blake2b(digest_size=16, person=b"site-files")
    PackedStrings([project.shown_folder(files)]).hash_into(layout)
    files.names_column().hash_into(layout)
    return layout.digest()


def _column(digests: PackedMap, files: FileList) -> PackedHashes:
    """The hashes of ``files`` in their order: as held when ``digests`` begins with them."""
    column = digests.column_for(files)
    return column if column is not None else PackedHashes(digests.values_for(files.texts()))


def _content_digest(path: Path) -> str:
    """A hash of a file's bytes ('': none can be read)."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return ""
