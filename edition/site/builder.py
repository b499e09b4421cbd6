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
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

from edition import __version__, clock
from edition.cache import Cache, digest, digest_of, file_digests, json_digest, tool_digest
from edition.diagnostics import Diagnostic, Location, Reporter, error, info
from edition.errors import ConfigError
from edition.executors import Executor, SerialExecutor
from edition.fsutil import locked, safe_name
from edition.outputs import SITE_OUTPUTS
from edition.packed import FileList, PackedMap
from edition.project import Project
from edition.render.rules import rules_from_config
from edition.site import pages, search
from edition.site.catalogue import Totals
from edition.site.documents import Neighbour, SiteDocument
from edition.site.jobs import (
    RenderItem,
    RenderResult,
    RenderShared,
    ScanResult,
    ScanSettings,
    render_file,
    scan_file,
)
from edition.site.order import Order
from edition.site.register import Entity, read_register
from edition.site.state import ChangedJob, NewState, PreviousState, set_value
from edition.site.wide import TOTALS, EditionWide, PagesFailed
from edition.site.writer import SiteWriter, recover
from edition.tei import tei, xpath_problem

__all__ = ["BuildResult", "SiteDocument", "build_date", "build_site"]

Advance = Callable[[str], None]
#: Files per round of jobs: what a round's jobs and results take is all that is held.
CHUNK = 2048


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


