"""The documents' order kept in SQLite (``edition.site.order``): unique ids, ranks, pagers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edition.fsutil import safe_name
from edition.site import pages
from edition.site.documents import Neighbour
from edition.site.order import Order

# Ids that collide (the same, or the same once made safe for a file name), list pages'
# folders, and the edition's own slug; dates with the undated and non-ASCII titles.
IDS = st.sampled_from(["d1", "d1-2", "d 1", "d/1", "by-title", "page-2", "ed", "é", "z", ""])
DATES = st.sampled_from(["", "1954-03-30", "1954", "1960-05-10", "1975-01-13", "0999"])
PIECE = st.tuples(IDS, st.text(max_size=3), DATES)
FILES = st.lists(st.lists(PIECE, max_size=4), max_size=8)


def expected(files: list[list[tuple[str, str, str]]], edition: str) -> list[dict[str, object]]:
    """The rule, written out plainly: ids made unique in file order (``-2``, ``-3``…, never
    a list page's folder or the edition's slug), then sorted by date (undated last), id."""
    seen, documents = {edition}, []
    for file, pieces in enumerate(files):
        for found, title, date in pieces:
            ident, number = found, 2
            while (slug := safe_name(ident, "document")) in seen or pages.is_list_slug(slug):
                ident, number = f"{found}-{number}", number + 1
            seen.add(slug)
            documents.append(
                {"file": file, "found": found, "title": title, "date": date, "id": ident}
            )
            documents[-1]["slug"] = slug
    ranked = sorted(documents, key=lambda d: (d["date"] or "9999", d["id"]))
    for place, document in enumerate(ranked):
        document["place"] = place
        before = ranked[place - 1] if place > 0 else None
        after = ranked[place + 1] if place + 1 < len(ranked) else None
        document["previous"] = before and Neighbour(before["slug"], before["title"])
        document["next"] = after and Neighbour(after["slug"], after["title"])
    return documents


@settings(max_examples=200, deadline=None)
@given(FILES, st.integers(min_value=1, max_value=8))
def test_the_order_gives_every_document_its_unique_id_place_and_neighbours(files, window):
    order = Order("ed")
    try:
        for number, pieces in enumerate(files):
            order.add(number, pieces)
        order.rank()
        found = []
        for first in range(0, len(files), window):  # read a few files at a time, as a build
            for file, placed in order.of_files(first, first + window):
                assert first <= file < first + window
                found += [
                    {
                        "file": file,
                        "found": p.found,
                        "title": p.title,
                        "date": p.date,
                        "id": p.id,
                        "place": p.place,
                        "previous": p.previous,
                        "next": p.next,
                    }
                    for p in placed
                ]
        assert len(order) == sum(map(len, files))
    finally:
        order.close()
    want = [{k: v for k, v in d.items() if k != "slug"} for d in expected(files, "ed")]
    assert found == want


def test_a_file_without_documents_is_left_out():
    order = Order("ed")
    order.add(0, [("a", "A", "1950")])
    order.add(1, [])
    order.add(2, [("b", "B", "1940")])
    order.rank()
    placed = list(order.of_files(0, 3))
    order.close()
    assert [(file, [p.id for p in docs]) for file, docs in placed] == [(0, ["a"]), (2, ["b"])]
    assert placed[1][1][0].next == Neighbour("a", "A")  # b, dated earlier, comes first
