"""The steps of a build that has something to do (``builder.Build.run`` decides): scan,
order, render, the edition-wide pages, the search index and the commit. See ``builder``
for what each step does and when a build renders only the files that changed."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from edition.cache import digest, digest_of, json_digest
from edition.diagnostics import Diagnostic, Location, info
from edition.fsutil import safe_name
from edition.packed import FileList, PackedHashes, PackedMap
from edition.render.rules import rules_from_config
from edition.site import pages, search
from edition.site.builder import Build, BuildResult, files_layout
from edition.site.catalogue import Totals
from edition.site.documents import Neighbour
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
from edition.site.writer import SiteWriter

#: Files per round of jobs: what a round's jobs and results take is all that is held.
CHUNK = 2048


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


class Steps:
    """The steps of one build (see the module docstring), with what ``build`` found."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self.project, self.reporter, self.advance = build.project, build.reporter, build.advance
        self.cache, self.executor, self.ready = build.cache, build.executor, build.ready
        self.result, self.common = build.result, build.common
        #: Where Jinja keeps compiled templates between processes: in the cache, if any.
        self.compiled_templates = (
            str(self.cache.folder / "templates") if self.cache.folder is not None else None
        )
        #: A hash of the persons each file lists itself, for the files that list any.
        self.embedded_digests: dict[str, str] = {}

    def run(
        self, files: FileList, digests: PackedMap, contents: PackedHashes, build_key: str
    ) -> BuildResult:
        """Build what changed: the files changed alone when they can be, else every file
        whose key changed (``changed_alone``)."""
        # The rendering rules' mistakes (C030, C034), before any job runs. Checked here, not
        # with the other settings: a build with nothing to do has a configuration that
        # built (it is part of the build's key), and checking loads the behaviours' code.
        rules_from_config(self.project.settings.render.elements)
        folder = self.cache.folder or Path(tempfile.mkdtemp(prefix="edition-state-"))
        state_path = folder / "site.sqlite"
        previous = PreviousState(state_path if self.cache.enabled else None)
        changed = self.changed_alone(files, digests, contents, previous)
        order = Order(safe_name(self.project.settings.edition.id, "edition"))
        try:
            return self.scan_render_commit(
                files, digests, contents, changed, order, previous, folder, state_path, build_key
            )
        finally:
            order.close()

    def scan_render_commit(
        self,
        files: FileList,
        digests: PackedMap,
        contents: PackedHashes,
        changed: list[_Changed] | None,
        order: Order,
        previous: PreviousState,
        folder: Path,
        state_path: Path,
        build_key: str,
    ) -> BuildResult:
        """Scan (unless ``changed`` files alone are rendered again), render, write the
        edition-wide pages and commit (``contents``: the files' content hashes in order)."""
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
        introduction = pages.introduction(project, self.reporter, self.cache)
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
                state.set(_SHARED_INPUTS, self.build.shared_inputs)
                state.set(_EMBEDDED, _embedded_data(embedded))
                state.set(_ENTRIES, str(len(order)))
            else:
                removed = self.render_changed(changed, digests, register, shared_key, state, writer)
                self.keep_totals(previous, state)
            state.set_sources(files_layout(project, files), contents)
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
        self.build.save_key("")  # the site is about to change
        writer.commit(
            removed,
            (state, state_path),
            lambda: self.build.save_key(build_key if searched else "", notes),
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
        self, files: FileList, digests: PackedMap, contents: PackedHashes, previous: PreviousState
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
        if previous.value(_SHARED_INPUTS) != self.build.shared_inputs:
            return None
        layout, folder = files_layout(project, files), project.shown_folder(files)
        jobs = previous.changed_jobs(layout, contents, folder, files.names_column())
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
            *self.build.common_inputs,
            json_digest([dataclasses.asdict(e) for e in register.values()]),
        )

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
        self.build.save_key(build_key, notes)


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
