"""The edition's documents while a build orders them: in a temporary SQLite table, not in memory.

The scan gives each file's documents (their ids as the file gives them, titles and
dates) in the files' order; ``Order.add`` makes each id unique across the edition
as it comes (the first document keeps its id, later ones get ``-2``, ``-3`` …) and
``rank`` puts the documents in the edition's order (date, then id; undated last).
The render step then reads the documents of a few files at a time, each with its
place and its pager neighbours (``of_files``). The table lives in a private
temporary database, which SQLite keeps on disk past a bounded page cache: what a
build holds of its documents does not grow with the edition.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from edition.cache import bound_page_cache
from edition.fsutil import safe_name
from edition.site import pages
from edition.site.documents import Neighbour

_TABLE = """
CREATE TABLE entries (
    n INTEGER PRIMARY KEY,        -- the order the scan gave: files in order, then file order
    file INTEGER NOT NULL,        -- the file's index in the build's list of files
    found TEXT NOT NULL,          -- its id as its file gives it
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    id TEXT NOT NULL,             -- made unique across the edition
    slug TEXT NOT NULL UNIQUE,    -- the id made safe for a file name
    place INTEGER                 -- its index in the edition's order (``rank``)
);
CREATE INDEX entries_file ON entries (file);
"""


@dataclass(slots=True)
class Placed:
    """One document as the render step needs it: its ids, place and pager neighbours."""

    found: str
    title: str
    date: str
    id: str
    place: int
    previous: Neighbour | None
    next: Neighbour | None

    @property
    def piece(self) -> list[str]:
        """What a job's row keeps of it (``ChangedJob.pieces``)."""
        return [self.found, self.title, self.date, self.id]


class Order:
    """The documents of one build, made unique and ranked in a temporary table."""

    def __init__(self, edition_slug: str) -> None:
        #: The slug no document may take: the edition's own (the root DTS collection's file).
        self._edition_slug = edition_slug
        self._count = 0
        #: Made with the first document: a build that renders changed files alone has none.
        self._opened: sqlite3.Connection | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        if self._opened is None:
            self._opened = sqlite3.connect("")  # private and temporary: gone when closed
            bound_page_cache(self._opened)
            self._opened.executescript(_TABLE)
        return self._opened

    def add(self, file: int, pieces: Iterable[tuple[str, str, str]]) -> None:
        """A file's documents (id as found, title, date), after every earlier file's."""
        db = self._db
        for found, title, date in pieces:
            ident, number = found, 2
            while True:
                slug = safe_name(ident, "document")
                if slug != self._edition_slug and not pages.is_list_slug(slug):
                    try:  # the slug's UNIQUE constraint says whether an earlier document has it
                        db.execute(
                            "INSERT INTO entries (file, found, title, date, id, slug)"
                            " VALUES (?, ?, ?, ?, ?, ?)",
                            (file, found, title, date, ident, ident if slug == ident else slug),
                        )
                        break
                    except sqlite3.IntegrityError:
                        pass
                ident = f"{found}-{number}"
                number += 1
            self._count += 1

    def __len__(self) -> int:
        return self._count

    def rank(self) -> None:
        """Give each document its place: by date (undated last), then by id."""
        self._db.execute(
            "UPDATE entries SET place = ranked.place FROM ("
            " SELECT n, ROW_NUMBER() OVER ("
            "  ORDER BY CASE date WHEN '' THEN '9999' ELSE date END, id) - 1 AS place"
            " FROM entries) AS ranked WHERE entries.n = ranked.n"
        )
        self._db.execute("CREATE UNIQUE INDEX entries_place ON entries (place)")

    def of_files(self, first: int, end: int) -> Iterator[tuple[int, list[Placed]]]:
        """The documents of the files numbered ``first`` to ``end`` (excluded), by file, in
        file order, with their places and pager neighbours (``rank`` first)."""
        rows = self._db.execute(
            "SELECT e.file, e.found, e.title, e.date, e.id, e.place,"
            " before.slug, before.title, after.slug, after.title"
            " FROM entries AS e"
            " LEFT JOIN entries AS before ON before.place = e.place - 1"
            " LEFT JOIN entries AS after ON after.place = e.place + 1"
            " WHERE e.file >= ? AND e.file < ? ORDER BY e.n",
            (first, end),
        )
        current, placed = -1, list[Placed]()
        for file, found, title, date, ident, place, *around in rows:
            if file != current and placed:
                yield current, placed
                placed = []
            current = file
            before = Neighbour(around[0], around[1]) if around[0] is not None else None
            after = Neighbour(around[2], around[3]) if around[2] is not None else None
            placed.append(Placed(found, title, date, ident, place, before, after))
        if placed:
            yield current, placed

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()
