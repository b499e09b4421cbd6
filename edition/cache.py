"""The build cache (``.edition-cache/``): what earlier runs computed, keyed by content hashes.

All of it is one SQLite file of JSON values (never pickle: a cache that came
with a cloned project must not be able to run code). A cache written by another
version of the tool, or that cannot be read, is treated as empty: the cache
only ever saves work, it never changes a result.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache as memoise
from itertools import islice, pairwise
from pathlib import Path
from typing import Any, Literal, overload

import orjson

from edition import __version__
from edition.fsutil import write_atomic
from edition.packed import PackedHashes, PackedMap

#: Bumped when the layout of a section changes.
FORMAT = 3
#: Stat entries younger than this (seconds) are re-hashed: a file changed twice within
#: the file system's timestamp granularity would otherwise look unchanged ("racy git").
_RACY = 2.0
#: Seconds to wait for a cache file another run is writing before going on without it.
BUSY_WAIT = 10.0
#: Entries read are noted as used this many at a time (one statement, not one per read).
TOUCHED = 10_000
#: Keys looked up by one query of ``CacheTable.get_many``.
BATCH = 1_000
#: The page cache (KiB) of a build's working databases: the validation run's results, the
#: site's state and its orders (SQLite's default is 2 MiB a connection). Past it, pages
#: go to the file, that is to the system's cache, and a large build's memory with them.
PAGE_CACHE_KIB = 512
_TABLES = """
CREATE TABLE IF NOT EXISTS entries (
    tbl TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, run INTEGER NOT NULL,
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stamps (
    grp TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
    inode INTEGER NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (grp, path)
) WITHOUT ROWID;
"""


def digest(*parts: bytes | str) -> str:
    """A short content hash (BLAKE2b, 128 bits) of the parts, in order."""
    return digest_of(parts)


def digest_of(parts: Iterable[bytes | str]) -> str:
    """``digest`` of parts taken one at a time: a generator as large as the edition (a
    part per document) is hashed without being held whole, as ``digest(*parts)`` would."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def decoded(value: bytes | None) -> Any:
    """A cache entry as stored, decoded (None: none, or not JSON)."""
    if value is None:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return None


def bound_page_cache(db: sqlite3.Connection) -> None:
    """Keep a working database's page cache to ``PAGE_CACHE_KIB``."""
    db.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")


def json_digest(value: Any) -> str:
    """The hash of a JSON-serialisable value (keys sorted, so dict order does not matter)."""
    return digest(orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


@memoise
def tool_digest() -> str:
    """The tool's version and the hash of its own code and data: any change invalidates."""
    package = Path(__file__).resolve().parent
    parts: list[bytes | str] = [__version__]
    for path in sorted(package.rglob("*")):
        if (
            path.suffix in {".py", ".toml", ".rng", ".rnc", ".sch", ".java"}
            and "__pycache__" not in path.parts
        ):
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


class Cache:
    """Cached results in one SQLite file (``cache.sqlite``); ``Cache(None)`` caches nothing.

    Two kinds of storage:

    - ``section(name)``: a small value read and written whole (the last build's key);
    - ``table(name)``: many entries looked up one at a time (a file's hash, its scan,
      its validation result), never loaded whole.

    Everything written in a run is one transaction, committed by ``save``: a run that
    is killed leaves the cache as the last ``save`` left it.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._sections: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._complete: set[str] = set()
        self._run = time.time_ns()
        #: Entries read in this run and not yet noted so (see ``_touch``).
        self._touched: list[tuple[str, str]] = []

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def section(self, name: str) -> dict[str, Any]:
        """The entries of a section (empty when absent, unreadable or from another tool)."""
        if name not in self._sections:
            found = self.table("sections").get(name)
            self._sections[name] = found if isinstance(found, dict) else {}
        return self._sections[name]

    def replace(self, name: str, entries: dict[str, Any]) -> None:
        """Set a section's entries (written by ``save``)."""
        self._sections[name] = entries
        self._dirty.add(name)

    def table(self, name: str) -> CacheTable:
        """The entries of a table, looked up one at a time."""
        return CacheTable(self, name)

    def save(self) -> None:
        """Commit what this run wrote; drop the stale entries of tables marked complete."""
        db = self._connection()
        if db is None:
            return
        sections = self.table("sections")
        for name in sorted(self._dirty):
            sections.put(name, self._sections[name])
        self._mark_touched()
        if self._db is None:
            return
        try:
            for name in sorted(self._complete):  # neither written nor read in this run
                db.execute(
                    "DELETE FROM entries WHERE tbl = ? AND run <> ?"
                    " AND key NOT IN (SELECT key FROM temp.touched WHERE tbl = ?)",
                    (name, self._run, name),
                )
            db.commit()
        except sqlite3.OperationalError:
            self._give_up()
        self._dirty.clear()
        self._complete.clear()

    def close(self) -> None:
        """Forget what was not saved and close the file."""
        self._touched.clear()
        if self._db is not None:
            self._db.rollback()
            self._db.close()
            self._db = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _touch(self, table: str, key: str) -> None:
        """Keep an entry that was read (noted in a temporary table, ``TOUCHED`` at a time:
        rewriting each entry's row to mark it costs six times as much)."""
        self._touched.append((table, key))
        if len(self._touched) >= TOUCHED:
            self._mark_touched()

    def _mark_touched(self) -> None:
        db = self._db
        if db is None or not self._touched:
            self._touched.clear()
            return
        try:
            db.executemany("INSERT OR IGNORE INTO temp.touched VALUES (?, ?)", self._touched)
        except sqlite3.OperationalError:
            self._give_up()
        self._touched.clear()

    def _give_up(self) -> None:
        """The file is busy (another run holds it) or failing: go on without a cache."""
        self.close()
        self.folder = None

    def _connection(self) -> sqlite3.Connection | None:
        """The open cache file: made, or emptied, when missing, damaged or another tool's."""
        if self._db is not None or self.folder is None:
            return self._db
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "cache.sqlite"
        try:
            self._db = _open(path)
        except sqlite3.OperationalError:  # busy: another run is writing it
            self.folder = None
            return None
        except sqlite3.DatabaseError:
            path.unlink(missing_ok=True)  # damaged: start again
            try:
                self._db = _open(path)
            except sqlite3.DatabaseError:
                self.folder = None  # cannot cache here: run without
                return None
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            write_atomic(
                tag,
                b"Signature: 8a477f597d28d172789f06886806bc55\n"
                b"# The build cache of `edition`: safe to delete, rebuilt when missing.\n",
            )
        return self._db


def _open(path: Path) -> sqlite3.Connection:
    """Connect to a cache file, emptied when it was written by another tool or format."""
    db = sqlite3.connect(path, timeout=BUSY_WAIT)
    try:
        db.executescript(_TABLES)
        db.execute(  # the entries read by this run, which ``save`` keeps
            "CREATE TEMP TABLE IF NOT EXISTS touched"
            " (tbl TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID"
        )
        found = dict(db.execute("SELECT name, value FROM meta").fetchall())
        if found != {"format": str(FORMAT), "tool": tool_digest()}:
            db.execute("DELETE FROM entries")
            db.execute("DELETE FROM stamps")
            db.execute("DELETE FROM meta")
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("format", str(FORMAT)), ("tool", tool_digest())]
            )
            db.commit()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