@dataclass(slots=True)
class _Changed:
    """A file to render again alone (``changed_alone``): its documents keep the last
    build's ids, places and pager neighbours."""

    path: Path
    shown: str
    job: ChangedJob
    #: Its documents' final ids, in file order.
    ids: list[str]
    #: The content hash of each file it wrote last time.
    written: dict[str, str]
    #: Its documents' places and pager neighbours (``placed_as_before``).
    places: list[int] = field(default_factory=list)
    neighbours: list[tuple[Neighbour | None, Neighbour | None]] = field(default_factory=list)


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
    if settings.site.documents_per_page < 0:
        raise ConfigError(
            error(
                "C032",
                "site.documents_per_page must be 0 (one page) or more, "
                f"not {settings.site.documents_per_page}",
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
    rules_from_config(settings.render.elements)  # its mistakes, before any job runs (C030, C034)
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
    build = _Build(project, reporter, validated, advance, cache, executor, ready)
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


class _Build:
    """The state of one build while it runs (see the module docstring for the steps)."""

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
        #: Where Jinja keeps compiled templates between processes: in the cache, if any.
        self.compiled_templates = (
            str(cache.folder / "templates") if cache.folder is not None else None
        )
        #: A hash of the persons each file lists itself, for the files that list any.
        self.embedded_digests: dict[str, str] = {}
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
        if hashed is not None and all(hashed.values_for(files.texts())):
            digests = hashed  # validation's (which may hold the register's too)
        else:
            digests = file_digests(self.cache, "documents", files.texts())
        build_key = self.inputs_key(files, digests)
        last = self.cache.section("site-key")
        if last.get("key") == build_key and project.site_dir.is_dir():
            return self.unchanged(last, files)
        folder = self.cache.folder or Path(tempfile.mkdtemp(prefix="edition-state-"))
        state_path = folder / "site.sqlite"
        previous = PreviousState(state_path if self.cache.enabled else None)
        changed = self.changed_alone(files, digests, previous)
        order = Order(safe_name(project.settings.edition.id, "edition"))
        try:
            return self.scan_render_commit(
                files, digests, changed, order, previous, folder, state_path, build_key
            )
        finally:
            order.close()

    def scan_render_commit(
        self,
        files: FileList,
        digests: PackedMap,
        changed: list[_Changed] | None,
        order: Order,
        previous: PreviousState,
        folder: Path,
        state_path: Path,
        build_key: str,
    ) -> BuildResult:
        """Scan (unless ``changed`` files alone are rendered again), render, write the
        edition-wide pages and commit."""
        project = self.project
        if changed is None:
            embedded = self.scan(files, digests, order)
        else:
            embedded = _embedded_of(previous.value(_EMBEDDED))
        if self.reporter.has_errors:
            previous.close()
            if not self.cache.enabled:
                shutil.rmtree(folder, ignore_errors=True)
            self.result.failed = True
            return self.result
        register = read_register(
            project.register_path, project.shown(project.register_path), self.reporter
        )
        register.update(embedded)  # persons listed inside volumes, later files winning
        shared_key = self.shared_key(register)
        introduction = pages.introduction(project, self.reporter)
        notes = [d for d in self.reporter if d.code == "R530"]

        if changed is None:
            state = NewState(folder / f"site.sqlite.new-{os.getpid()}")
        else:
            state = NewState(state_path, in_place=True)
        writer = SiteWriter(project.site_dir, previous.known)
        self.result.incremental = writer.incremental
        try:
            if changed is None:
                removed = self.render(
                    files, digests, order, register, shared_key, previous, state, writer
                )
                state.set(_SHARED_INPUTS, self.shared_inputs)
                state.set(_EMBEDDED, _embedded_data(embedded))
                state.set(_ENTRIES, str(len(order)))
            else:
                removed = self.render_changed(changed, digests, register, shared_key, state, writer)
                self.keep_totals(previous, state)
            self.result.documents = state.catalogue.count()
            self.result.pages += self.result.documents
            if self.reporter.has_errors:
                raise _BuildFailed
            wide = EditionWide(project, self.reporter, self.common, self.compiled_templates)
            try:
                wide.build(register, introduction, shared_key, previous, state, writer, removed)
            finally:
                self.result.pages += wide.pages

            notes += self.report_fallbacks(state.catalogue.totals)
            full = not writer.incremental
            search_key = self.search_key(state.searched_digest())
            searched = not project.settings.site.search or not writer.incremental
            if full and project.settings.site.search:
                parts = self.index_search(writer.staging, state.searched_pages, {})
                if parts is None:
                    raise _BuildFailed
                state.set(_SEARCH, search.IndexKeys(search_key, parts).to_value())
            else:  # the index as the last build left it: update_search brings it up to date
                state.set(_SEARCH, previous.value(_SEARCH))
            if self.reporter.has_errors or not self.ready():
                raise _BuildFailed
        except BaseException as err:
            writer.discard()
            state.discard()
            previous.close()
            if not self.cache.enabled:
                shutil.rmtree(folder, ignore_errors=True)
            if isinstance(err, _BuildFailed | PagesFailed):
                self.result.failed = True
                return self.result
            raise
        previous.close()
        self.result.written = writer.written
        self.save_key("")  # the site is about to change
        writer.commit(
            removed,
            (state, state_path),
            lambda: self.save_key(build_key if searched else "", notes),
        )
        if not self.cache.enabled:
            shutil.rmtree(folder, ignore_errors=True)
        elif not searched:
            self.update_search(state_path, build_key, search_key, notes)
        return self.result

    # -- step 1: scan ------------------------------------------------------------------------

    def scan(self, files: FileList, digests: PackedMap, order: Order) -> dict[str, Entity]:
        """Every document of every file into ``order`` (ids made unique, then ranked), and
        the persons files list.

        Each file's scan is cached by its content. Files go ``CHUNK`` at a time, so
        that no more than a chunk's scans are held at once.
        """
        embedded: dict[str, Entity] = {}
        for number, (_, shown, found) in enumerate(self.scans(files, digests)):
            self.reporter.extend(found.diagnostics)
            order.add(number, found.pieces)
            embedded.update({e.id: e for e in found.embedded})
            if found.embedded:
                self.embedded_digests[shown] = _embedded_digest(found.embedded)
        self.cache.table("scan").complete()
        order.rank()
        return embedded

    def scans(
        self, files: Sequence[Path], digests: Mapping[Path, str]
    ) -> Iterator[tuple[Path, str, ScanResult]]:
        """Each file's scan (path, shown path, result), in the files' order: from the cache
        when its content was scanned before, else by the executor, ``CHUNK`` files a round."""
        site = self.project.settings.site
        how = ScanSettings(site.split, site.document_xpath)
        known = self.cache.table("scan")
        for start in range(0, len(files), CHUNK):
            chunk = files[start : start + CHUNK]
            keys = {p: digest(digests.get(p, ""), how.mode, how.xpath) for p in chunk}
            scans: dict[Path, ScanResult] = {}
            todo: list[tuple[Path, str]] = []
            shown_paths = [self.project.shown(path) for path in chunk]
            stored = known.get_many(shown_paths)
            for path, shown in zip(chunk, shown_paths, strict=True):
                entry = stored.get(shown)
                if entry is not None and entry["key"] == keys[path]:
                    scans[path] = ScanResult(
                        [(p[0], p[1], p[2]) for p in entry["pieces"]],
                        [Entity(**e) for e in entry["embedded"]],
                        [Diagnostic.from_data(d) for d in entry["diagnostics"]],
                    )
                else:
                    todo.append((path, shown))
            items = [(str(path), shown) for path, shown in todo]
            scanned = self.executor.map(scan_file, how, items)
            for (path, shown), found in zip(todo, scanned, strict=True):
                scans[path] = found
                known.put(
                    shown,
                    {
                        "key": keys[path],
                        "pieces": found.pieces,
                        "embedded": [dataclasses.asdict(e) for e in found.embedded],
                        "diagnostics": [d.to_data() for d in found.diagnostics],
                    },
                )
            for path, shown in zip(chunk, shown_paths, strict=True):
                yield path, shown, scans[path]

    def changed_alone(
        self, files: FileList, digests: PackedMap, previous: PreviousState
    ) -> list[_Changed] | None:
        """The files that changed since the last build, when each still holds the documents
        it held (the same ids, titles and dates) and lists the same persons, and nothing
        else that pages share changed: then the edition's ids, order and pagers are the last
        build's, and only these files are rendered again (a corrected word). Only they are
        scanned. None: build the whole way (a file added or removed, a document added,
        renamed or re-dated, the register or a template changed, no last build's state
        that can be updated in place)."""
        project = self.project
        if not (previous.updatable and self.cache.enabled and project.site_dir.is_dir()):
            return None
        if previous.value(_SHARED_INPUTS) != self.shared_inputs:
            return None
        jobs = previous.changed_jobs(self.sources(files, digests))
        if jobs is None:
            return None
        changed: list[_Changed] = []
        scans = self.scans([files[job.file_number] for job in jobs], digests)
        for job, (path, shown, found) in zip(jobs, scans, strict=True):
            try:
                pieces = orjson.loads(job.pieces)
                ids = [str(p[3]) for p in pieces]
                written = dict(orjson.loads(job.record)["digests"])
                same = [list(p) for p in found.pieces] == [p[:3] for p in pieces]
            except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, ValueError):
                return None  # a damaged row: build the whole way
            embedded = _embedded_digest(found.embedded) if found.embedded else ""
            if found.diagnostics or not same or job.embedded != embedded:
                return None
            changed.append(_Changed(path, shown, job, ids, written))
        return changed if self.placed_as_before(changed, previous) else None

    def placed_as_before(self, changed: list[_Changed], previous: PreviousState) -> bool:
        """Give the changed files' documents their places and pager neighbours in the last
        build (False: its state does not have them all)."""
        place_of = {ident: place for place, ident in previous.places_of([c.shown for c in changed])}
        try:
            count = int(previous.value(_ENTRIES))
        except ValueError:
            return False
        for job in changed:
            if not all(ident in place_of for ident in job.ids):
                return False
            job.places = [place_of[ident] for ident in job.ids]
        around = {n for c in changed for p in c.places for n in (p - 1, p + 1) if 0 <= n < count}
        found = previous.neighbours(sorted(around))
        if len(found) != len(around):
            return False

        def neighbour(place: int) -> Neighbour | None:
            return Neighbour(*found[place]) if place in found else None

        for job in changed:
            job.neighbours = [(neighbour(p - 1), neighbour(p + 1)) for p in job.places]
        return True

    def shared_key(self, register: dict[str, Entity]) -> str:
        """What every page depends on: tool, configuration, templates, register, common values."""
        return digest(
            *self.common_inputs,
            json_digest([dataclasses.asdict(e) for e in register.values()]),
        )

    def inputs_key(self, files: FileList, digests: PackedMap) -> str:
        """A hash of every input of the site as it is on disk, files by their content: the
        documents, the register's file and the introduction's, and what every page
        depends on. Known before anything is read: when it is the last build's, nothing
        can have changed (the scan is not needed to know it)."""
        project = self.project
        introduction = project.settings.edition.introduction
        return digest(
            *self.common_inputs,
            _content_digest(project.register_path),
            _content_digest(project.path(introduction)) if introduction else "",
            *(f"{shown}\0{found or None}" for shown, found in self.sources(files, digests)),
        )

    def sources(self, files: FileList, digests: PackedMap) -> Iterator[tuple[str, str]]:
        """Each file's shown path and content hash ('' when it could not be read), in order."""
        shown = (shown for _, shown in self.project.shown_files(files))
        return zip(shown, digests.values_for(files.texts()), strict=True)

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

    # -- steps 2 and 3: order and render -----------------------------------------------------

    def render(
        self,
        files: FileList,
        digests: PackedMap,
        order: Order,
        register: dict[str, Entity],
        shared_key: str,
        previous: PreviousState,
        state: NewState,
        writer: SiteWriter,
    ) -> list[str]:
        """Render the files whose key changed; reuse the others' summaries and files.

        Every document's summary goes into the state's catalogue at its place in
        the edition's order. Returns the job files to delete.
        """
        catalogue = state.catalogue
        removed: list[str] = []
        shared = self.render_shared(register, shared_key, writer)
        for start in range(0, len(files), CHUNK):  # a round's jobs and results at a time
            todo: list[tuple[str, str, RenderItem, tuple[str, str, str]]] = []
            chunk = files[start : start + CHUNK]
            shown_paths = [self.project.shown(path) for path in chunk]
            known = previous.jobs_of(shown_paths) if writer.incremental else {}
            reused: list[str] = []
            places: dict[str, int] = {}  # of this round's documents, by id
            placed = dict(order.of_files(start, start + len(chunk)))
            for number, (path, shown) in enumerate(zip(chunk, shown_paths, strict=True), start):
                mine = placed.get(number, [])
                places.update((e.id, e.place) for e in mine)
                ids, neighbours = [e.id for e in mine], [(e.previous, e.next) for e in mine]
                key = _render_key(shared_key, digests.get(path) or "", ids, neighbours)
                found = known.get(shown)
                if found is not None and found[0] == key:
                    reused.append(shown)
                    continue
                written = orjson.loads(found[1])["digests"] if found is not None else {}
                item = RenderItem(str(path), shown, ids, neighbours, written)
                scanned = (
                    digests.get(path) or "",
                    orjson.dumps([e.piece for e in mine]).decode(),
                    self.embedded_digests.get(shown, ""),
                )
                todo.append((shown, key, item, scanned))
            if reused:  # they and their documents are copied from the last state at the end
                kept = previous.places_of(reused)
                catalogue.keep((old, places[ident]) for old, ident in kept)
                state.keep_jobs(reused)
            for shown in reused:
                self.advance(shown)
            results = self.executor.map(render_file, shared, [job[2] for job in todo])
            for (shown, key, item, scanned), rendered in zip(todo, results, strict=True):
                for summary in rendered.summaries:
                    catalogue.add(places[summary.id], shown, summary)
                removed += self.take(rendered, key, item, scanned, state, writer)
        gone = state.carry_over(previous)  # the files of jobs whose source is gone
        if writer.incremental:
            removed += gone
        return removed

    def render_changed(
        self,
        changed: list[_Changed],
        digests: Mapping[Path, str],
        register: dict[str, Entity],
        shared_key: str,
        state: NewState,
        writer: SiteWriter,
    ) -> list[str]:
        """Render again the files ``changed_alone`` found, into the last state updated in
        place: each job's row and documents replace its old ones. Returns the files to
        delete."""
        shared = self.render_shared(register, shared_key, writer)
        removed: list[str] = []
        for start in range(0, len(changed), CHUNK):
            chunk = changed[start : start + CHUNK]
            items = [
                RenderItem(str(c.path), c.shown, c.ids, c.neighbours, c.written) for c in chunk
            ]
            results = self.executor.map(render_file, shared, items)
            for job, item, rendered in zip(chunk, items, results, strict=True):
                source = digests.get(job.path, "")
                places = dict(zip(job.ids, job.places, strict=True))
                state.catalogue.replace(job.shown, ((places[s.id], s) for s in rendered.summaries))
                key = _render_key(shared_key, source, job.ids, job.neighbours)
                scanned = (source, job.job.pieces, job.job.embedded)
                removed += self.take(rendered, key, item, scanned, state, writer)
        return removed

    def keep_totals(self, previous: PreviousState, state: NewState) -> None:
        """Take the last build's totals when no document rendered again changed what they
        are made of (``Catalogue.same_totals``), instead of reading every summary."""
        if not state.catalogue.same_totals:
            return
        try:
            state.catalogue.use_totals(Totals.from_data(orjson.loads(previous.value(TOTALS))))
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            return  # damaged: read from the summaries

    def take(
        self,
        rendered: RenderResult,
        key: str,
        item: RenderItem,
        scanned: tuple[str, str, str],
        state: NewState,
        writer: SiteWriter,
    ) -> list[str]:
        """Take a rendered job's files, diagnostics and row (its documents are the caller's).
        Returns its files of the last build that it no longer writes."""
        self.advance(item.shown)
        self.reporter.extend(rendered.diagnostics)
        for relative in rendered.changed:
            writer.staged(relative)
        for relative, data in rendered.files.items():
            writer.put(relative, data, item.previous.get(relative))
        record = orjson.dumps({"digests": rendered.digests})
        html = _html_digest(rendered.digests)
        state.job(item.shown, key if not rendered.diagnostics else "", record, html, scanned)
        return [r for r in item.previous if r not in rendered.digests]

    def render_shared(
        self, register: dict[str, Entity], shared_key: str, writer: SiteWriter
    ) -> RenderShared:
        """What every render job of this build is given."""
        shares_files = self.executor.shares_files
        return RenderShared(
            self.project,
            register,
            self.common,
            str(writer.staging) if shares_files else None,
            shared_key,
            self.compiled_templates if shares_files else None,
        )

    def report_fallbacks(self, totals: Totals) -> list[Diagnostic]:
        """R510 (elements rendered generically) and R511 (links refused), summed over documents."""
        result = self.result
        result.refused.extend(sorted(totals.refused))
        for name, count in totals.fallbacks.items():
            result.fallbacks[name] = result.fallbacks.get(name, 0) + count
            result.fallback_files[name] = totals.users(name)
        notes = []
        for name, count in sorted(result.fallbacks.items()):
            what = f"<{name}> element(s)" if "/" not in name else name.replace("/", " with ")
            users = result.fallback_files.get(name, [])
            more = f" (and {len(users) - 1} other file(s))" if len(users) > 1 else ""
            notes.append(
                info(
                    "R510",
                    f"{count} {what} rendered generically (no rule){more}",
                    Location(users[0]) if users else None,
                    f"add a rule for it in edition.toml: [render.elements.{name.split('/')[0]}]",
                )
            )
        if result.refused:
            shown = ", ".join(sorted(set(result.refused))[:5])
            notes.append(
                info(
                    "R511",
                    f"{len(result.refused)} link target(s) not linked (unknown or unsafe): {shown}",
                    None,
                )
            )
        self.reporter.extend(notes)
        return notes

    def search_key(self, searched: str) -> str:
        """What the search index is made of, as one hash: the pages it reads (``searched``,
        ``NewState.searched_digest``), the language and the size of its parts."""
        site, language = self.project.settings.site, self.project.settings.edition.language
        return digest(language, str(site.search_part_documents), searched)

    def index_search(
        self,
        site: Path,
        pages: Callable[[], Iterable[tuple[str, str]]],
        indexed: Mapping[int, str],
    ) -> dict[int, str] | None:
        """Index again the parts of the search index whose pages changed (``search.update``)."""
        settings = self.project.settings
        return search.update(
            site,
            pages,
            settings.site.search_part_documents,
            settings.edition.language,
            indexed,
            self.reporter,
            self.executor.local_jobs,
        )

    def update_search(
        self, state_path: Path, build_key: str, search_key: str, notes: list[Diagnostic]
    ) -> None:
        """Index again the parts of the committed site's search index whose pages changed;
        each is swapped in when all are made."""
        site = self.project.site_dir
        previous = PreviousState(state_path)
        try:
            indexed = search.IndexKeys.read(previous.value(_SEARCH))
            current = (site / search.FOLDER / search.MANIFEST).is_file()
            if not (indexed.whole == search_key and current):
                parts = self.index_search(site, previous.searched_pages, indexed.parts)
                if parts is None:
                    return  # the old index stays; the next build tries again
                set_value(state_path, _SEARCH, search.IndexKeys(search_key, parts).to_value())
        finally:
            previous.close()
        self.save_key(build_key, notes)


#: The state's value that says what the search index was made of (``search.IndexKeys``).
_SEARCH = "search"
#: The state's values for a build that renders only the files changed (``changed_alone``):
#: a hash of what all pages share but for the persons files list (``shared_inputs``), those
#: persons (``_embedded_data``), and how many documents the edition's order has.
_SHARED_INPUTS = "shared-inputs"
_EMBEDDED = "embedded"
_ENTRIES = "entries"


class _BuildFailed(Exception):
    """Raised inside a build to discard the staged files after errors were reported."""


def _content_digest(path: Path) -> str:
    """A hash of a file's bytes ('': none can be read)."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return ""


def _render_key(
    shared_key: str,
    source: str,
    ids: list[str],
    neighbours: list[tuple[Neighbour | None, Neighbour | None]],
) -> str:
    """What a file's pages are made of: what all pages share, its content, its documents'
    final ids and their pager neighbours."""
    pager = (part for pair in neighbours for n in pair for part in _pager_parts(n))
    return digest(shared_key, source, str(len(ids)), *ids, *pager)


def _embedded_digest(persons: list[Entity]) -> str:
    """A hash of the persons a file lists itself."""
    return json_digest([dataclasses.asdict(e) for e in persons])


def _embedded_data(persons: dict[str, Entity]) -> str:
    """The persons all files list themselves, as JSON (``_embedded_of`` reads it back)."""
    return orjson.dumps([dataclasses.asdict(e) for e in persons.values()]).decode()


def _embedded_of(data: str) -> dict[str, Entity]:
    """The persons ``_embedded_data`` wrote, by id ({}: none, or damaged)."""
    try:
        return {e["id"]: Entity(**e) for e in orjson.loads(data or "[]")}
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return {}


def _pager_parts(neighbour: Neighbour | None) -> tuple[str, ...]:
    """What a render key holds of a pager neighbour (a NUL, which no slug holds, for none)."""
    return ("\0",) if neighbour is None else (neighbour.slug, neighbour.title)


def _html_digest(files: dict[str, str]) -> str:
    """One hash of a job's HTML pages (what the search index reads)."""
    return digest_of(f"{k}\0{v}" for k, v in sorted(files.items()) if k.endswith(".html"))
