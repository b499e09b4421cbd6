"""What the last build made, in SQLite (``.edition-cache/site.sqlite``), read one job at a time.

One row per render job (its key, the content hash of each file it wrote, one hash of its
HTML pages, and what its scan found: the source's hash, its documents and the persons it
lists), one per document (its summary, see ``catalogue``), the edition-wide files with
their hashes, the fingerprints of the edition-wide pages (and whether the search index
reads them), and a few values. A rebuild looks up each job by its file and never loads
the whole edition's state. A build that renders every file writes the new state into a
new file, put in place with the site by a rename; one that renders a few changed files
alone updates the last state in place, in one transaction that commits with the site
(``NewState``'s ``in_place``; see ``writer``), instead of copying the whole file first
(114 MB at 25,000 documents). States are in WAL mode, so the last build's state reads
the same until that commit. SQLite, not pickle: a state that came with a cloned project
cannot run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

from edition.cache import FORMAT, bound_page_cache, tool_digest
from edition.packed import PackedHashes

if TYPE_CHECKING:
    from edition.site.catalogue import Catalogue

_TABLES = """
CREATE TABLE jobs (
    shown TEXT PRIMARY KEY, key TEXT NOT NULL, record BLOB NOT NULL, pages TEXT NOT NULL,
    source TEXT NOT NULL, pieces TEXT NOT NULL, embedded TEXT NOT NULL
);
CREATE TABLE files (path TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE pages (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, searched INTEGER NOT NULL);
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE VIEW searched_wide AS
    SELECT files.path, files.digest FROM files JOIN pages USING (path) WHERE pages.searched;
"""

#: The meta value a state updated in place holds from its commit until the site's files
#: are in place: the mark of the build's journal (see ``writer``). A state that holds
#: one without that journal describes a site that is not all there: it is not used.
_COMMITTING = "committing"
#: The meta values that say what a build was made from: a hash of its documents' shown
#: paths, and their content hashes in order (``PackedHashes.as_held``).
_SOURCES = ("sources-layout", "sources-kinds", "sources-hashes")


class ChangedJob(NamedTuple):
    """A job of the last build whose source changed since (or that reported something)."""

    #: Its file's index in this build's list of files.
    file_number: int
    key: str
    #: JSON: the content hash of each file it wrote (``{"digests": …}``).
    record: bytes
    #: JSON: its documents in file order, each ``[id in the file, title, date, final id]``.
    pieces: str
    #: A hash of the persons its file lists itself ('' for none).
    embedded: str


class PreviousState:
    """The state of the site as last built; empty when absent, damaged or from another tool."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        if path is None or not path.is_file():
            return
        try:
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
            bound_page_cache(db)
            found = dict(db.execute("SELECT name, value FROM meta").fetchall())
        except sqlite3.Error:
            return
        if (
            found.get("format") != str(FORMAT)
            or found.get("tool") != tool_digest()
            or found.get(_COMMITTING)
        ):
            db.close()
            return
        self._db = db

    @property
    def known(self) -> bool:
        """Whether there is a usable description of the site."""
        return self._db is not None

    @property
    def updatable(self) -> bool:
        """Whether a build may update this state in place (``NewState``'s ``in_place``): it
        is in WAL mode, so that it reads the same until that build's commit (a file
        system that refused WAL leaves it in another mode: every build writes a new one)."""
        rows = self._query("PRAGMA journal_mode")
        return bool(rows) and str(rows[0][0]).lower() == "wal"

    def jobs_of(self, shown: list[str]) -> dict[str, tuple[str, bytes, str]]:
        """Some render jobs' keys, records (JSON) and hashes of their HTML pages, by file,
        in one query."""
        rows = self._query(
            "SELECT shown, key, record, pages FROM jobs"
            " WHERE shown IN (SELECT value FROM json_each(?))",
            shown,
        )
        return {job: (key, record, pages) for job, key, record, pages in rows}

    def places_of(self, shown: list[str]) -> list[tuple[int, str]]:
        """The place and id of some render jobs' documents, in one query."""
        return self._query(
            "SELECT position, id FROM documents WHERE job IN (SELECT value FROM json_each(?))",
            shown,
        )

    def changed_jobs(
        self, layout: bytes, contents: PackedHashes, folder: str, names: Sequence[str]
    ) -> list[ChangedJob] | None:
        """The jobs whose source is not this build's, or that reported something (their key
        is ''), given this build's files: the hash of their shown paths (``layout``), their
        content hashes, and their shown paths as ``folder`` and their ``names`` (sorted).
        None: the files are not the last build's (one was added, removed or renamed).

        Found by comparing the content hashes the last build was made from (``set_sources``)
        with this build's, as they are held; then the changed jobs' rows, in one query.
        """
        rows = self._query("SELECT name, value FROM meta WHERE name IN (?, ?, ?)", *_SOURCES)
        stored = dict(rows)
        kinds, hashes = stored.get(_SOURCES[1]), stored.get(_SOURCES[2])
        if stored.get(_SOURCES[0]) != layout or not isinstance(kinds, bytes):
            return None
        last = PackedHashes.held(kinds, hashes) if isinstance(hashes, bytes) else None
        places = contents.differing(last) if last is not None else None
        if places is None:
            return None
        changed = {folder + names[n]: n for n in places}
        for (shown,) in self._query("SELECT shown FROM jobs WHERE key = ''"):
            name = shown[len(folder) :] if shown.startswith(folder) else ""
            place = bisect_left(names, name)
            if place == len(names) or names[place] != name:
                return None
            changed[shown] = place
        try:
            rows = self._query(
                "SELECT shown, key, record, pieces, embedded FROM jobs"
                " WHERE shown IN (SELECT value FROM json_each(?))",
                list(changed),
            )
        except TypeError:  # a path JSON cannot take (a lone surrogate)
            return None
        if len(rows) != len(changed):
            return None
        found = [ChangedJob(changed[shown], *rest) for shown, *rest in rows]
        return sorted(found, key=lambda job: job.file_number)

    def neighbours(self, places: list[int]) -> dict[int, tuple[str, str]]:
        """The slug and title (as the pager shows them) of the documents at some places."""
        rows = self._query(
            "SELECT d.position, d.slug, d.id, j.pieces FROM documents AS d"
            " JOIN jobs AS j ON j.shown = d.job"
            " WHERE d.position IN (SELECT value FROM json_each(?))",
            places,
        )
        found: dict[int, tuple[str, str]] = {}
        for place, slug, ident, pieces in rows:
            try:
                titles = [str(piece[1]) for piece in orjson.loads(pieces) if piece[3] == ident]
            except (orjson.JSONDecodeError, IndexError, TypeError):
                continue  # a damaged row: not found
            if titles:
                found[place] = (slug, titles[0])
        return found

    def files(self) -> dict[str, str]:
        """The edition-wide files and their content hashes."""
        return dict(self._query("SELECT path, digest FROM files"))

    def pages(self) -> dict[str, tuple[str, bool]]:
        """The fingerprints of the edition-wide pages, and whether each is searched (it
        carries ``data-pagefind-body``)."""
        rows = self._query("SELECT path, fingerprint, searched FROM pages")
        return {path: (fingerprint, bool(searched)) for path, fingerprint, searched in rows}

    def value(self, name: str) -> str:
        row = self._query("SELECT value FROM meta WHERE name = ?", name)
        return str(row[0][0]) if row else ""

    def searched_pages(self) -> Iterator[tuple[str, str]]:
        """Each page of the search index: its path in the site and content hash, by path."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                yield from _searched_pages(self._db)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _query(self, sql: str, *arguments: str | list[str] | list[int]) -> list[Any]:
        """Rows of a query; a list argument goes as one JSON array (read with ``json_each``)."""
        if self._db is None:
            return []
        values = [orjson.dumps(a).decode() if isinstance(a, list) else a for a in arguments]
        try:
            return self._db.execute(sql, values).fetchall()
        except sqlite3.Error:
            return []


class NewState:
    """The state a build writes as it goes: a new file, or the last one updated in place."""

    def __init__(self, path: Path, *, in_place: bool = False) -> None:
        """An empty state in a new file, or the last build's state (``in_place``) for a
        build that renders some jobs again and keeps the rest where they are (``job``
        replaces a job's row, ``Catalogue.replace`` its documents), in one transaction
        that ``commit_marked`` commits or ``discard`` rolls back. The edition-wide files
        and pages are always this build's own."""
        # Imported here: writing a state renders list rows; reading one (``recover``, in
        # a build with nothing to do) needs none of that code.
        from edition.site.catalogue import TABLES as CATALOGUE_TABLES
        from edition.site.catalogue import Catalogue

        self.path = path
        self.in_place = in_place
        if in_place:
            # No implicit transactions: the one begun here holds every change until the commit.
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode = WAL")  # the last state reads the same till then
            self._db.execute("PRAGMA synchronous = NORMAL")
            bound_page_cache(self._db)
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM files")
            self._db.execute("DELETE FROM pages")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
            self._db = sqlite3.connect(path)
            self._db.execute("PRAGMA journal_mode = OFF")  # a new file: all or nothing by rename
            self._db.execute("PRAGMA synchronous = OFF")
            bound_page_cache(self._db)
            self._db.executescript(_TABLES + CATALOGUE_TABLES)
        #: The documents of this build, as they are rendered.
        self.catalogue: Catalogue = Catalogue(self._db, ranked=in_place)
        self.set("format", str(FORMAT))
        self.set("tool", tool_digest())

    def job(
        self, shown: str, key: str, record: bytes, pages: str, scanned: tuple[str, str, str]
    ) -> None:
        """A job's row: its key, files, HTML pages' hash, and what its scan found (the source's
        hash, its documents as ``ChangedJob.pieces``, the hash of the persons it lists)."""
        self._db.execute(
            "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?)",
            (shown, key, record, pages, *scanned),
        )

    def keep_jobs(self, shown: list[str]) -> None:
        """Note render jobs of the last build that this one reuses as they are (``carry_over``
        copies them)."""
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS kept_jobs (shown TEXT PRIMARY KEY)")
        self._db.executemany("INSERT INTO temp.kept_jobs VALUES (?)", ((s,) for s in shown))

    def files(self, files: dict[str, str]) -> None:
        self._db.executemany("INSERT INTO files VALUES (?, ?)", files.items())

    def pages(self, pages: dict[str, tuple[str, bool]]) -> None:
        rows = ((path, fingerprint, searched) for path, (fingerprint, searched) in pages.items())
        self._db.executemany("INSERT INTO pages VALUES (?, ?, ?)", rows)

    def set(self, name: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def set_sources(self, layout: bytes, contents: PackedHashes) -> None:
        """Say what the build was made from: a hash of its documents' shown paths and their
        content hashes (``PreviousState.changed_jobs`` compares them with the next
        build's). Written as they are held, not copied."""
        held = contents.as_held()
        values = (layout, *held) if held is not None else (b"", b"", b"")
        self._db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", zip(_SOURCES, values, strict=True)
        )

    def searched_pages(self) -> Iterator[tuple[str, str]]:
        """Each page of the search index: its path in the site and content hash, by path."""
        return _searched_pages(self._db)

    def carry_over(self, previous: PreviousState) -> list[str]:
        """Copy what this build keeps of the last one's state: the documents the catalogue
        ``keep``s and the jobs ``keep_jobs`` noted, row to row in SQL. Returns the files
        of the last build's jobs that this build has none of (their source is gone)."""
        if not previous.known or previous.path is None:
            return []
        if self.in_place:
            raise RuntimeError("a state updated in place carries nothing over")
        db = self._db
        db.commit()  # neither ATTACH nor DETACH runs inside a transaction
        db.execute("ATTACH DATABASE ? AS previous", (f"{previous.path.as_uri()}?mode=ro",))
        try:
            self.catalogue.carry_over("previous")
            if db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'kept_jobs'").fetchone():
                db.execute(
                    "INSERT INTO main.jobs SELECT j.* FROM previous.jobs AS j"
                    " JOIN temp.kept_jobs USING (shown)"
                )
                db.execute("DROP TABLE temp.kept_jobs")
            gone = db.execute(
                "SELECT record FROM previous.jobs WHERE shown NOT IN (SELECT shown FROM main.jobs)"
            )
            return [path for (record,) in gone for path in orjson.loads(record)["digests"]]
        finally:
            db.commit()
            db.execute("DETACH DATABASE previous")

    def searched_digest(self) -> str:
        """One hash of what the search index reads: every job's HTML pages, by file, and
        the edition-wide pages that are searched, with their content."""
        hasher = hashlib.blake2b(digest_size=16, person=b"site-searched")
        rows = self._db.execute(
            "SELECT shown, pages FROM jobs UNION ALL SELECT path, digest FROM searched_wide"
            " ORDER BY 1"
        )
        for name, found in rows:
            hasher.update(f"{name}\0{found}\0".encode("utf-8", "surrogatepass"))
        return hasher.hexdigest()

    def finish(self) -> None:
        """Write a new state to its file and close it (in WAL mode: the next build may
        update it in place)."""
        self._db.commit()
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.close()

    def commit_marked(self, mark: str) -> None:
        """Commit a state updated in place, marked as committing with the build's journal
        (``mark``) until ``clear_mark``, and close it."""
        self.set(_COMMITTING, mark)
        self._db.execute("COMMIT")
        self._db.close()

    def discard(self) -> None:
        """Throw this build's state away: the last one stays as it was."""
        with contextlib.suppress(sqlite3.Error):
            if self.in_place:
                self._db.execute("ROLLBACK")
            self._db.close()
        if not self.in_place:
            self.path.unlink(missing_ok=True)


def _searched_pages(db: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """The pages of the search index, by path: the document pages the jobs wrote
    (``documents/<slug>/index.html``, read from their records in SQL) and the
    edition-wide pages whose template marks them for it."""
    yield from db.execute(
        "SELECT d.key, d.value FROM jobs, json_each(CAST(jobs.record AS TEXT), '$.digests') AS d"
        " WHERE d.key GLOB 'documents/*/index.html'"
        " UNION ALL SELECT path, digest FROM searched_wide ORDER BY 1"
    )


def committing_mark(path: Path) -> str:
    """The journal mark a state updated in place holds while its site's files move in
    ('' for none, or no readable state)."""
    if not path.is_file():
        return ""
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            row = db.execute("SELECT value FROM meta WHERE name = ?", (_COMMITTING,)).fetchone()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row else ""


def clear_mark(path: Path) -> None:
    """The site's files are in place: the state describes it (``commit_marked``)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("DELETE FROM meta WHERE name = ?", (_COMMITTING,))
        db.commit()


def remove_state(path: Path) -> None:
    """Delete a state file with its WAL files (before another is renamed to its name:
    a WAL left beside it would be read as the new file's)."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)


def set_value(path: Path, name: str, value: str) -> None:
    """Change one value of a state that is in place (the search key after re-indexing)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
        db.commit()
