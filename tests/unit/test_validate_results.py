"""The run's results on disk (``validation.results``): the same diagnostics as indexes in memory.

The data are split FRUS documents with ids and pointers added across them:
duplicate ids, pointers into other files (to ids that exist and that do not, to
files outside the edition, to the header of another file) and a URI scheme not
allowed.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import pytest
from conftest import SCHEMA, SCHEMATRON, split_frus
from lxml import etree

from edition.cache import Cache
from edition.diagnostics import Diagnostic, Reporter
from edition.packed import FileList
from edition.tei import TEI_NS, XML_ID, parse_xml
from edition.validation import Settings, crossdoc, jobs, kept, runner, start
from edition.validation.results import Results

#: More files pointed into than ``Results`` keeps the ids of.
DOCUMENTS = 24


@pytest.fixture(scope="module")
def frus_split(tmp_path_factory) -> list[Path]:
    return split_frus(tmp_path_factory.mktemp("frus"), DOCUMENTS)


def _add(body: etree._Element, tag: str, **attributes: str) -> None:
    element = etree.SubElement(body, f"{{{TEI_NS}}}{tag}")
    for name, value in attributes.items():
        element.set(XML_ID if name == "id" else name, value)
    element.text = "x"


@pytest.fixture
def linked(frus_split: list[Path], tmp_path: Path) -> list[Path]:
    """The documents, each pointing into the next ones; a few ids shared between files."""
    trees = [etree.parse(str(path)) for path in frus_split]
    names = [path.name for path in frus_split]
    for n, tree in enumerate(trees):
        body = tree.find(f".//{{{TEI_NS}}}body")
        assert body is not None
        after, later = names[(n + 1) % len(names)], names[(n + 5) % len(names)]
        _add(body, "p", id=f"own-{n}")
        _add(body, "ref", target=f"{after}#own-{(n + 1) % len(names)}")  # resolves
        _add(body, "ref", target=f"{later}#own-{n}")  # no such id there
        _add(body, "ref", target=f"{after}#top")  # a header id of another file: resolves
        _add(body, "ref", target=f"{after}")  # a whole file: resolves
        _add(body, "ref", target=f"missing-{n}.xml#x")  # not a file of the edition
        if n % 6 == 0:
            _add(body, "ref", target="ftp://example.org/x")  # scheme not allowed
        if n % 4 == 0:
            _add(body, "p", id="shared-by-many")  # in 6 files
        if n in (3, 17):
            _add(body, "p", id="shared-by-two")
    # Shown paths not in the order of the files: "first by shown path" is tested.
    paths = [tmp_path / f"{'zyx'[n % 3]}-{name}" for n, name in enumerate(names)]
    for path, tree in zip(paths, trees, strict=True):
        for ref in tree.iter(f"{{{TEI_NS}}}ref"):
            name, hash_, fragment = (ref.get("target") or "").partition("#")
            if name in names:
                ref.set("target", paths[names.index(name)].name + hash_ + fragment)
        tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    return paths


def _indexes(paths: list[Path]) -> list[crossdoc.FileIndex]:
    return [crossdoc.index(parse_xml(p, p.name), p.resolve(), p.name) for p in paths]


def test_checks_across_files_from_disk_equal_those_in_memory(linked: list[Path]) -> None:
    indexes = _indexes(linked)
    checked = indexes[: DOCUMENTS - 4]  # the last four only pointed into, as the register is
    expected = crossdoc.cross_checks(checked, {index.path: index for index in indexes})
    with Results() as results:
        for n, index in enumerate(indexes):
            listed = (str(index.path), index.shown, n >= len(checked))
            results.add(
                n, listed, jobs.FileCheck(index.shown, index=index, parsed=True), fresh=True
            )
        results.finish()
        found = []
        for n in range(len(checked)):
            stored = results.result(n)[1].index
            assert stored == indexes[n]
            found.append(crossdoc.check_across(stored, results))
    assert found == expected
    codes = [d.code for diagnostics in found for d in diagnostics]
    assert codes.count("V420") == 5 + 2  # shared-by-many: 5 checked files; shared-by-two
    assert codes.count("V422") == 4
    first = [m.message for m in found[0]]
    later, elsewhere = linked[5].name, linked[1].name
    assert f'@target="{later}#own-0" on <ref>: no xml:id "own-0" in {later}' in first
    assert '@target="missing-0.xml#x" on <ref>: "missing-0.xml" is not a file of the edition' in (
        first
    )
    assert '@target="ftp://example.org/x" on <ref>: the URI scheme "ftp" is not allowed' in first
    assert not [m for m in first if elsewhere in m]  # its id, its header's id, the file: found
    owners = [i for i in indexes[1:] if "shared-by-many" in i.global_ids]
    other = min(owners, key=lambda i: i.shown)
    assert other is not owners[0]  # the first by shown path, not in the order of the files
    line = other.global_ids["shared-by-many"]
    assert f'xml:id "shared-by-many" is also used in {other.shown}:{line}' in first


def test_a_duplicate_id_is_reported_with_the_first_other_file_by_shown_path(
    tmp_path: Path,
) -> None:
    texts = {"c.xml": 3, "a.xml": 5, "b.xml": 7}
    body = '<text><body><p xml:id="same">x</p></body></text>'
    for name, line in texts.items():
        padding = "\n" * (line - 1)
        (tmp_path / name).write_text(f'{padding}<TEI xmlns="{TEI_NS}">{body}</TEI>', "utf-8")
    files = [(tmp_path / name, name) for name in texts]
    reporter = Reporter()
    start(files, Settings(SCHEMA, None, "lxml"), reporter, edition_files=files).finish()
    duplicates = [d.render().splitlines()[0] for d in reporter if d.code == "V420"]
    assert duplicates == [
        'c.xml:3: error[V420]: xml:id "same" is also used in a.xml:5',
        'a.xml:5: error[V420]: xml:id "same" is also used in b.xml:7',
        'b.xml:7: error[V420]: xml:id "same" is also used in a.xml:5',
    ]


def _as_before(files: list[tuple[Path, str]], edition_files: list[tuple[Path, str]]) -> str:
    """What a run reported when it held every result: each file, then the checks across."""
    items = [jobs.CheckItem(path.resolve(), shown) for path, shown in files]
    items += [
        jobs.CheckItem(path.resolve(), shown, jobs.NONE, index_only=True)
        for path, shown in edition_files
        if path.resolve() not in {item.path for item in items}
    ]
    settings = jobs.CheckSettings(SCHEMA, SCHEMATRON, cross_checks=True)
    checks = [jobs.check_file(settings, item) for item in items]
    edition = {check.index.path: check.index for check in checks if check.index is not None}
    reporter = Reporter()
    for item, check in zip(items, checks, strict=True):
        if item.index_only:
            continue
        across = crossdoc.cross_checks([check.index], edition)[0] if check.index else []
        found = [*check.problems, *across, *check.local]
        reporter.extend(sorted(found, key=_position))
    return reporter.render()


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    location = diagnostic.location
    return (location.line or 0, location.column or 0) if location else (0, 0)


def test_a_run_reports_what_the_indexes_in_memory_give(linked: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI>\n  <p>\n</TEI>\n", encoding="utf-8")
    everything = [(path, path.name) for path in [*linked, broken]]
    files = everything[:10] + everything[-1:]
    expected = _as_before(files, everything)
    assert "[V310]" in expected and "[V400-" in expected and "[V420]" in expected
    assert "[V303]" in expected and "[V421]" in expected and "[V422]" in expected
    settings = Settings(SCHEMA, SCHEMATRON, "lxml")
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):  # uncached, cached, from it
        reporter = Reporter()
        start(files, settings, reporter, edition_files=everything, cache=Cache(cache)).finish()
        assert reporter.render() == expected


def test_no_result_is_held_while_the_others_are_checked(linked: list[Path], monkeypatch) -> None:
    """Each file's result is written and let go before the next one comes, cached or not."""
    seen: list[weakref.ref[Any]] = []
    add, add_data, decoded = Results.add, Results.add_data, runner.decoded
    add_stored = Results.add_stored

    class Tracked(dict):  # type: ignore[type-arg]
        """A cached result as the cache gives it (a dict), that a weak reference can follow."""

    def held() -> int:
        return sum(1 for ref in seen if ref() is not None)

    def adding(self, n, item, check, *, fresh):
        assert held() == 0, "an earlier result is still in memory"
        seen.append(weakref.ref(check))
        add(self, n, item, check, fresh=fresh)

    def adding_stored(self, n, item, stored, *, fresh):
        assert held() == 0, "an earlier result is still in memory"
        seen.append(weakref.ref(stored))
        add_stored(self, n, item, stored, fresh=fresh)

    def adding_data(self, n, item, data, encoded):
        assert held() == 0, "an earlier result is still in memory"
        seen.append(weakref.ref(data))
        add_data(self, n, item, data, encoded)

    def decoding(value):  # as a cached result is read: a dict a weak reference can follow
        found = decoded(value)
        return Tracked(found) if isinstance(found, dict) else found

    monkeypatch.setattr(Results, "add", adding)
    monkeypatch.setattr(Results, "add_data", adding_data)
    monkeypatch.setattr(Results, "add_stored", adding_stored)
    monkeypatch.setattr(runner, "decoded", decoding)
    # Not the run kept whole (which adds no result at all): each file's own cached result.
    monkeypatch.setattr(kept, "report", lambda *args: False)
    monkeypatch.setattr(kept, "changes", lambda *args: None)  # nor the changed files alone
    files = [(path, path.name) for path in linked]
    cache = linked[0].parent / "cache"
    for edited in (None, None, linked[3]):  # checked, from the cache, both
        if edited is not None:
            edited.write_text(edited.read_text(encoding="utf-8") + "<!-- edited -->\n", "utf-8")
        seen.clear()
        start(files, Settings(SCHEMA, None, "lxml"), Reporter(), cache=Cache(cache)).finish()
        assert len(seen) == len(files)


