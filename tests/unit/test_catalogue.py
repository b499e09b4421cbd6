"""Edition-wide pages from the catalogue: the orders, counts and slices the in-memory lists had.

The catalogue keeps document summaries in SQLite and reads them back lazily; its
SQL orders must be exactly Python's ``sorted`` on the same keys (the lists were
sorted in Python before, and the pages must not change). Also: the paged Atom
feed and the sitemap index that keep large editions' files bounded.
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from edition.cli import main
from edition.outputs import atom
from edition.render.behaviours import Mention
from edition.site import catalogue as catalogue_module
from edition.site import pages
from edition.site.catalogue import TABLES, Catalogue
from edition.site.documents import DocumentSummary
from edition.site.metadata import DocumentMeta

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://example.org/moscow-tokyo/"

#: Values that sort differently by code point, by case and by UTF-8 bytes, and empty ones.
WORDS = st.sampled_from(["", "a", "A", "b", "Zeta", "zeta", "é", "É", "ß", "Ω", "a b", "a-b", "ab"])


def summary(ident: str, title: str, date: str, kind: str, archive: str) -> DocumentSummary:
    meta = DocumentMeta(title=title, date=date, kind=kind, archive=archive, method=[title[:1]])
    mentions = [Mention("pers-x", f"m{n}", title) for n in range(len(title) % 3)]
    return DocumentSummary(ident, title, date, f"tei/{ident}.xml", False, "en", meta, {}, mentions)


def catalogue_of(documents: list[DocumentSummary], indexed: bool = True) -> Catalogue:
    db = sqlite3.connect(":memory:")
    db.executescript(TABLES)
    catalogue = Catalogue(db)
    for position, doc in reversed(list(enumerate(documents))):  # stored in any order
        catalogue.add(position, doc.shown, doc)
    if indexed:
        catalogue.index()
    return catalogue


def python_sorted(documents: list[DocumentSummary], key: str) -> list[DocumentSummary]:
    """The documents list's order as it was computed in Python."""

    def value(doc: DocumentSummary) -> str:
        if key in {"date", "title"}:
            return str(getattr(doc, key))
        return str(getattr(doc.meta, key))

    return sorted(documents, key=lambda d: (value(d) == "", value(d).lower(), d.date, d.id))


@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "ranked-when-read"])
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(WORDS, st.sampled_from(["", "1950", "1950-01", "1949-12-31", "2001"]), WORDS),
        min_size=0,
        max_size=25,
    )
)
def test_every_order_is_pythons_sorted(indexed: bool, rows: list[tuple[str, str, str]]) -> None:
    documents = [
        summary(f"d{n:02d}", title, date, kind, archive=title[::-1])
        for n, (title, date, kind) in enumerate(rows)
    ]
    catalogue = catalogue_of(documents, indexed)
    ids = [d.id for d in documents]
    assert [d.id for d in catalogue.documents()] == ids  # the edition's order
    for key in ("date", "title", "kind", "archive", "classification"):
        listed = catalogue.documents(key)
        expected = [d.id for d in python_sorted(documents, key)]
        assert [d.id for d in listed] == expected, key
        for offset in range(0, len(documents) + 1, 7):  # the pages of a list, 7 a page
            window = catalogue.documents(key, offset, 7)
            assert [d.id for d in window] == expected[offset : offset + 7], (key, offset)
            assert list(window.digests()) == [d.digest for d in window]
    newest = sorted(documents, key=lambda d: (d.date, d.id), reverse=True)
    assert [d.id for d in catalogue.documents("newest")] == [d.id for d in newest]


@pytest.mark.parametrize("rows_per_query", [2, 4096])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=0, max_size=12),
    st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=0, max_size=12),
)
def test_hashes_in_sql_are_equal_exactly_when_what_they_hash_is(
    monkeypatch: pytest.MonkeyPatch, rows_per_query: int, first: list[str], second: list[str]
) -> None:
    """A list page's fingerprint, an output's record hash and the catalogue's hash are
    concatenated in SQL, a few rows per query: equal for the same documents in the same
    places, different otherwise (a title, a place, one document more)."""
    from edition.site import catalogue as module

    monkeypatch.setattr(module, "_HASHED_ROWS", rows_per_query)
    made = []
    for titles in (first, second):
        documents = [summary(f"d{n}", title, "1950", "memo", "") for n, title in enumerate(titles)]
        for doc in documents:
            doc.outputs["atom"] = {"title": doc.title}
        made.append((catalogue_of(documents), documents))
    (one, a), (other, b) = made
    for offset, limit in ((0, -1), (0, 3), (3, 3), (6, 3), (9, 5)):
        windows = [c.documents("title", offset, limit) for c in (one, other)]
        same = [(d.id, d.digest) for d in windows[0]] == [(d.id, d.digest) for d in windows[1]]
        assert (windows[0].digest == windows[1].digest) == same, (offset, limit)
    same = [(d.id, d.shown, d.digest) for d in a] == [(d.id, d.shown, d.digest) for d in b]
    assert (one.content_digest() == other.content_digest()) == same
    same = [(d.id, d.title) for d in a] == [(d.id, d.title) for d in b]
    assert (one.output_digest("atom") == other.output_digest("atom")) == same


