"""Validation runs kept in the cache: reported again whole, or again but for a few files.

A run is kept file by file, in entries of about ``CHUNK`` files and diagnostics:
each file's place in the run, shown path, whether only its index was wanted, its
content hash, a hash of its index, the diagnostics reported for it and which of them
the checks across files gave. The entries are written as the run reports (never all
in memory) under the run's key (a hash of what every file's key is made of,
``runner._Keys.of_run``), whose head lists them in order: a run that differs from the
last one in a few files lists the last run's entries that none of them is in, and
writes only the others (``Keeper.add_entry``). The key and layout of the last run
kept are ``LAST``. The next run over the same files

- reports the kept run again when its key is the same (``report``);
- when its layout is the same (the same files, shown paths and settings:
  ``runner._Keys.layout``) and only a few files' contents changed, and none of their
  indexes did (the same ids, the same pointers on the same lines), checks only those
  again: nothing any check across files sees has changed, so the other files'
  diagnostics and the changed files' own checks across files are the kept ones
  (``runner`` and ``changes``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from edition.cache import Cache, CacheTable, digest
from edition.diagnostics import Diagnostic, Reporter

#: The cache table of kept runs.
RUNS = "validation-runs"
#: Files plus diagnostics per entry of a kept run (an entry is bounded by both).
CHUNK = 1000
#: The entry naming the last run kept (its key and layout).
LAST = "last"
#: ``Record.to_data``'s length, and the place of ``found`` in it.
_RECORD_FIELDS, FOUND = 7, 5


@dataclass
class Record:
    """One file of a kept run."""

    n: int
    shown: str
    index_only: bool
    #: The file's content hash.
    content: str
    index: str
    #: What was reported for the file (for a shown path given twice: all on its first record).
    found: list[Diagnostic]
    #: The places in ``found`` of what the checks across files gave (files reported alone).
    across: list[int]

    @property
    def found_across(self) -> list[Diagnostic]:
        return [self.found[i] for i in self.across]

    def to_data(self) -> list[Any]:
        return [
            self.n,
            self.shown,
            self.index_only,
            self.content,
            self.index,
            [d.to_data() for d in self.found],
            self.across,
        ]

    @staticmethod
    def diagnostics_of(data: list[Any]) -> Iterator[Diagnostic]:
        """The diagnostics reported for a file as ``to_data`` gives it (``found``), decoded."""
        for found in data[FOUND]:
            yield Diagnostic.from_data(found)

    @classmethod
    def from_data(cls, data: list[Any]) -> Record:
        n, shown, index_only, content, index, _, across = data
        return cls(
            int(n),
            str(shown),
            bool(index_only),
            str(content),
            str(index),
            list(cls.diagnostics_of(data)),
            [int(i) for i in across],
        )


def index_digest(index: dict[str, Any] | None) -> str:
    """A hash of a file's index (``FileIndex.to_data``; '' for none)."""
    return digest(orjson.dumps(index)) if index is not None else ""  # order kept: it matters


class Keeper:
    """Writes a run into the cache as it is reported, ``CHUNK`` files and diagnostics an entry."""

    def __init__(self, cache: Cache, run_key: str | None, run_layout: str, files: int) -> None:
        self.runs = cache.table(RUNS) if run_key is not None else None
        self.run_key, self.layout, self.files = run_key, run_layout, files
        #: The keys of the run's entries so far, in order.
        self.chunks: list[str] = []
        self.pending: list[list[Any]] = []
        self.weight = 0

    def add(self, record: Record) -> None:
        if self.runs is not None:
            self.add_data(record.to_data())

    def add_data(self, data: list[Any]) -> None:
        """Add a file as ``Record.to_data`` gives it (a kept file, passed on as it is)."""
        if self.runs is None:
            return
        self.pending.append(data)
        self.weight += 1 + len(data[FOUND])
        if self.weight >= CHUNK:
            self._put(self.runs)

    def add_entry(self, name: str) -> None:
        """Add the files of an entry kept already (another run's, ``entries_of``), in
        their order there: the entry is listed, not written again."""
        if self.runs is None:
            return
        if self.pending:
            self._put(self.runs)
        self.chunks.append(name)

    def close(self) -> None:
        """Write the last entry and the run's head: the run is kept, and is the last one."""
        if self.runs is None:
            return
        if self.pending:
            self._put(self.runs)
        head = {"chunks": self.chunks, "files": self.files, "layout": self.layout}
        self.runs.put(str(self.run_key), head)
        self.runs.put(LAST, {"run": self.run_key, "layout": self.layout})
        self.runs.complete()

    def _put(self, runs: CacheTable) -> None:
        name = f"{self.run_key}/{len(self.chunks)}"
        runs.put(name, self.pending)
        self.chunks.append(name)
        self.pending, self.weight = [], 0