def test_the_results_are_in_a_file_removed_at_the_end() -> None:
    with Results() as results:
        database = results.folder / "results.sqlite"
        assert database.is_file()
    assert not results.folder.exists()


def test_files_resolve_as_pathlib_resolves_them(tmp_path: Path, monkeypatch) -> None:
    """The resolver, which resolves each folder once, gives ``Path.resolve()`` for every
    kind of path an editor may name: plain, linked file, file in a linked folder,
    relative, with ``..``; and the same object back when it is resolved already."""
    real = tmp_path / "edition" / "tei"
    real.mkdir(parents=True)
    (real / "plain.xml").write_text("<TEI/>", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.xml"
    elsewhere.write_text("<TEI/>", encoding="utf-8")
    (real / "linked.xml").symlink_to(elsewhere)
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path / "edition")
    paths = [
        real / "plain.xml",
        real / "linked.xml",
        tmp_path / "alias" / "plain.xml",
        tmp_path / "alias" / "linked.xml",
        Path("tei/plain.xml"),
        Path("tei/../tei/linked.xml"),
        Path("plain-missing.xml"),
        real / "..",
    ]
    for listed_after in (64, 0):  # asked file by file, and the folder's links listed at once
        monkeypatch.setattr(runner, "_LISTED_AFTER", listed_after)
        resolve = runner._Resolver()
        for path in paths:
            assert resolve(path) == path.resolve(), path
        assert resolve(paths[0]) is paths[0], "resolved already: the same object"