class CacheTable:
    """One table of a cache: entries by key, each a JSON value."""

    def __init__(self, cache: Cache, name: str) -> None:
        self.cache, self.name = cache, name

    def get(self, key: str) -> Any:
        """The entry (None when absent or unreadable); an entry read is kept by ``complete``."""
        db = self.cache._connection()
        if db is None:
            return None
        try:
            row = db.execute(
                "SELECT value FROM entries WHERE tbl = ? AND key = ?", (self.name, key)
            ).fetchone()
            if row is None:
                return None
        except sqlite3.OperationalError:
            self.cache._give_up()
            return None
        self.cache._touch(self.name, key)
        return decoded(row[0])

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """The entries of these keys that there are and can be read (``get`` for many:
        one query per ``BATCH`` keys)."""
        found = ((key, decoded(value)) for key, value in self.get_many_encoded(keys).items())
        return {key: value for key, value in found if value is not None}

    def get_many_encoded(self, keys: Sequence[str]) -> dict[str, bytes]:
        """``get_many``'s entries as stored (JSON), not decoded: read one at a time after."""
        db = self.cache._connection()
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), BATCH):
            if db is None:
                break
            batch = orjson.dumps(keys[start : start + BATCH]).decode()
            try:
                rows = db.execute(
                    "SELECT key, value FROM entries"
                    " WHERE tbl = ? AND key IN (SELECT value FROM json_each(?))",
                    (self.name, batch),
                ).fetchall()
            except sqlite3.OperationalError:
                self.cache._give_up()
                return {}
            for key, value in rows:
                self.cache._touch(self.name, key)
                found[key] = value
            db = self.cache._connection()  # None if a batch of touches gave up
        return found

    def touch(self, key: str) -> None:
        """Keep an entry (if there is one) without reading it, as ``get`` would."""
        if self.cache._connection() is not None:
            self.cache._touch(self.name, key)

    def put(self, key: str, value: Any) -> None:
        """Set an entry."""
        self.put_encoded(key, orjson.dumps(value, default=_plain))

    def put_encoded(self, key: str, value: bytes) -> None:
        """Set an entry given as JSON already."""
        db = self.cache._connection()
        if db is None:
            return
        try:
            db.execute(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                (self.name, key, value, self.cache._run),
            )
        except sqlite3.OperationalError:
            self.cache._give_up()

    def complete(self) -> None:
        """This run has read or put every entry still needed: ``save`` drops the others."""
        self.cache._complete.add(self.name)