def entries(cache: Cache, run_key: str) -> Iterator[list[Any]]:
    """The files of a kept run as stored (``Record.to_data``), not decoded further.

    Raises ``ValueError`` when the run is not kept whole.
    """
    for _, chunk in entries_of(cache, run_key):
        yield from chunk


def entries_of(cache: Cache, run_key: str) -> Iterator[tuple[str, list[list[Any]]]]:
    """The entries of a kept run in order: each one's key and files as stored.

    Raises ``ValueError`` when the run is not kept whole (after the entries before).
    """
    runs = cache.table(RUNS)
    head = runs.get(run_key)
    names = head.get("chunks") if isinstance(head, dict) else None
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError(f"no kept run {run_key}")
    count = 0
    for name in names:
        chunk = entry(cache, name)
        count += len(chunk)
        yield name, chunk
    if count != head.get("files"):
        raise ValueError(f"kept run {run_key} is incomplete")
    runs.complete()


def entry(cache: Cache, name: str) -> list[list[Any]]:
    """One entry of a kept run (``entries_of`` gives their names): its files as stored.

    Raises ``ValueError`` when it is missing or damaged.
    """
    chunk = cache.table(RUNS).get(name)
    if not isinstance(chunk, list):
        raise ValueError(f"kept entry {name} is missing")
    for data in chunk:
        if not isinstance(data, list) or len(data) != _RECORD_FIELDS:
            raise ValueError(f"kept entry {name} is damaged")
    return chunk


def report(cache: Cache, run_key: str, reporter: Reporter) -> bool:
    """Report the diagnostics of the run kept as ``run_key``; False when it is not kept.

    Nothing is reported unless every entry of the run is there and readable; they
    are gathered in a reporter of their own first (which spools, as any does). The
    run becomes the last one kept, which the next run's ``changes`` are made against
    (an edit undone, then another edit: only that file is checked again).
    """
    gathered = Reporter(reporter.ignore, reporter.strict)
    try:
        for data in entries(cache, run_key):  # spooled as they are kept, once past the held
            gathered.extend_data(data[FOUND])
    except (TypeError, ValueError, KeyError, IndexError):  # not kept whole, or damaged
        return False
    runs = cache.table(RUNS)
    head = runs.get(run_key)
    if isinstance(head, dict) and isinstance(head.get("layout"), str):
        runs.put(LAST, {"run": run_key, "layout": head["layout"]})
    reporter.absorb(gathered)
    return True


@dataclass
class Changes:
    """How a run differs from the last run kept with the same files."""

    #: The key of the last run.
    last: str
    #: The places of the files whose content changed, with the hash of their index then and
    #: what the checks across files found in them then.
    changed: dict[int, tuple[str, list[Diagnostic]]]
    #: The last run's entries in order, each with whether a changed file is in it.
    entries: list[tuple[str, bool]]
    #: What was reported for the other files, as they come: before the first changed
    #: file, after each (``len(changed) + 1`` reporters, which spool).
    between: list[Reporter]


def changes(
    cache: Cache, run_layout: str, contents: Sequence[str], reporter: Reporter, most: int
) -> Changes | None:
    """The files whose content hash differs from the last run's, which had the same
    layout (None: no such run, or more than ``most`` of them). With the same layout (the
    same files, shown paths and settings), a file's key changed only if its content did.

    The last run is read once: what it reported for the files that did not change is
    gathered on the way (``between``, with ``reporter``'s settings), so that the run
    reports it again without reading the last run again.
    """
    last = cache.table(RUNS).get(LAST)
    if not isinstance(last, dict) or last.get("layout") != run_layout:
        return None
    run_key = str(last.get("run"))
    changed: dict[int, tuple[str, list[Diagnostic]]] = {}
    entries: list[tuple[str, bool]] = []
    between = [Reporter(reporter.ignore, reporter.strict, spooled=True)]
    seen = 0
    try:
        for name, chunk in entries_of(cache, run_key):
            holds_changed = False
            for data in chunk:
                n = data[0]
                if not isinstance(n, int) or not 0 <= n < len(contents):
                    return None
                seen += 1
                if contents[n] == data[3]:  # passed on as it is kept: diagnostics not decoded
                    between[-1].extend_data(data[FOUND])
                    continue
                if len(changed) == most:
                    return None
                record = Record.from_data(data)
                changed[n] = (record.index, record.found_across)
                holds_changed = True
                between.append(Reporter(reporter.ignore, reporter.strict, spooled=True))
            entries.append((name, holds_changed))
    except (TypeError, ValueError, KeyError, IndexError):
        return None
    if seen != len(contents):
        return None
    return Changes(run_key, changed, entries, between)
