"""The documents list's pages read from the catalogue, at sizes no benchmark edition reaches.

Each size is a synthetic catalogue in memory (the real ``documents`` table, rows of
about the benchmark's sizes); every page of the five list orders is read as the
edition-wide step reads it (its digests for the page's fingerprint, then its rows),
ranking included: with ``Catalogue`` as it is (a rank table per order), and with the
``LIMIT … OFFSET`` windows it had before, on the same rows, for reference (bare SQL:
no ``Markup`` around the rows, so a little cheaper per row). The second grows with the
square of the documents. Medians of ``--runs``; figures are printed,
never asserted.

    python benchmarks/bench_list_pages.py --sizes 25000,100000,200000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import string
import time

from edition.site.catalogue import _ORDERS, TABLES, Catalogue
from edition.site.pages import SORTS

PAGE = 1000  # [site] documents_per_page's default


def catalogue(size: int) -> sqlite3.Connection:
    """A catalogue of ``size`` documents with varied titles, dates, kinds and archives."""
    db = sqlite3.connect(":memory:")
    db.executescript(TABLES)
    rnd = random.Random(size)  # noqa: S311 (benchmark data, not secrets)
    words = ["".join(rnd.choices(string.ascii_lowercase, k=7)) for _ in range(2000)]
    rows = []
    for n in range(size):
        title = " ".join(rnd.choices(words, k=6))
        date = f"{rnd.randint(1860, 1980)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        kind = rnd.choice(["telegram", "memorandum", "letter", "note", ""])
        classification = rnd.choice(["", "secret", "confidential"])
        digest = f"{rnd.getrandbits(128):032x}"
        summary, row = b"x" * 1200, "<tr>" + "y" * 400 + "</tr>"
        archive = rnd.choice(words)
        ident = f"d{n}"
        sorted_by = (title, kind, archive, classification, date)
        rows.append(
            (n, f"job{n // 3}", ident, ident, title, date, digest, summary, *sorted_by, row)
        )
    db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return db


def ranked(db: sqlite3.Connection, size: int) -> float:
    """Seconds to rank the orders and read every list page, as ``Catalogue`` does."""
    started = time.perf_counter()
    found = Catalogue(db)
    found.index()
    fingerprints: list[str] = []
    for sort in SORTS:
        for offset in range(0, size, PAGE):
            window = found.documents(sort.key, offset, PAGE)
            fingerprints.append(window.digest)  # as the edition-wide step takes it
            for _ in window.html_rows("../"):
                pass
    return time.perf_counter() - started


def with_offset(db: sqlite3.Connection, size: int) -> float:
    """Seconds to index the orders and read every list page by ``LIMIT … OFFSET``."""
    started = time.perf_counter()
    for name, order in _ORDERS.items():
        if order != "position":
            db.execute(f"CREATE INDEX documents_{name} ON documents ({order})")
    for sort in SORTS:
        for offset in range(0, size, PAGE):
            for columns in ("digest", "row"):
                query = (
                    f"SELECT {columns} FROM documents ORDER BY {_ORDERS[sort.key]} LIMIT ? OFFSET ?"  # noqa: S608
                )
                for _ in db.execute(query, (PAGE, offset)):
                    pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="25000,100000,200000", help="documents, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--quick", action="store_true", help="--sizes 25000 --runs 1: a smoke run")
    args, _ = parser.parse_known_args()  # nox -s bench passes the other scripts' options too
    if args.quick:
        args.sizes, args.runs = "25000", 1
    print(f"Documents list pages ({PAGE} rows), five orders: digests and rows of every page")
    for size in (int(n) for n in args.sizes.split(",")):
        now, before = [], []
        for _ in range(args.runs):  # alternated, each on a catalogue of its own
            now.append(ranked(catalogue(size), size))
            before.append(with_offset(catalogue(size), size))
        print(
            f"{size:>9} documents   ranked {statistics.median(now):6.2f} s"
            f" ({min(now):.2f}–{max(now):.2f})   LIMIT … OFFSET"
            f" {statistics.median(before):6.2f} s ({min(before):.2f}–{max(before):.2f})"
        )


if __name__ == "__main__":
    main()