def file_digests(cache: Cache, group: str, paths: Iterable[Path | str]) -> PackedMap:
    """Content hashes of files, re-reading only those whose size, time or inode changed.

    ``group`` names the set of files (``documents``, ``templates``): each group is
    remembered as a whole, so files that disappeared are forgotten. The stamps are
    columns of a table of their own, read ``BATCH`` files a query: only the files that
    changed are written, and no entry is marked as read. The hashes are packed, in the
    order of ``paths`` (``PackedMap.at``); a file that cannot be read has none.
    """
    stamps = _Stamps(cache, group)
    found = PackedMap(stamps.hashed(os.fspath(path) for path in paths), hashes=True)
    stamps.keep_only(len(found), (text for text, _ in found.items_as_text()))
    return found


def file_hashes(cache: Cache, group: str, paths: Callable[[], Iterable[str]]) -> PackedHashes:
    """``file_digests``'s hashes alone, in the order of ``paths()``, for files each listed
    once: the paths are not held again. ``paths`` is called a second time only when
    files of the group were forgotten since the last run."""
    stamps = _Stamps(cache, group)
    found = PackedHashes(stamps.hashed(iter(paths()), values_only=True))
    stamps.keep_only(found.filled(), paths)
    return found


class _Stamps:
    """The stamps (size, time, inode) and content hashes of one group of files, in the
    cache's ``stamps`` table; none when there is no cache, or it fails (then files are
    hashed)."""

    def __init__(self, cache: Cache, group: str) -> None:
        self.cache, self.group = cache, group

    @overload
    def hashed(self, texts: Iterator[str]) -> Iterator[tuple[str, str]]: ...
    @overload
    def hashed(self, texts: Iterator[str], values_only: Literal[True]) -> Iterator[str]: ...
    def hashed(
        self, texts: Iterator[str], values_only: bool = False
    ) -> Iterator[tuple[str, str]] | Iterator[str]:
        """Each file's path and content hash ('' when it cannot be read), in order, from its
        stamp when that is unchanged (``values_only``: the hashes alone)."""
        now = time.time()
        while batch := list(islice(texts, BATCH)):  # a batch's stamps held at a time
            known = self.of(batch)
            changed: list[tuple[str, int, int, int, str]] = []
            for key in batch:
                try:
                    status = os.stat(key)  # noqa: PTH116 (many files: without pathlib's overhead)
                except OSError:
                    yield "" if values_only else (key, "")
                    continue
                stamp = (status.st_size, status.st_mtime_ns, status.st_ino)
                row = known.get(key)
                if row is not None and row[:3] == stamp and now - status.st_mtime > _RACY:
                    found = row[3]
                else:
                    found = digest(Path(key).read_bytes())
                    changed.append((key, *stamp, found))
                yield found if values_only else (key, found)
            self.put(changed)

    def of(self, paths: list[str]) -> dict[str, tuple[int, int, int, str]]:
        """The stamps and hashes known of some files."""
        db = self.cache._connection()
        if db is None:
            return {}
        try:
            if paths and all(a < b for a, b in pairwise(paths)):  # the edition's files: a range
                rows = db.execute(
                    "SELECT path, size, mtime, inode, digest FROM stamps"
                    " WHERE grp = ? AND path BETWEEN ? AND ?",
                    (self.group, paths[0], paths[-1]),
                ).fetchall()
            else:
                rows = db.execute(
                    "SELECT path, size, mtime, inode, digest FROM stamps"
                    " WHERE grp = ? AND path IN (SELECT value FROM json_each(?))",
                    (self.group, orjson.dumps(paths).decode()),
                ).fetchall()
        except sqlite3.OperationalError:
            self.cache._give_up()
            return {}
        # (A range may hold files not asked about: they are not looked up.)
        return {path: (size, mtime, inode, found) for path, size, mtime, inode, found in rows}

    def put(self, rows: list[tuple[str, int, int, int, str]]) -> None:
        db = self.cache._connection()
        if db is None or not rows:
            return
        try:
            db.executemany(
                "INSERT OR REPLACE INTO stamps VALUES (?, ?, ?, ?, ?, ?)",
                ((self.group, *row) for row in rows),
            )
        except sqlite3.OperationalError:
            self.cache._give_up()

    def keep_only(self, count: int, paths: Iterable[str] | Callable[[], Iterable[str]]) -> None:
        """Forget the files not among ``paths`` (``count`` of them, each of which has a row;
        a function that gives them): looked for only when the group has more rows."""
        db = self.cache._connection()
        if db is None:
            return
        try:
            query = "SELECT COUNT(*) FROM stamps WHERE grp = ?"
            if db.execute(query, (self.group,)).fetchone()[0] == count:
                return
            db.execute("CREATE TEMP TABLE IF NOT EXISTS present (path TEXT PRIMARY KEY)")
            db.execute("DELETE FROM temp.present")
            listed = paths() if callable(paths) else paths
            db.executemany("INSERT OR IGNORE INTO temp.present VALUES (?)", ((p,) for p in listed))
            db.execute(
                "DELETE FROM stamps WHERE grp = ? AND path NOT IN (SELECT path FROM temp.present)",
                (self.group,),
            )
            db.execute("DELETE FROM temp.present")
        except sqlite3.OperationalError:
            self.cache._give_up()
