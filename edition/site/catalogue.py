"""The documents of a build, in SQLite: stored as they are rendered, read back one at a time.

Edition-wide pages (lists, registers, the method page, feeds, the sitemap) are
made from every document's ``DocumentSummary``. Holding them all would make a
build's memory grow with the edition, so each summary goes into the build's
state file as soon as it is known, and the pages read them back as lazy
sequences (``DocumentList``, ``MentionList``): ``len``, slicing and iteration
are queries, and only one summary at a time is decoded. Sort keys are columns
computed in Python (``str.lower``), so SQL orders exactly as ``sorted`` did.

What the pages need of all documents together and is small (the signs used,
the filter values, the fallbacks) is read from the summaries' JSON in SQL once
they are all in. Each output's record of each document (what the feed and the
DTS collection are made of) is a row of its own, read without the summary. A
rebuild copies the unchanged documents' rows from the last build's catalogue in
SQL (``carry_over``), without decoding them; hashes of many rows (a list page's
fingerprint, ``content_digest``, ``output_digest``) are concatenated in SQL too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple, overload

import orjson
from markupsafe import Markup, escape

from edition.cache import digest, digest_of
from edition.render.behaviours import Mention
from edition.site.documents import DocumentSummary
from edition.site.metadata import year_of
from edition.site.pages import page_count
from edition.site.templates import ROW_ROOT

TABLES = """
CREATE TABLE documents (
    position INTEGER PRIMARY KEY, job TEXT NOT NULL, id TEXT NOT NULL, slug TEXT NOT NULL,
    title TEXT NOT NULL, date TEXT NOT NULL, digest TEXT NOT NULL, data BLOB NOT NULL,
    by_title TEXT NOT NULL, by_kind TEXT NOT NULL, by_archive TEXT NOT NULL,
    by_classification TEXT NOT NULL, by_date TEXT NOT NULL, row TEXT NOT NULL
);
CREATE INDEX documents_by_job ON documents (job);
CREATE TABLE mentions (
    entity TEXT NOT NULL, position INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (entity, position, seq)
) WITHOUT ROWID;
CREATE INDEX mentions_by_position ON mentions (position);
CREATE TABLE methods (
    paragraph TEXT NOT NULL, position INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (paragraph, position, seq)
) WITHOUT ROWID;
CREATE TABLE records (
    output TEXT NOT NULL, position INTEGER NOT NULL, record TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (output, position)
);
CREATE TABLE hashes (name TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE windows (
    ranks TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (ranks, low, high)
) WITHOUT ROWID;
CREATE TABLE mention_pages (
    entity TEXT NOT NULL, size INTEGER NOT NULL, number INTEGER NOT NULL,
    after_position INTEGER NOT NULL, after_seq INTEGER NOT NULL,
    last_position INTEGER NOT NULL, last_seq INTEGER NOT NULL,
    count INTEGER NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (entity, size, number)
) WITHOUT ROWID;
"""
# ``hashes``, ``windows`` and ``mention_pages`` keep the hashes of many rows
# (``content_digest``, ``output_digest``, a list window's ``digest``, a page of an entity's
# mentions with where it ends) as they were made: a catalogue updated in place keeps
# those that none of the documents ``replace``d since is part of.
# ``mentions_by_position``: a rebuild finds and deletes a replaced document's mentions by
# its place (without it, each was a scan of every mention: 0.1 s at 500,000 mentions).
# ``records`` has rowids: its rows are large (a DTS record is about 1 KB), which a table
# without them stores in its index's pages (copying them took half as long again).

#: The orders of the documents list (``pages.SORTS``) as SQL: empty values last, then date, id.
_ORDERS = {
    "edition": "position",
    "newest": "date DESC, id DESC",
    **{
        key: f"by_{key} = '', by_{key}, date, id"
        for key in ("title", "kind", "archive", "classification", "date")
    },
}


#: What ``Catalogue.replace`` compares of a job's documents before and after, in one query:
#: what places them in the orders (``_SORTED``), what ``Totals.of`` reads (``_TOTALLED``)
#: and what the kept hashes are made of (``_HASHED``: the summary's hash, what an output
#: lists of the document, its records' hashes), each after the document's place.
_OF_JOB = (
    "SELECT d.position, d.id, d.date, d.by_title, d.by_kind, d.by_archive,"
    " d.by_classification, d.by_date, json_extract(d.data, '$.used'),"
    " json_extract(d.data, '$.meta.kind'), json_extract(d.data, '$.meta.classification'),"
    " json_extract(d.data, '$.meta.date'), json_extract(d.data, '$.fallbacks'),"
    " json_extract(d.data, '$.shown'), json_extract(d.data, '$.refused'), d.digest,"
    " json_array(d.id, d.slug, d.title, d.date), (SELECT json_group_object(r.output,"
    " r.digest) FROM records AS r WHERE r.position = d.position)"
    " FROM documents AS d WHERE d.job = ? ORDER BY d.position"
)
_SORTED, _TOTALLED, _HASHED = slice(1, 8), slice(8, 15), slice(15, 18)
#: The entities that the documents at some places (a JSON array) name, with the place.
_NAMED_AT = (
    "SELECT DISTINCT entity, position FROM mentions"
    " WHERE position IN (SELECT value FROM json_each(?))"
)


def _columns(rows: list[Any], part: slice) -> list[tuple[Any, ...]]:
    """Each row's place and one part of its ``_OF_JOB`` columns."""
    return [(row[0], *row[part]) for row in rows]


def _listed_and_records(row: Any) -> tuple[str, dict[str, str]]:
    """What an output lists of a document (id, slug, title, date), and its records' hashes
    by output."""
    if row is None:
        return "", {}
    return str(row[2]), orjson.loads(row[3] or "{}")


#: More editorial declaration paragraphs than this in one header are not listed.
_MAX_PARAGRAPHS = 1 << 20


def _sort_value(summary: DocumentSummary, key: str) -> str:
    if key == "date":
        return summary.date
    if key == "title":
        return summary.title
    return str(getattr(summary.meta, key, "") or "")


@dataclass
class Totals:
    """What the edition-wide pages need of all documents together (see ``Catalogue.totals``)."""

    used: dict[str, set[str]] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    classifications: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    fallbacks: dict[str, int] = field(default_factory=dict)
    #: Element name → the files that rendered it generically → their first document's place.
    fallback_files: dict[str, dict[str, int]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, db: sqlite3.Connection) -> Totals:
        """The totals of every document of a catalogue, read from the summaries' JSON in SQL."""
        found = cls()
        for key, value in db.execute(_USED):
            values = found.used.setdefault(key, set())
            if value is not None:  # None: a key listed with no values
                values.add(value)
        for kind, classification, date in db.execute(_META):
            if kind:
                found.kinds.add(kind)
            if classification:
                found.classifications.add(classification)
            year = year_of(date or "")
            if year:
                found.years.add(year)
        for name, count, shown, position in db.execute(_FALLBACKS):
            found.fallbacks[name] = found.fallbacks.get(name, 0) + count
            users = found.fallback_files.setdefault(name, {})
            users[shown] = min(users.get(shown, position), position)
        found.refused = [link for (link,) in db.execute(_REFUSED)]
        return found

    def to_data(self) -> dict[str, Any]:
        """The totals as JSON data (``from_data`` reads them back)."""
        return {
            "used": {key: sorted(values) for key, values in self.used.items()},
            "kinds": sorted(self.kinds),
            "classifications": sorted(self.classifications),
            "years": sorted(self.years),
            "fallbacks": self.fallbacks,
            "fallback_files": self.fallback_files,
            "refused": self.refused,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Totals:
        return cls(
            {key: set(values) for key, values in data["used"].items()},
            set(data["kinds"]),
            set(data["classifications"]),
            set(data["years"]),
            dict(data["fallbacks"]),
            {name: dict(users) for name, users in data["fallback_files"].items()},
            list(data["refused"]),
        )

    def users(self, name: str) -> list[str]:
        """The files that rendered an element generically, in the edition's order."""
        found = self.fallback_files.get(name, {})
        return sorted(found, key=lambda shown: found[shown])

    def facets(self) -> dict[str, list[str]]:
        """The values the documents list can be filtered by."""
        return {
            "kind": sorted(self.kinds),
            "classification": sorted(self.classifications),
            "year": sorted(self.years),
        }


_USED = (
    "SELECT DISTINCT u.key, v.value FROM documents AS d"
    " JOIN json_each(d.data, '$.used') AS u LEFT JOIN json_each(u.value) AS v"
)
_META = (
    "SELECT DISTINCT json_extract(data, '$.meta.kind'),"
    " json_extract(data, '$.meta.classification'), json_extract(data, '$.meta.date')"
    " FROM documents"
)
_FALLBACKS = (
    "SELECT f.key, f.value, json_extract(d.data, '$.shown'), d.position FROM documents AS d,"
    " json_each(d.data, '$.fallbacks') AS f ORDER BY d.position"
)
_REFUSED = (
    "SELECT r.value FROM documents AS d, json_each(d.data, '$.refused') AS r"
    " ORDER BY d.position, r.id"
)


class Catalogue:
    """The documents of a build, in the tables of its state file."""

    def __init__(self, db: sqlite3.Connection, ranked: bool = False) -> None:
        """``ranked``: the tables hold a whole catalogue already, its orders ranked (the
        last build's, updated in place)."""
        self.db = db
        #: Whether the orders' ranks are those of the documents in (``index``).
        self._ranked = ranked
        #: Whether the totals are those of the last build's catalogue (``ranked``): no document
        #: ``replace`` put in changed what they are made of.
        self.same_totals = ranked

    @cached_property
    def totals(self) -> Totals:
        """What the pages need of all documents together: read once every document is in
        (or those of an identical catalogue, see ``use_totals``)."""
        return Totals.of(self.db)

    def use_totals(self, totals: Totals) -> None:
        """Take the totals of a catalogue with the same ``content_digest`` (the last build's)."""
        self.__dict__["totals"] = totals

    def content_digest(self) -> str:
        """A hash of every document's file, place and summary (its digest), in the edition's
        order: what every edition-wide page and file is made of, besides what all pages share
        (the row of the documents list is made of the summary). Read in SQL, not decoded."""
        query = (
            "SELECT group_concat(json_array(position, job, digest)) FROM (SELECT position, job,"
            " digest FROM documents WHERE position >= ? AND position < ? ORDER BY position)"
        )
        return self._kept_hash(
            "content", lambda: _hashed_in_sql(self.db, query, (), 0, self._positions())
        )

    def _kept_hash(self, name: str, make: Callable[[], str]) -> str:
        """A hash of many rows kept in ``hashes``: made (and kept) when it is not there."""
        row = self.db.execute("SELECT digest FROM hashes WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return str(row[0])
        found = make()
        self.db.execute("INSERT OR REPLACE INTO hashes VALUES (?, ?)", (name, found))
        return found

    def _positions(self) -> int:
        """One past the last place (places run from 0, one per document)."""
        last = self.db.execute("SELECT MAX(position) FROM documents").fetchone()[0]
        return 0 if last is None else int(last) + 1

    def add(self, position: int, job: str, summary: DocumentSummary) -> None:
        """Store a document's summary at its place in the edition's order."""
        self._ranked = False
        self.db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                position,
                job,
                summary.id,
                summary.slug,
                summary.title,
                summary.date,
                summary.digest,
                summary.to_json(),
                *(
                    _sort_value(summary, key).lower()
                    for key in ("title", "kind", "archive", "classification", "date")
                ),
                summary.row,
            ),
        )
        self.db.executemany(
            "INSERT INTO mentions VALUES (?, ?, ?, ?)",
            ((m.entity, position, seq, orjson.dumps(m)) for seq, m in enumerate(summary.mentions)),
        )
        self.db.executemany(
            "INSERT INTO methods VALUES (?, ?, ?)",
            ((p, position, seq) for seq, p in enumerate(summary.meta.method[:_MAX_PARAGRAPHS])),
        )
        self.db.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?)",
            (
                (name, position, record, digest(record))
                for name, record in (
                    (name, orjson.dumps(r).decode()) for name, r in summary.outputs.items()
                )
            ),
        )

    def replace(self, job: str, documents: Iterable[tuple[int, DocumentSummary]]) -> None:
        """Put a job's documents (place, summary) in place of the ones it had. The orders
        stay ranked when none of its documents moved in any of them."""
        db = self.db
        ranked = self._ranked
        before = db.execute(_OF_JOB, (job,)).fetchall()
        places = orjson.dumps([row[0] for row in before]).decode()
        named = db.execute(_NAMED_AT, (places,)).fetchall()
        for table in ("mentions", "methods", "records"):
            # The names are this function's constants (never input).
            db.execute(
                f"DELETE FROM {table} WHERE position IN (SELECT value FROM json_each(?))",  # noqa: S608
                (places,),
            )
        db.execute("DELETE FROM documents WHERE job = ?", (job,))
        for place, summary in documents:
            self.add(place, job, summary)
        after = db.execute(_OF_JOB, (job,)).fetchall()
        named += db.execute(_NAMED_AT, (orjson.dumps([row[0] for row in after]).decode(),))
        self._ranked = ranked and _columns(after, _SORTED) == _columns(before, _SORTED)
        self.same_totals &= _columns(after, _TOTALLED) == _columns(before, _TOTALLED)
        changed = self._forget_hashes(_columns(before, _HASHED), _columns(after, _HASHED))
        # The pages of an entity's mentions that a changed document is on (they begin at
        # or before its place and end at or after it), and a last page not full that its
        # mentions may come onto. The pages after them are kept: each is taken only if it
        # still begins after the same mention (``MentionPage``).
        db.executemany(
            "DELETE FROM mention_pages WHERE entity = ? AND after_position <= ?"
            " AND (last_position >= ? OR size = 0 OR count < size)",
            ((entity, place, place) for entity, place in set(named) if place in changed),
        )

    def _forget_hashes(self, before: list[Any], after: list[Any]) -> set[int]:
        """Drop the kept hashes that the documents replaced are part of (``before``,
        ``after``: their ``_HASHED`` columns); every window's if the orders are to be
        ranked anew. The places whose summary changed (or that came or went)."""
        db = self.db
        if not self._ranked:
            db.execute("DELETE FROM windows")
        if before == after:
            return set()
        then = {row[0]: row for row in before}
        now = {row[0]: row for row in after}
        changed = sorted(p for p in then.keys() | now.keys() if then.get(p) != now.get(p))
        summaries = [p for p in changed if p not in then or p not in now or then[p][1] != now[p][1]]
        if summaries:
            db.execute("DELETE FROM hashes WHERE name = 'content'")
        outputs: set[str] = set()
        for place in changed:
            listed_then, records_then = _listed_and_records(then.get(place))
            listed_now, records_now = _listed_and_records(now.get(place))
            for name in records_then.keys() | records_now.keys():
                if listed_then != listed_now or records_then.get(name) != records_now.get(name):
                    outputs.add(name)
        db.executemany("DELETE FROM hashes WHERE name = ?", ((f"output:{n}",) for n in outputs))
        if not self._ranked or not summaries:
            return set(summaries)
        places = orjson.dumps(summaries).decode()
        for order in _ORDERS:
            # The table names are this module's constants (never input).
            db.execute(
                "DELETE FROM windows WHERE ranks = ? AND EXISTS (SELECT 1 FROM"  # noqa: S608
                f" order_{order} AS o WHERE o.position IN (SELECT value FROM json_each(?))"
                " AND o.rank >= windows.low AND o.rank < windows.high)",
                (f"order_{order}", places),
            )
        return set(summaries)

    def keep(self, moved: Iterable[tuple[int, int]]) -> None:
        """Note documents of the last build to carry over: (place there, place here)."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS moved (old INTEGER PRIMARY KEY, new INTEGER)")
        db.executemany("INSERT INTO temp.moved VALUES (?, ?)", moved)

    def carry_over(self, previous: str) -> None:
        """Copy the documents ``keep`` noted from the last build's catalogue, unchanged.

        ``previous`` is the schema the last build's state is attached as. The rows go
        from table to table in SQL, in one pass each: no summary is decoded.
        """
        db = self.db
        self._ranked = False
        db.execute("DELETE FROM mention_pages")  # the places they hold are gone
        if (
            db.execute("SELECT name FROM temp.sqlite_master WHERE name = 'moved'").fetchone()
            is None
        ):
            return
        info = db.execute("PRAGMA main.table_info(documents)")
        copied = ", ".join(f"d.{row[1]}" for row in info if row[1] != "position")
        # The schema name is the caller's constant (never input): it cannot be a parameter.
        db.execute(
            f"INSERT INTO documents SELECT m.new, {copied} "  # noqa: S608
            f"FROM {previous}.documents AS d JOIN temp.moved AS m ON m.old = d.position"
        )
        db.execute(
            "INSERT INTO mentions SELECT x.entity, m.new, x.seq, x.data "  # noqa: S608
            f"FROM {previous}.mentions AS x JOIN temp.moved AS m ON m.old = x.position"
        )
        db.execute(
            "INSERT INTO methods SELECT x.paragraph, m.new, x.seq "  # noqa: S608
            f"FROM {previous}.methods AS x JOIN temp.moved AS m ON m.old = x.position"
        )
        db.execute(
            "INSERT INTO records SELECT x.output, m.new, x.record, x.digest "  # noqa: S608
            f"FROM {previous}.records AS x JOIN temp.moved AS m ON m.old = x.position"
        )
        db.execute("DROP TABLE temp.moved")

    def index(self) -> None:
        """Rank every order once all documents are in (a table of its own: rank → position,
        ranks from 1), so that a page of a list starts at its rank instead of stepping over
        the ranks before it (``LIMIT … OFFSET`` is quadratic over a list's pages).
        ``documents`` does it first when documents came in since."""
        self.db.execute("DELETE FROM windows")  # their ranks are gone
        for name, order in _ORDERS.items():
            table = f"order_{name}"
            # Names and orders are this module's constants (never input). The rows go in
            # sorted, so each one's rowid is its rank (as fast as indexing the order).
            self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.execute(
                f"CREATE TABLE {table} (rank INTEGER PRIMARY KEY, position INTEGER NOT NULL)"
            )
            self.db.execute(
                f"INSERT INTO {table} (position) "  # noqa: S608
                f"SELECT position FROM documents ORDER BY {order}"
            )
        self.db.execute("CREATE INDEX IF NOT EXISTS documents_slugs ON documents (slug || '/')")
        self._ranked = True

    def documents(self, order: str = "edition", offset: int = 0, limit: int = -1) -> DocumentList:
        """The documents in the edition's order or a list's (``pages.SORTS`` keys, ``newest``).

        ``offset`` and ``limit`` (-1: to the end) cut out one page of that order.
        """
        if order not in _ORDERS:
            raise KeyError(order)
        if not self._ranked:  # documents came in since: rank them first
            self.index()
        return DocumentList(self.db, f"order_{order}", offset, limit)

    def mentions(self, entity: str, per_page: int = 0) -> MentionList:
        """Every (document, mention) naming an entity, in the edition's order, in pages of
        ``per_page`` (0: one page)."""
        return MentionList(self.db, entity, per_page)

    def methods(self) -> list[tuple[str, TitleList]]:
        """Each distinct editorial declaration with the titles of its documents, in first use."""
        rows = self.db.execute(
            "SELECT paragraph FROM methods GROUP BY paragraph ORDER BY MIN(position * ? + seq)",
            (_MAX_PARAGRAPHS,),
        )
        return [(paragraph, TitleList(self.db, paragraph)) for (paragraph,) in rows]

    def slugs(self) -> Iterator[str]:
        """Every document's slug, in the order of their pages' paths (``slug/``)."""
        for (slug,) in self.db.execute("SELECT slug FROM documents ORDER BY slug || '/'"):
            yield slug

    def output_digest(self, name: str) -> str:
        """A hash of what an output's edition-wide files are made of: each document's id,
        slug, title, date and record of that output (``doc.outputs[name]``, by its hash), in
        the edition's order. Read in SQL: no summary is decoded, no record read whole."""
        query = (
            "SELECT group_concat(json_array(position, id, slug, title, date, digest)) FROM"
            " (SELECT d.position, d.id, d.slug, d.title, d.date, r.digest FROM documents AS d"
            " LEFT JOIN records AS r ON r.output = ? AND r.position = d.position"
            " WHERE d.position >= ? AND d.position < ? ORDER BY d.position)"
        )
        return self._kept_hash(
            f"output:{name}", lambda: _hashed_in_sql(self.db, query, (name,), 0, self._positions())
        )

    def count(self, having: str = "") -> int:
        """How many documents there are (``having``: with a record of that output)."""
        if not having:
            return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        query = "SELECT COUNT(*) FROM records WHERE output = ? AND record <> 'null'"
        return int(self.db.execute(query, (having,)).fetchone()[0])


class OutputRecord(NamedTuple):
    """A document's record of one output, and what names and links it."""

    id: str
    slug: str
    title: str
    #: ``DocumentSummary.outputs[name]`` (None: the document has none).
    record: Any


class Lazy(Sequence[Any]):
    """A sequence read from the catalogue by a query; ``digest`` stands for its whole content."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def rows(self, limit: int = -1, offset: int = 0) -> Iterator[Any]:
        raise NotImplementedError

    def total(self) -> int:
        raise NotImplementedError

    def digests(self) -> Iterator[str]:
        raise NotImplementedError

    @cached_property
    def length(self) -> int:
        return self.total()

    @cached_property
    def digest(self) -> str:
        return digest_of(self.digests())

    def __len__(self) -> int:
        return self.length

    def __iter__(self) -> Iterator[Any]:
        return self.rows()

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return list(self.rows(stop - start, start))[::step]
            return list(self.rows(max(stop - start, 0), start))
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return next(self.rows(1, position))


class DocumentList(Lazy):
    """Document summaries in one order, all of them or a window (one page of a list)."""

    def __init__(
        self, db: sqlite3.Connection, ranks: str, offset: int = 0, limit: int = -1
    ) -> None:
        super().__init__(db)
        #: The table ranking the documents in this order (``Catalogue.index``).
        self.ranks, self.offset, self.limit = ranks, offset, limit

    def _select(
        self, columns: str, limit: int = -1, offset: int = 0, *parameters: str
    ) -> sqlite3.Cursor:
        """``columns`` of the documents in this order, from ``offset`` inside the window
        (``parameters``: those of ``columns``)."""
        if self.limit >= 0:
            room = max(self.limit - offset, 0)
            limit = room if limit < 0 else min(limit, room)
        # The table is one of ``Catalogue.index``'s (never input): it cannot be a parameter.
        query = (
            f"SELECT {columns} FROM {self.ranks} AS o JOIN documents USING (position) "  # noqa: S608
            "WHERE o.rank > ? ORDER BY o.rank LIMIT ?"
        )
        return self.db.execute(query, (*parameters, self.offset + offset, limit))

    def rows(self, limit: int = -1, offset: int = 0) -> Iterator[DocumentSummary]:
        for data, hashed in self._select("data, digest", limit, offset):
            yield DocumentSummary.from_data(orjson.loads(data), digest=hashed)

    def records(self, output: str) -> Iterator[OutputRecord]:
        """Each document's record of an output (``DocumentSummary.outputs``), with its id,
        slug and title: what the output's edition-wide files are made of, no summary decoded."""
        columns = (
            "id, slug, title, (SELECT r.record FROM records AS r"
            " WHERE r.output = ? AND r.position = documents.position)"
        )
        for ident, slug, title, record in self._select(columns, -1, 0, output):
            yield OutputRecord(ident, slug, title, orjson.loads(record) if record else None)

    def html_rows(self, root: str) -> Iterator[Markup]:
        """The documents' list rows (``DocumentSummary.row``), linking from ``root``.

        Only the rows are read, not the summaries: a list page is their concatenation.
        """
        at = str(escape(root))
        for (row,) in self._select("row"):
            yield Markup(row.replace(ROW_ROOT, at))  # noqa: S704 (rendered escaped)

    def total(self) -> int:
        everything = int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        after = max(everything - self.offset, 0)
        return after if self.limit < 0 else min(after, self.limit)

    def digests(self) -> Iterator[str]:
        for (hashed,) in self._select("digest"):
            yield hashed

    @cached_property
    def digest(self) -> str:
        """A hash of the window's summaries with their ranks, concatenated in SQL (a list
        page's fingerprint: reading its digests one by one cost more than the page), kept
        in ``windows`` until a document in it is replaced or the orders are ranked anew."""
        everything = int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        stop = everything if self.limit < 0 else min(everything, self.offset + self.limit)
        # The table is one of ``Catalogue.index``'s (never input): it cannot be a parameter.
        query = (
            "SELECT group_concat(json_array(rank, digest)) FROM (SELECT o.rank AS rank,"  # noqa: S608
            f" d.digest AS digest FROM {self.ranks} AS o JOIN documents AS d USING (position)"
            " WHERE o.rank >= ? AND o.rank < ? ORDER BY o.rank)"
        )
        low, high = self.offset + 1, stop + 1
        window = (self.ranks, low, high)
        query_kept = "SELECT digest FROM windows WHERE ranks = ? AND low = ? AND high = ?"
        row = self.db.execute(query_kept, window).fetchone()
        if row is not None:
            return str(row[0])
        found = _hashed_in_sql(self.db, query, (), low, high)
        self.db.execute("INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?)", (*window, found))
        return found


def _hashed_in_sql(
    db: sqlite3.Connection, query: str, parameters: tuple[str, ...], low: int, high: int
) -> str:
    """A hash of rows that ``query`` concatenates in SQL (``group_concat`` of JSON arrays:
    unambiguous, whatever order the rows are concatenated in), ``_HASHED_ROWS`` keys at a
    time: ``query`` takes ``parameters`` and then a range of keys, ``low ≤ key < high``."""
    return digest_of(
        str(db.execute(query, (*parameters, start, min(start + _HASHED_ROWS, high))).fetchone()[0])
        for start in range(low, high, _HASHED_ROWS)
    )


#: Keys (places, ranks) whose rows one query of ``_hashed_in_sql`` concatenates: a bound on
#: the text it makes. A DTS record is about 1 KB: 4,096 rows a query made strings of 4.5 MB,
#: which raised a full build's peak RSS at 16× the benchmark from 101 to 134 MiB; 256 are
#: as fast.
_HASHED_ROWS = 256


class MentionList(Lazy):
    """The (document, mention) pairs naming one entity, in pages of ``per_page`` (0: one
    page); a document's pairs share its summary. ``digest`` is made of its pages'."""

    _JOIN = "FROM mentions m JOIN documents d ON d.position = m.position WHERE m.entity = ?"
    _COLUMNS = "m.position, m.seq, d.id, d.slug, d.title, d.date, d.digest, m.data"

    def __init__(self, db: sqlite3.Connection, entity: str, per_page: int = 0) -> None:
        super().__init__(db)
        self.entity, self.per_page = entity, per_page

    def rows(self, limit: int = -1, offset: int = 0) -> Iterator[tuple[MentionedDocument, Mention]]:
        query = f"SELECT {self._COLUMNS} {self._JOIN} ORDER BY m.position, m.seq LIMIT ? OFFSET ?"
        return _pairs(self.db, self.db.execute(query, (self.entity, limit, offset)))

    def total(self) -> int:
        query = "SELECT COUNT(*) FROM mentions WHERE entity = ?"  # each has its document
        return int(self.db.execute(query, (self.entity,)).fetchone()[0])

    @cached_property
    def digest(self) -> str:
        return digest_of(page.digest for page in self.pages())

    def pages(self) -> Iterator[MentionPage]:
        """The pairs in pages of ``per_page`` (no mention: one empty page), each after the
        last one's last mention. A page reads its rows only when they are asked for."""
        after = (-1, -1)
        for number in range(1, page_count(len(self), self.per_page) + 1):  # as list_pages
            page = MentionPage(self.db, self.entity, self.per_page, number, after)
            yield page
            after = page.last


class MentionPage(Sequence[tuple["MentionedDocument", Mention]]):
    """One page of an entity's (document, mention) pairs: the ``size`` (0: all) that come
    after the mention ``after`` ((place, seq); (-1, -1) before the first).

    Its hash (``digest``) and where it ends (``last``) are kept in ``mention_pages`` until a
    document on it changes (``Catalogue.replace``), so a page that is the last build's is
    not read at all; its rows are read when a template reads it (by the primary key, from
    ``after``: never an ``OFFSET`` that steps over every page before). Pairs of one document
    share one ``MentionedDocument`` (the entity page groups them by identity).
    """

    _READ = (
        f"SELECT {MentionList._COLUMNS} {MentionList._JOIN} AND (m.position, m.seq) > (?, ?) "
        "ORDER BY m.position, m.seq LIMIT ?"
    )
    _KEPT = (
        "SELECT last_position, last_seq, count, digest FROM mention_pages WHERE entity = ?"
        " AND size = ? AND number = ? AND after_position = ? AND after_seq = ?"
    )

    def __init__(
        self, db: sqlite3.Connection, entity: str, size: int, number: int, after: tuple[int, int]
    ) -> None:
        self.db, self.entity, self.size, self.number, self.after = db, entity, size, number, after
        self._kept = db.execute(self._KEPT, (entity, size, number, *after)).fetchone()

    @cached_property
    def _rows(self) -> list[tuple[Any, ...]]:
        query = (self.entity, *self.after, self.size or -1)
        return self.db.execute(self._READ, query).fetchall()

    @property
    def continues(self) -> bool:
        """Whether its first document's mentions began on the page before."""
        return bool(self._rows) and self._rows[0][0] == self.after[0]

    @property
    def last(self) -> tuple[int, int]:
        """(place, seq) of its last mention (``after`` when it has none)."""
        if self._kept is not None:
            return int(self._kept[0]), int(self._kept[1])
        return (self._rows[-1][0], self._rows[-1][1]) if self._rows else self.after

    @cached_property
    def digest(self) -> str:
        if self._kept is not None:
            return str(self._kept[3])
        rows = self._rows
        found = digest_of(
            [
                "continues" if self.continues else "",
                *(part for *_, hashed, mention in rows for part in (hashed, mention)),
            ]
        )
        self.db.execute(
            "INSERT OR REPLACE INTO mention_pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.entity,
                self.size,
                self.number,
                *self.after,
                *self.last,
                len(rows),
                found,
            ),
        )
        return found

    @cached_property
    def _pairs(self) -> list[tuple[MentionedDocument, Mention]]:
        return list(_pairs(self.db, iter(self._rows)))

    def by_document(self) -> list[tuple[MentionedDocument, list[Mention]]]:
        """Its mentions grouped by document, in order: (document, its mentions on the page)."""
        groups: list[tuple[MentionedDocument, list[Mention]]] = []
        for doc, mention in self._pairs:
            if not groups or groups[-1][0] is not doc:
                groups.append((doc, []))
            groups[-1][1].append(mention)
        return groups

    def __len__(self) -> int:
        return int(self._kept[2]) if self._kept is not None else len(self._rows)

    def __iter__(self) -> Iterator[tuple[MentionedDocument, Mention]]:
        return iter(self._pairs)

    @overload
    def __getitem__(self, index: int) -> tuple[MentionedDocument, Mention]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[MentionedDocument, Mention]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._pairs[index]