def test_lists_behave_as_sequences() -> None:
    documents = [summary(f"d{n}", f"Title {n}", f"19{n:02d}", "memo", "") for n in range(30)]
    listed = catalogue_of(documents).documents()
    assert len(listed) == 30 and bool(listed)
    assert [d.id for d in listed[:12]] == [f"d{n}" for n in range(12)]
    assert [d.id for d in listed[25:40]] == [f"d{n}" for n in range(25, 30)]
    assert listed[-1].id == "d29" and listed[0] == documents[0]
    assert listed[0].digest == documents[0].digest
    with pytest.raises(IndexError):
        listed[30]
    assert not catalogue_of([]).documents()


def test_documents_added_after_a_list_was_read_are_ranked() -> None:
    documents = [summary(f"d{n}", f"Title {n}", f"19{n:02d}", "memo", "") for n in range(5)]
    catalogue = catalogue_of(documents[1:])
    assert [d.id for d in catalogue.documents("title")] == ["d1", "d2", "d3", "d4"]
    catalogue.add(4, "job", documents[0])
    assert [d.id for d in catalogue.documents("title")] == ["d0", "d1", "d2", "d3", "d4"]
    assert [d.id for d in catalogue.documents("title", 3, 2)] == ["d3", "d4"]


def test_mentions_methods_and_totals() -> None:
    documents = [
        summary(f"d{n}", t, "1950", k, "")
        for n, (t, k) in enumerate([("ab", "memo"), ("abc", "letter"), ("b", "memo"), ("abcd", "")])
    ]
    catalogue = catalogue_of(documents)
    mentions = catalogue.mentions("pers-x")
    expected = [(d.id, m) for d in documents for m in d.mentions]
    assert len(mentions) == len(expected) == 4
    assert [(d.id, m) for d, m in mentions] == expected
    pairs = list(mentions)
    assert pairs[0][0] is pairs[1][0], "a document's mentions share one summary (is sameas)"
    assert len(catalogue.mentions("nobody")) == 0
    methods = [(p, list(titles)) for p, titles in catalogue.methods()]
    assert methods == [("a", ["ab", "abc", "abcd"]), ("b", ["b"])]
    assert catalogue.totals.facets()["kind"] == ["letter", "memo"]
    assert catalogue.count() == 4


def _mentioning(n: int, count: int, word: str = "w") -> DocumentSummary:
    """Document ``n`` naming pers-x ``count`` times (and pers-y once, first)."""
    mentions = [Mention("pers-y", f"y{n}", "y")]
    mentions += [Mention("pers-x", f"m{n}-{k}", f"{word}{k}") for k in range(count)]
    return DocumentSummary(
        f"d{n}",
        f"T{n}",
        "1950",
        f"tei/d{n}.xml",
        False,
        "en",
        DocumentMeta(title=f"T{n}"),
        {},
        mentions,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=12), st.integers(0, 7))
