"""Packed per-file bookkeeping reads back exactly what a list or a dict would hold."""

from __future__ import annotations

import hashlib
import itertools
import random
import tracemalloc
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from edition.packed import FileList, PackedHashes, PackedMap, PackedPaths, PackedStrings

#: Any text a file name or a shown path may hold: lone surrogates (undecodable bytes in
#: a name), characters of 1–4 UTF-8 bytes, and the ends of the code points.
texts = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=12)
paths = st.sampled_from(["/a", "/a/b", "/é", "/\udcff", "/z\U0001f600", "/ab", "/"]).flatmap(
    lambda prefix: st.builds(lambda tail: prefix + tail, st.sampled_from(["", "1", "2", "é"]))
)


@given(st.lists(texts))
def test_packed_strings_are_the_list(items: list[str]) -> None:
    packed = PackedStrings(items)
    assert len(packed) == len(items)
    assert list(packed) == items
    assert [packed[i] for i in range(-len(items), len(items))] == items + items
    assert packed[1:-1] == items[1:-1]
    assert packed == items


@given(st.lists(st.one_of(texts, paths)))
def test_packed_paths_are_the_list(items: list[str]) -> None:
    packed = PackedPaths(items)
    assert list(packed) == items
    assert [packed[i] for i in range(len(items))] == items
    assert [packed.raw(i) for i in range(len(items))] == [
        item.encode("utf-8", "surrogatepass") for item in items
    ]


hashes = st.one_of(
    st.binary(min_size=16, max_size=16).map(bytes.hex),
    st.just(""),
    st.text("0123456789abcdefABCDEF", max_size=34),
    texts,
)


@given(st.lists(hashes))
def test_packed_hashes_are_the_list(items: list[str]) -> None:
    """A 32-digit lowercase hash is held as 16 bytes; anything else comes back as it is."""
    packed = PackedHashes(items)
    assert list(packed) == items
    assert [packed[i] for i in range(-len(items), len(items))] == items + items
    assert packed.filled() == sum(1 for item in items if item)


