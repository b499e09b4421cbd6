"""The per-file results of one validation run, on disk until every file is indexed.

A temporary SQLite file holds each file's result as it arrives (the JSON of
``FileCheck.to_data``: its diagnostics and its index) and its global ids as rows.
The checks across files then ask it, one file at a time, what they would ask of
every index in memory: it is an ``EditionIndex``. What is held is SQLite's page
cache and the ids of the last few files pointed into, whatever the number of files.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Container, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from edition.cache import bound_page_cache
from edition.diagnostics import Diagnostic, Location
from edition.validation.crossdoc import FileIndex
from edition.validation.jobs import LXML, NONE, CheckItem, FileCheck, StoredCheck

#: ``n`` is the file's place in the run; a path may come twice (under two shown paths).
#: ``key`` is the path as paths compare (``os.path.normcase``: without case on Windows).
_TABLES = """
CREATE TABLE files (
    n INTEGER PRIMARY KEY, path TEXT NOT NULL, key TEXT NOT NULL, shown TEXT NOT NULL,
    index_only INTEGER NOT NULL, fresh INTEGER NOT NULL, parsed INTEGER NOT NULL,
    for_jing INTEGER NOT NULL, indexed INTEGER NOT NULL, result BLOB NOT NULL
);
CREATE TABLE global_ids (
    ident TEXT NOT NULL, file INTEGER NOT NULL, line INTEGER, PRIMARY KEY (ident, file)
) WITHOUT ROWID;
"""
#: Made once every file is in. ``targets``: for each path, the file pointers into it
#: lead to (the last one indexed, as a dict of indexes by path keeps) and the place of
#: its first index (where that dict has the path: the order among equal shown paths).
#: ``shared``: the global ids found in more than one file, the only ones another file
#: can also define.
_INDEXES = """
CREATE INDEX files_by_shown ON files (shown);
CREATE INDEX files_by_key ON files (key);
CREATE TABLE targets (file INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, first INTEGER NOT NULL);
INSERT INTO targets SELECT max(n), key, min(n) FROM files WHERE indexed GROUP BY key;
CREATE TABLE shared (ident TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO shared SELECT ident FROM global_ids GROUP BY ident HAVING count(*) > 1;
"""
#: The files whose xml:ids are kept for the pointers into them (most go to a few files,
#: such as the register).
_KEPT_IDS = 8


#: A file of the run as ``CheckItems.listed`` gives it: its path, shown path and whether
#: only its index is wanted (no ``Path`` made).
Listed = tuple[str, str, bool]


def _key(path: str | Path) -> str:
    return os.path.normcase(path)


class Results:
    """Every file's result in a run, in a temporary SQLite file (removed by ``close``)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="edition-validation-"))
        self._db = sqlite3.connect(self.folder / "results.sqlite")
        # Scratch data, gone with the run: no journal, no waiting for the disk, no locking
        # the file again for each query. What the page cache cannot hold goes to the file.
        self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        bound_page_cache(self._db)
        self._db.executescript(_TABLES)
        self._ids: OrderedDict[int, set[str]] = OrderedDict()

    def __enter__(self) -> Results:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close and delete the file."""
        self._db.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, n: int, listed: Listed, check: FileCheck, *, fresh: bool) -> None:
        """Write the result of the ``n``-th file, ``listed`` as ``CheckItems.listed`` gives it
        (``fresh``: checked now, not from the cache)."""
        self._insert(n, listed, check.stored(), fresh=fresh)

    def add_data(self, n: int, listed: Listed, data: dict[str, Any], encoded: bytes) -> None:
        """Write the cached result of the ``n``-th file, as ``FileCheck.to_data`` made it,
        given decoded (``data``) and as the cache holds it (``encoded``, stored as it is)."""
        self._insert(n, listed, StoredCheck.of(data, encoded=encoded), fresh=False)

    def add_stored(self, n: int, listed: Listed, stored: StoredCheck, *, fresh: bool) -> None:
        """Write the ``n``-th file's result as the worker encoded it (``check_file_stored``)."""
        self._insert(n, listed, stored, fresh=fresh)

    def _insert(self, n: int, listed: Listed, stored: StoredCheck, *, fresh: bool) -> None:
        path, shown, index_only = listed
        self._db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                n,
                path,
                _key(path),
                shown,
                index_only,
                fresh,
                stored.parsed,
                stored.for_jing,
                stored.indexed,
                stored.data,
            ),
        )
        if stored.global_ids:
            self._db.executemany(
                "INSERT INTO global_ids VALUES (?, ?, ?)",
                [(ident, n, line) for ident, line in stored.global_ids.items()],
            )

    def finish(self) -> None:
        """Every file is in: index the tables for the checks across files."""
        with self._db:
            self._db.executescript(_INDEXES)

    def waiting_for_jing(self) -> dict[Path, str]:
        """The files parsed without a DOCTYPE that jing has not checked yet (path: shown)."""
        rows = self._db.execute("SELECT path, shown FROM files WHERE for_jing ORDER BY n")
        return {Path(path): shown for path, shown in rows}

    def unparsed(self) -> set[Path]:
        """The paths whose file (the last one, for a path that came twice) did not parse."""
        rows = self._db.execute(
            "SELECT path FROM files AS f WHERE NOT parsed"
            " AND n = (SELECT max(n) FROM files WHERE key = f.key)"
        )
        return {Path(path) for (path,) in rows}

    def put_first(
        self, found: Iterable[tuple[str, list[Diagnostic]]], checked: Container[Path]
    ) -> None:
        """Put jing's diagnostics (each file's, with its shown path) first among the problems
        of each file it had, as they come.

        jing had the parsed files whose path is in ``checked`` and those that waited for it.
        """
        with self._db:
            for shown, diagnostics in found:
                if not diagnostics:
                    continue
                rows = self._db.execute(
                    "SELECT n, path, for_jing FROM files WHERE shown = ? AND parsed", (shown,)
                ).fetchall()
                for n, path, waited in rows:
                    if waited or Path(path) in checked:
                        check = self.result(n)[1]
                        check.problems[:0] = diagnostics
                        self._db.execute(
                            "UPDATE files SET result = ? WHERE n = ?",
                            (orjson.dumps(check.to_data()), n),
                        )

    def fresh_data(self) -> Iterator[tuple[int, bytes]]:
        """The files checked in this run (not from the cache), by place, with their
        results as stored (``FileCheck.to_data`` in JSON, jing's problems first), in order."""
        yield from self._db.execute("SELECT n, result FROM files WHERE fresh ORDER BY n")

    def reported(self) -> Iterator[list[tuple[int, FileCheck]]]:
        """The results of the files reported on (with their places), grouped by shown path,
        in their order.

        Read in the table's own order, not sorted by SQL (which would hold every result
        to sort them); a shown path given more than once is read whole where it first
        comes.
        """
        twice = {
            shown
            for (shown,) in self._db.execute(
                "SELECT shown FROM files WHERE NOT index_only GROUP BY shown HAVING count(*) > 1"
            )
        }
        done: set[str] = set()
        for shown, n, result in self._db.execute(
            "SELECT shown, n, result FROM files WHERE NOT index_only ORDER BY n"
        ):
            if shown not in twice:
                yield [(n, FileCheck.from_data(orjson.loads(result)))]
            elif shown not in done:
                done.add(shown)
                rows = self._db.execute(
                    "SELECT n, result FROM files WHERE shown = ? AND NOT index_only ORDER BY n",
                    (shown,),
                ).fetchall()
                yield [(m, FileCheck.from_data(orjson.loads(data))) for m, data in rows]

    def indexed_only(self) -> Iterator[tuple[int, FileCheck]]:
        """The results of the files only indexed (not reported on), with their places."""
        rows = self._db.execute("SELECT n, result FROM files WHERE index_only ORDER BY n")
        for n, result in rows:
            yield n, FileCheck.from_data(orjson.loads(result))

    def result(self, n: int) -> tuple[CheckItem, FileCheck]:
        """The ``n``-th file and its result, as ``add`` got it (with jing's problems first)."""
        path, shown, index_only, result = self._one(
            "SELECT path, shown, index_only, result FROM files WHERE n = ?", n
        )
        relaxng = NONE if index_only else LXML  # who did it no longer matters
        item = CheckItem(Path(path), shown, relaxng, bool(index_only))
        return item, FileCheck.from_data(orjson.loads(result))

    # The EditionIndex of the checks across files (after ``finish``).

    def elsewhere(self, doc: FileIndex) -> dict[str, Location]:
        """Where another file defines each of ``doc``'s global ids (the first by shown path)."""
        found: dict[str, Location] = {}
        for ident in doc.global_ids:
            if self._one("SELECT 1 FROM shared WHERE ident = ?", ident) is None:
                continue
            row = self._one(
                "SELECT f.shown, g.line FROM global_ids AS g"
                " JOIN targets AS t ON t.file = g.file JOIN files AS f ON f.n = g.file"
                " WHERE g.ident = ? AND t.key <> ? ORDER BY f.shown, t.first LIMIT 1",
                ident,
                _key(doc.path),
            )
            if row is not None:
                found[ident] = Location(*row)
        return found

    def shown(self, path: Path) -> str | None:
        """The shown path of the edition's file at ``path`` (None: not a file of the edition)."""
        row = self._one(
            "SELECT f.shown FROM targets AS t JOIN files AS f ON f.n = t.file WHERE t.key = ?",
            _key(path),
        )
        return str(row[0]) if row is not None else None

    def has_id(self, path: Path, ident: str) -> bool:
        """Whether the edition's file at ``path`` has the xml:id ``ident``."""
        row = self._one("SELECT file FROM targets WHERE key = ?", _key(path))
        return row is not None and ident in self._ids_of(row[0])

    def _ids_of(self, n: int) -> set[str]:
        """The xml:ids of the ``n``-th file, kept for the next pointers into it."""
        if n in self._ids:
            self._ids.move_to_end(n)
        else:
            index = self.result(n)[1].index
            self._ids[n] = set(index.ids) if index is not None else set()
            if len(self._ids) > _KEPT_IDS:
                self._ids.popitem(last=False)
        return self._ids[n]

    def _one(self, sql: str, *arguments: Any) -> Any:
        return self._db.execute(sql, arguments).fetchone()