def test_mention_pages_read_in_turn_are_every_mention(counts: list[int], size: int) -> None:
    """``MentionList.pages``: pages of at most ``size`` pairs (0: one page) that are the
    whole list in order, each marked when it begins inside a document's mentions, and
    each read by a query that starts after the last page (no ``OFFSET``)."""
    documents = [_mentioning(n, count) for n, count in enumerate(counts)]
    catalogue = catalogue_of(documents)
    mentions = catalogue.mentions("pers-x", size)
    queries: list[str] = []
    catalogue.db.set_trace_callback(queries.append)
    paged = list(mentions.pages())
    for page in paged:
        page.digest  # noqa: B018 (kept as it is made)
    catalogue.db.set_trace_callback(None)
    total = sum(counts)
    assert len(paged) == len(list(pages.list_pages("x/", total, size)))
    assert [len(page) for page in paged] == (
        [min(size, total - start) for start in range(0, total, size)] or [0] if size else [total]
    )
    pairs = [(doc.id, mention) for page in paged for doc, mention in page]
    assert pairs == [(d.id, m) for d in documents for m in d.mentions if m.entity == "pers-x"]
    for before, page in itertools.pairwise(paged):
        assert page.continues == (before[-1][0].id == page[0][0].id)
    assert not paged[0].continues
    assert queries and not any("OFFSET" in query for query in queries)
    for page in paged:
        docs = [doc for doc, _ in page]
        assert all(a is b for a, b in itertools.pairwise(docs) if a.id == b.id), "is sameas"
    assert len({page.digest for page in paged if len(page)}) == sum(1 for p in paged if len(p))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=8),
    st.integers(1, 4),
    st.data(),
)
def test_kept_mention_pages_are_those_of_a_catalogue_made_anew(
    counts: list[int], size: int, data: st.DataObject
) -> None:
    """After a document is replaced (its mentions more, fewer or reworded), the pages of an
    entity's mentions, kept or read again, are those of a catalogue made of the new
    documents: the same hashes, lengths and ends."""
    documents = [_mentioning(n, count) for n, count in enumerate(counts)]
    catalogue = catalogue_of(documents)

    def pages_of(found: Catalogue) -> list[tuple[str, int, tuple[int, int]]]:
        return [(p.digest, len(p), p.last) for p in found.mentions("pers-x", size).pages()]

    pages_of(catalogue)  # made and kept
    for _ in range(data.draw(st.integers(1, 3))):
        place = data.draw(st.integers(0, len(documents) - 1))
        count = data.draw(st.integers(0, 5))
        documents[place] = _mentioning(place, count, data.draw(st.sampled_from("wv")))
        catalogue.replace(documents[place].shown, [(place, documents[place])])
        assert pages_of(catalogue) == pages_of(catalogue_of(documents))


def python_totals(documents: list[DocumentSummary]) -> dict[str, object]:
    """What the edition-wide pages need of all documents, summed in Python (as it once was)."""
    used: dict[str, set[str]] = {}
    users: dict[str, dict[str, int]] = {}
    fallbacks: dict[str, int] = {}
    for position, doc in enumerate(documents):
        for key, values in doc.used.items():
            used.setdefault(key, set()).update(values)
        for name, count in doc.fallbacks.items():
            fallbacks[name] = fallbacks.get(name, 0) + count
            users.setdefault(name, {}).setdefault(doc.shown, position)
    return {
        "used": used,
        "kinds": {d.meta.kind for d in documents if d.meta.kind},
        "classifications": {d.meta.classification for d in documents if d.meta.classification},
        "years": {d.meta.year for d in documents if d.meta.year},
        "fallbacks": fallbacks,
        "users": {name: sorted(found, key=found.__getitem__) for name, found in users.items()},
        "refused": sorted(link for d in documents for link in d.refused),
    }


SIGNS = st.dictionaries(st.sampled_from(["unclear", "gap", "add"]), st.lists(WORDS, max_size=3))
GENERIC = st.dictionaries(st.sampled_from(["seg", "fw/header", "quote"]), st.integers(1, 5))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(WORDS, st.sampled_from(["", "1950-02", "0201-06-22", "19", "x1950"]), WORDS),
        max_size=8,
    ),
    st.data(),
)
def test_totals_read_in_sql_are_the_sums_of_the_summaries(rows, data) -> None:
    documents = []
    for n, (kind, date, classification) in enumerate(rows):
        doc = summary(f"d{n}", kind or "t", date, kind, "")
        doc.meta.classification = classification
        doc.shown = f"tei/f{n % 3}.xml"  # a file's documents share its shown path
        doc.used = data.draw(SIGNS)
        doc.fallbacks = data.draw(GENERIC)
        doc.refused = data.draw(st.lists(WORDS, max_size=2))
        documents.append(doc)
    totals = catalogue_of(documents).totals
    expected = python_totals(documents)
    assert totals.used == expected["used"]
    assert (totals.kinds, totals.classifications, totals.years) == (
        expected["kinds"],
        expected["classifications"],
        expected["years"],
    )
    assert totals.fallbacks == expected["fallbacks"]
    assert {name: totals.users(name) for name in totals.fallbacks} == expected["users"]
    assert sorted(totals.refused) == expected["refused"]