@given(st.lists(hashes, min_size=1, max_size=8), st.integers(0, 2**32))
def test_packed_hashes_read_in_blocks_are_the_list(kinds: list[str], seed: int) -> None:
    """A pass over thousands of hashes (written out a block at a time) gives each one, in
    its place, across the blocks' edges."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    items = [
        rng.choice(kinds) if rng.random() < 0.2 else rng.randbytes(16).hex() for _ in range(2500)
    ]
    packed = PackedHashes(items)
    assert list(packed) == items
    places = (0, 1023, 1024, 2047, 2048, 2499)
    assert [packed[i] for i in places] == [items[i] for i in places]


@given(st.lists(st.tuples(paths, st.sampled_from(["", "h1", "h2", "h3"]))), st.randoms())
def test_a_packed_map_is_the_dict_of_its_pairs(pairs: list[tuple[str, str]], rng) -> None:
    """The last value of a path wins, '' leaves it out; found in order, in any order, and
    again after a miss."""
    packed = PackedMap(pairs, hashes=rng.random() < 0.5)
    last = dict(pairs)
    expected = {path: value for path, value in last.items() if value}
    assert dict(packed.items_as_text()) == expected
    assert len(packed) == len(expected)
    assert [packed.at(n) for n in range(len(pairs))] == [value for _, value in pairs]
    asked = sorted(set(last) | {"/missing", "/a0"})
    for order in (asked, list(reversed(asked)), rng.sample(asked, len(asked)), asked):
        for path in order:
            assert packed.get(path) == expected.get(path)
            assert packed.get(Path(path)) == expected.get(str(Path(path)))
            assert (path in packed) == (path in expected)
    assert set(packed) == {Path(path) for path in expected}
    assert bool(packed) == bool(expected)


names = st.text("abcé-_.0123456789", min_size=1, max_size=10).filter(lambda n: n not in {".", ".."})


@given(st.lists(names, unique=True))
def test_a_file_list_is_its_sorted_paths(names: list[str]) -> None:
    folder = Path("/edition/tei")
    files = FileList(folder, names)
    expected = sorted(folder / name for name in names)
    assert list(files) == expected
    assert len(files) == len(expected)
    assert files[1:3] == expected[1:3]
    assert list(files.texts()) == [str(path) for path in expected]
    assert all(path in files for path in expected)
    assert folder / "missing.xml" not in files


def test_packed_files_cost_their_bytes_not_objects() -> None:
    """25,000 files' names, hashes and shown paths held packed take under 100 bytes a file;
    as ``Path`` objects in a dict they took about 550."""
    names = [f"frus1969-76v05-d{n:06d}.xml" for n in range(25_000)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        files = FileList(Path("/edition/tei"), names)
        hashes = PackedMap((text, f"{n:032x}") for n, text in enumerate(files.texts()))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(files) == len(hashes) == 25_000
    assert held / 25_000 < 150, held / 25_000


@given(st.lists(st.one_of(texts, paths)))
def test_a_column_knows_whether_it_came_sorted_and_without_repeats(items: list[str]) -> None:
    """What ``CheckItems.sorted_and_unique`` trusts instead of a set of every path."""
    for packed in (PackedStrings(items), PackedPaths(items)):
        assert packed.ascending == (items == sorted(items))
        assert packed.repeats == any(a == b for a, b in itertools.pairwise(items))


@given(st.lists(st.one_of(texts, paths)), st.lists(texts), st.sampled_from(["", "tei/", "/é/"]))
def test_strings_added_at_once_are_those_appended_one_by_one(
    before: list[str], names: list[str], prefix: str
) -> None:
    """A folder's names joined at once (``extend_prefixed``, ``extend_folder``) give the
    column that appending each ``prefix + name`` gives, its order flags included."""
    expected = [*before, *(prefix + name for name in names)]
    strings = PackedStrings(before)
    strings.extend_prefixed(prefix, PackedStrings(names))
    paths = PackedPaths(before)
    if prefix.endswith("/"):  # a folder, as ``append`` cuts paths
        paths.extend_folder(prefix, PackedStrings(names))
    else:
        paths = PackedPaths(expected)
    for packed in (strings, paths):
        assert list(packed) == expected
        assert [packed.raw(i) for i in range(len(expected))] == [
            item.encode("utf-8", "surrogatepass") for item in expected
        ]
        one_by_one = type(packed)(expected)
        assert (packed.ascending, packed.repeats) == (one_by_one.ascending, one_by_one.repeats)
    itself = PackedStrings(names)
    itself.extend_prefixed(prefix, itself)
    assert list(itself) == [*names, *(prefix + name for name in names)]


def _fed(column: PackedStrings | PackedPaths | PackedHashes) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    column.hash_into(hasher)
    return hasher.hexdigest()


@given(st.lists(st.one_of(texts, paths)), st.lists(st.one_of(texts, paths)))
def test_columns_hash_the_same_exactly_when_they_hold_the_same(
    first: list[str], second: list[str]
) -> None:
    """What a run's key and layout are hashed from (``hash_into``): the same strings,
    however they were added, feed the same bytes; other strings, other bytes."""
    for kind in (PackedStrings, PackedPaths):
        assert (_fed(kind(first)) == _fed(kind(second))) == (first == second)
    moved = PackedStrings(["ab", "c"]), PackedStrings(["a", "bc"])  # the same bytes, cut elsewhere
    assert _fed(moved[0]) != _fed(moved[1])
    folders = PackedPaths(["/a/b", "/a/c"]), PackedPaths(["/a/b", "/a/"])
    assert _fed(folders[0]) != _fed(folders[1])


@given(st.lists(texts), st.sampled_from(["tei/", "/é/", "/a/b/"]))
def test_a_folder_added_at_once_hashes_as_its_paths_one_by_one(
    names: list[str], folder: str
) -> None:
    names = [name.replace("/", "") for name in names]
    at_once = PackedPaths()
    at_once.extend_folder(folder, PackedStrings(names))
    assert _fed(at_once) == _fed(PackedPaths(folder + name for name in names))


@given(st.lists(hashes), st.lists(hashes))
def test_hashes_hash_the_same_exactly_when_they_are_the_same(
    first: list[str], second: list[str]
) -> None:
    assert (_fed(PackedHashes(first)) == _fed(PackedHashes(second))) == (first == second)


@given(
    st.lists(st.sampled_from(["a.xml", "b.xml", "é.xml", "\udcff.xml"]), unique=True),
    st.lists(st.sampled_from(["/e/tei/a.xml", "/e/tei/0.xml", "/e/a.xml", "/f/tei/a.xml"])),
    st.integers(0, 2),
    st.lists(hashes, min_size=1),
)
def test_a_map_gives_its_files_hashes_as_held_only_when_it_begins_with_them(
    names: list[str], after: list[str], skip: int, values: list[str]
) -> None:
    """``column_for``: the hashes of a folder's files taken from a map (validation's) as
    they are held, when the map's first paths are those files; else None, never others."""
    files = FileList(Path("/e/tei"), names)
    texts = [*files.texts(), *after][skip:]
    hashed = [values[n % len(values)] for n in range(len(texts))]
    found = PackedMap(zip(texts, hashed, strict=True), hashes=True)
    column = found.column_for(files)
    begins = texts[: len(names)] == list(files.texts())
    if column is not None:
        assert begins
        assert list(column) == hashed[: len(names)] == list(found.values_for(files.texts()))
    else:
        assert not begins or any(files.holds(text) for text in texts[len(names) :])
    elsewhere = PackedMap(((f"/f/tei/{name}", "") for name in names), hashes=True)
    assert (elsewhere.column_for(files) is None) == bool(names)


@given(st.lists(hashes, max_size=40), st.lists(hashes, max_size=40), st.sampled_from([1, 4, 1024]))
def test_hashes_that_differ_are_found_block_by_block(
    first: list[str], second: list[str], block: int
) -> None:
    """``differing`` finds each place whose value changed, across blocks' edges (smaller
    blocks here), and nothing else; ``as_held`` reads back as it was, or is None."""
    import edition.packed as packed_module

    items = [*first, *second]
    changed = [*first, *reversed(second)]
    saved = packed_module._BLOCK
    packed_module._BLOCK = block
    try:
        found = PackedHashes(items).differing(PackedHashes(changed))
    finally:
        packed_module._BLOCK = saved
    assert found == [n for n, (a, b) in enumerate(zip(items, changed, strict=True)) if a != b]
    assert PackedHashes(items).differing(PackedHashes([*items, ""])) is None
    held = PackedHashes(items).as_held()
    if held is None:
        assert any(item and PackedHashes([item]).as_held() is None for item in items)
    else:
        kinds, hashes = (bytes(column) for column in held)
        again = PackedHashes.held(kinds, hashes)
        assert again is not None and list(again) == items
        assert not kinds or PackedHashes.held(kinds, hashes[:-1]) is None
    shared = PackedHashes(items).head(len(first))  # its hashes' bytes shared, not copied
    assert list(shared) == first and shared.differing(PackedHashes(first)) == []