class _FolderListed:
    """Files given as ``api`` gives the edition's: a folder's files at once (``Listed``)."""

    def __init__(self, files: FileList, shown_folder: str) -> None:
        self.files, self.shown_folder = files, shown_folder

    def __len__(self) -> int:
        return len(self.files)

    def listing(self):
        yield runner.FolderFiles(self.files, self.shown_folder)


@pytest.mark.parametrize("linked", [False, True], ids=["plain", "a file linked"])
@pytest.mark.parametrize("through", [False, True], ids=["folder", "linked folder"])
def test_a_folder_listed_at_once_is_checked_as_its_files_one_by_one(
    tmp_path: Path, linked: bool, through: bool
) -> None:
    """The edition's folder taken at once gives the run's files that naming each file
    gives: resolved paths, shown paths, order, and whether each is the path given (a
    file that is a link, or a folder reached through one, is not)."""
    real = tmp_path / "tei"
    real.mkdir()
    for name in ("b.xml", "a.xml", "é.xml", "c d.xml"):
        (real / name).write_text("<TEI/>", encoding="utf-8")
    if linked:
        (tmp_path / "elsewhere.xml").write_text("<TEI/>", encoding="utf-8")
        (real / "linked.xml").symlink_to(tmp_path / "elsewhere.xml")
    folder = real
    if through:
        (tmp_path / "alias").symlink_to(real, target_is_directory=True)
        folder = tmp_path / "alias"
    files = FileList(folder, [p.name for p in real.iterdir()])
    one_by_one = [(path, f"tei/{path.name}") for path in files]
    at_once, as_given = runner._wanted(_FolderListed(files, "tei/"), ())  # type: ignore[arg-type]
    expected, expected_as_given = runner._wanted(one_by_one, ())
    assert list(at_once.columns()) == list(expected.columns())
    assert at_once.listed(0) == (str(real.resolve() / "a.xml"), "tei/a.xml", False)
    assert as_given == expected_as_given == (not linked and not through)
    assert at_once.sorted_and_unique() == expected.sorted_and_unique()
    assert [at_once.item(n) for n in range(len(at_once))] == list(expected)