def test_carried_over_documents_equal_the_same_documents_added(tmp_path: Path) -> None:
    """A rebuild copies unchanged documents in SQL, to new places: as if added there."""
    documents = [
        summary(f"d{n}", t, "1950", k, a)
        for n, (t, k, a) in enumerate([("ab", "memo", "x"), ("abc", "", "y"), ("b", "memo", "")])
    ]
    last = sqlite3.connect(tmp_path / "last.sqlite")
    last.executescript(TABLES)
    for position, doc in enumerate(documents):
        Catalogue(last).add(position, doc.shown, doc)
    last.commit()
    last.close()
    moved = [(0, 2), (2, 0)]  # d0 and d2 swap places; d1 is changed and added anew
    db = sqlite3.connect(":memory:")
    db.executescript(TABLES)
    carried = Catalogue(db)
    carried.add(1, documents[1].shown, documents[1])
    carried.keep(moved)
    db.commit()
    db.execute("ATTACH DATABASE ? AS previous", (str(tmp_path / "last.sqlite"),))
    carried.carry_over("previous")
    carried.index()
    added = catalogue_of([documents[2], documents[1], documents[0]])
    for order in ("edition", "title", "kind", "archive"):
        assert [d.to_json() for d in carried.documents(order)] == [
            d.to_json() for d in added.documents(order)
        ]
    assert list(carried.mentions("pers-x")) == list(added.mentions("pers-x"))
    assert [(p, list(t)) for p, t in carried.methods()] == [
        (p, list(t)) for p, t in added.methods()
    ]
    assert carried.totals == added.totals


@pytest.fixture
def small_pages(demo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo built with two feed entries per feed document and ten URLs per sitemap."""
    monkeypatch.setattr(atom, "PAGE", 2)
    monkeypatch.setattr(pages, "SITEMAP_LIMIT", 10)
    assert main(["build", "--project", str(demo), "--no-validate"]) == 0
    return demo / "site"


def test_a_long_feed_is_paged(small_pages: Path, demo: Path) -> None:
    first = etree.parse(small_pages / "feed.xml")
    second = etree.parse(small_pages / "feed-2.xml")
    assert not (small_pages / "feed-3.xml").exists()
    assert first.xpath("//a:link[@rel='next']/@href", namespaces=ATOM) == [f"{BASE}feed-2.xml"]
    assert second.xpath("//a:link[@rel='previous']/@href", namespaces=ATOM) == [f"{BASE}feed.xml"]
    assert not second.xpath("//a:link[@rel='next']", namespaces=ATOM)
    titles = [
        t for f in (first, second) for t in f.xpath("//a:entry/a:title/text()", namespaces=ATOM)
    ]
    assert len(titles) == len(set(titles)) == len(list((demo / "tei").glob("1*.xml")))
    assert len(first.xpath("//a:entry", namespaces=ATOM)) == 2


def test_a_long_sitemap_becomes_an_index(small_pages: Path, demo: Path) -> None:
    index = etree.parse(small_pages / "sitemap.xml")
    assert index.getroot().tag == f"{{{SITEMAP['s']}}}sitemapindex"
    parts = index.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP)
    urls = [
        url
        for part in parts
        for url in etree.parse(small_pages / part.rsplit("/", 1)[-1]).xpath(
            "//s:url/s:loc/text()", namespaces=SITEMAP
        )
    ]
    assert urls == sorted(urls) and len(urls) == len(set(urls))
    assert all(len(etree.parse(small_pages / p.rsplit("/", 1)[-1]).getroot()) <= 10 for p in parts)
    pages_built = {p.relative_to(small_pages).as_posix() for p in small_pages.rglob("index.html")}
    assert {url.removeprefix(BASE) for url in urls} == {
        page.removesuffix("index.html") for page in pages_built
    }


def test_a_replaced_documents_mentions_are_found_by_its_place() -> None:
    """``replace`` reads and deletes a document's mentions through an index on their place,
    not by scanning every mention of the edition (the primary key starts with the entity)."""
    catalogue = catalogue_of([_mentioning(n, 3) for n in range(4)])
    for statement in (
        catalogue_module._NAMED_AT,
        "DELETE FROM mentions WHERE position IN (SELECT value FROM json_each(?))",
    ):
        rows = catalogue.db.execute(f"EXPLAIN QUERY PLAN {statement}", ("[2]",))
        plan = " ".join(str(row[-1]) for row in rows)
        assert "mentions_by_position" in plan, plan