def _pairs(
    db: sqlite3.Connection, rows: Iterator[tuple[Any, ...]]
) -> Iterator[tuple[MentionedDocument, Mention]]:
    """(document, mention) of rows of ``MentionList._COLUMNS``; one document per run of its rows."""
    last: MentionedDocument | None = None
    for position, _seq, *columns, mention in rows:
        if last is None or last.position != position:
            last = MentionedDocument(db, position, *columns)
        yield last, Mention(**orjson.loads(mention))


class MentionedDocument:
    """A document as an entity's page lists it: its id, slug, title and date, read from the
    catalogue's columns. Any other field of its summary (``DocumentSummary``) is read
    when a template asks for it, and kept. An entity named in every document lists them
    all on its page, at once: their whole summaries (most of one is its own mentions with
    their contexts: about 90 KiB for a demo document) are not held for that."""

    __slots__ = ("_db", "_summary", "date", "digest", "id", "position", "slug", "title")

    def __init__(
        self,
        db: sqlite3.Connection,
        position: int,
        ident: str,
        slug: str,
        title: str,
        date: str,
        hashed: str,
    ) -> None:
        self._db, self.position = db, position
        self.id, self.slug, self.title, self.date, self.digest = ident, slug, title, date, hashed
        self._summary: DocumentSummary | None = None

    def __eq__(self, other: object) -> bool:
        """Equal to the same document read again (by its summary's hash), as summaries are."""
        if not isinstance(other, MentionedDocument):
            return NotImplemented
        return self._columns() == other._columns()

    def __hash__(self) -> int:
        return hash(self._columns())

    def _columns(self) -> tuple[str, ...]:
        return (self.id, self.slug, self.title, self.date, self.digest)

    def __getattr__(self, name: str) -> Any:
        """A field of the summary that is not a column (only called for those)."""
        if name.startswith("__"):
            raise AttributeError(name)
        if self._summary is None:
            row = self._db.execute(
                "SELECT data FROM documents WHERE position = ?", (self.position,)
            ).fetchone()
            if row is None:
                raise AttributeError(name)
            self._summary = DocumentSummary.from_data(orjson.loads(row[0]), digest=self.digest)
        return getattr(self._summary, name)


class TitleList(Lazy):
    """The titles of the documents that declare one editorial method paragraph."""

    _JOIN = "FROM methods m JOIN documents d ON d.position = m.position WHERE m.paragraph = ?"

    def __init__(self, db: sqlite3.Connection, paragraph: str) -> None:
        super().__init__(db)
        self.paragraph = paragraph

    def rows(self, limit: int = -1, offset: int = 0) -> Iterator[str]:
        query = f"SELECT d.title {self._JOIN} ORDER BY m.position, m.seq LIMIT ? OFFSET ?"
        for (title,) in self.db.execute(query, (self.paragraph, limit, offset)):
            yield title

    def total(self) -> int:
        query = f"SELECT COUNT(*) {self._JOIN}"
        return int(self.db.execute(query, (self.paragraph,)).fetchone()[0])

    def digests(self) -> Iterator[str]:
        return self.rows()
