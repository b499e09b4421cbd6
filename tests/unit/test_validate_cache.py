"""Validation with the cache and worker processes: the same diagnostics, fewer files parsed.

The demo edition (with a few defects added) and split FRUS documents are the data.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sqlite3
import weakref
from pathlib import Path

import pytest
from conftest import SCHEMA, SCHEMATRON, needs_jing, split_frus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from edition import api, tei
from edition.cache import Cache
from edition.diagnostics import Reporter, Severity
from edition.executors import make_executor
from edition.project import Project
from edition.validation import Settings, crossdoc, jobs, kept, runner, start

TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"
ENGINES = ["lxml", pytest.param("jing", marks=needs_jing)]


@pytest.fixture
def broken(demo: Path) -> Path:
    """The demo edition with a RELAX NG error, a bad date, a broken pointer and a bad file."""
    path = demo / "tei" / TELEGRAM
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(<body>.*?<p>)", r"\1<blink/>", text, count=1, flags=re.S)
    text = text.replace(
        "<p>", '<p><date when="1975-02-30">x</date><ref target="#nowhere">y</ref>', 1
    )
    path.write_text(text, encoding="utf-8")
    (demo / "tei" / "zz-malformed.xml").write_text("<TEI>\n  <p>\n</TEI>\n", encoding="utf-8")
    return demo


def _validate(root: Path, cache: Cache | None = None, engine: str = "lxml", **options) -> str:
    reporter = Reporter()
    api.validate(Project.load(root), reporter=reporter, engine=engine, cache=cache, **options)
    return reporter.render()


class _Parses:
    """``jobs.parse_xml`` that counts the files it parses (by name)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, path: Path, shown: str | None = None) -> etree._ElementTree:
        self.names.append(path.name)
        return tei.parse_xml(path, shown)


@pytest.fixture
def parses(monkeypatch) -> _Parses:
    counter = _Parses()
    monkeypatch.setattr(jobs, "parse_xml", counter)
    return counter


def _no_parsing(path: Path, shown: str | None = None) -> etree._ElementTree:
    raise AssertionError(f"{path.name} was parsed although its result is cached")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_second_run_gives_the_same_diagnostics_and_parses_nothing(
    broken: Path, tmp_path: Path, monkeypatch, engine: str
) -> None:
    uncached = _validate(broken, engine=engine)
    assert "[V310]" in uncached and "[V421]" in uncached and "[V430]" in uncached
    assert "[V303]" in uncached
    assert _validate(broken, Cache(None), engine) == uncached
    first = _validate(broken, Cache(tmp_path / "cache"), engine)
    monkeypatch.setattr(jobs, "parse_xml", _no_parsing)
    second = _validate(broken, Cache(tmp_path / "cache"), engine)
    assert first == uncached
    assert second == uncached


def test_editing_one_file_checks_only_that_file_again(
    broken: Path, tmp_path: Path, parses: _Parses
) -> None:
    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir))
    assert len(parses.names) == 5  # three documents, the register, the malformed file
    parses.names.clear()
    path = broken / "tei" / TELEGRAM
    path.write_text(path.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
    found = _validate(broken, Cache(cache_dir))
    assert parses.names == [TELEGRAM]
    assert found == _validate(broken)


@pytest.mark.parametrize("changed", ["schema", "schematron"])
def test_a_changed_schema_or_schematron_checks_every_file_again(
    demo: Path, tmp_path: Path, parses: _Parses, changed: str
) -> None:
    schema, rules = tmp_path / "schema.rng", tmp_path / "rules.sch"
    shutil.copy(SCHEMA, schema)
    shutil.copy(SCHEMATRON, rules)
    documents = sorted((demo / "tei").glob("*.xml"))
    files = [(p, p.name) for p in documents]
    settings = Settings(schema, rules, "lxml")
    start(files, settings, Reporter(), cache=Cache(tmp_path / "cache")).finish()
    start(files, settings, Reporter(), cache=Cache(tmp_path / "cache")).finish()
    assert len(parses.names) == len(documents)
    edited = schema if changed == "schema" else rules
    edited.write_text(edited.read_text(encoding="utf-8") + "<!-- changed -->\n", encoding="utf-8")
    start(files, settings, Reporter(), cache=Cache(tmp_path / "cache")).finish()
    assert len(parses.names) == 2 * len(documents)


@pytest.mark.parametrize(
    "damage", ["garbage", "other-tool", "other-format", "bad-entries", "bad-diagnostics"]
)
def test_a_corrupt_or_foreign_cache_is_ignored(
    broken: Path, tmp_path: Path, parses: _Parses, damage: str
) -> None:
    cache_dir = tmp_path / "cache"
    expected = _validate(broken, Cache(cache_dir))
    stored = cache_dir / "cache.sqlite"
    if damage == "garbage":
        stored.write_bytes(b"\x00{not json, not SQLite")
    else:
        with contextlib.closing(sqlite3.connect(stored)) as db, db:
            if damage == "other-tool":
                db.execute("UPDATE meta SET value = ? WHERE name = 'tool'", ("0" * 32,))
            elif damage == "other-format":
                db.execute("UPDATE meta SET value = '0' WHERE name = 'format'")
            else:
                value = b'{"shown": 1}'
                if damage == "bad-diagnostics":  # the right fields, a diagnostic cut short
                    value = (
                        b'{"shown": "x", "problems": [["E1", "cut"]], "local": [],'
                        b' "index": null, "parsed": true}'
                    )
                db.execute("UPDATE entries SET value = ? WHERE tbl = 'validation'", (value,))
                # the run kept whole would answer without them (tested on its own below)
                db.execute("DELETE FROM entries WHERE tbl = ?", (kept.RUNS,))
    parses.names.clear()
    assert _validate(broken, Cache(cache_dir)) == expected
    assert len(parses.names) == 5
    parses.names.clear()
    assert _validate(broken, Cache(cache_dir)) == expected  # and repaired
    assert parses.names == []


def test_checks_across_files_see_a_change_in_another_file(
    demo: Path, tmp_path: Path, parses: _Parses
) -> None:
    cache_dir = tmp_path / "cache"
    assert _validate(demo, Cache(cache_dir)) == ""
    register = demo / "tei" / "register.xml"
    text = register.read_text(encoding="utf-8")
    register.write_text(text.replace('xml:id="place-tokyo"', 'xml:id="place-tokio"'), "utf-8")
    parses.names.clear()
    found = _validate(demo, Cache(cache_dir))
    assert parses.names == ["register.xml"]  # the documents pointing to it come from the cache
    assert found == _validate(demo)
    assert 'error[V421]: @ref="register.xml#place-tokyo" on <placeName>: no xml:id' in found


def test_checking_one_file_uses_the_other_files_cached_results(
    demo: Path, tmp_path: Path, parses: _Parses
) -> None:
    cache_dir = tmp_path / "cache"
    _validate(demo, Cache(cache_dir))
    parses.names.clear()
    project = Project.load(demo)
    one = [demo / "tei" / TELEGRAM]
    api.validate(project, one, Reporter(), engine="lxml", cache=Cache(cache_dir))
    assert parses.names == []
    _validate(demo, Cache(cache_dir))
    assert parses.names == []


@pytest.fixture(scope="module")
def frus_documents(tmp_path_factory) -> list[Path]:
    """A dozen split FRUS documents (standalone TEI, with pointers into each other)."""
    return split_frus(tmp_path_factory.mktemp("frus"), 12)


def _render(files, settings: Settings, **options) -> str:
    reporter = Reporter()
    start(files, settings, reporter, **options).finish()
    return reporter.render()


@pytest.mark.parametrize("engine", ENGINES)
def test_worker_processes_give_the_same_diagnostics(
    broken: Path, frus_documents: list[Path], engine: str
) -> None:
    executor = make_executor("local", 2)
    try:
        project = Project.load(broken)
        serial = _validate(broken, engine=engine)
        assert _validate(broken, engine=engine, executor=executor) == serial
        files = [(p, p.name) for p in frus_documents]
        settings = Settings(SCHEMA, SCHEMATRON, engine)
        serial = _render(files, settings, edition_files=files)
        assert "[V310]" in serial and "[V400-" in serial
        assert _render(files, settings, edition_files=files, executor=executor) == serial
    finally:
        executor.close()
    assert project.cache_dir == broken / ".edition-cache"


class _Element(etree.ElementBase):
    """An element class that can be referenced weakly (lxml's own cannot)."""


def test_no_tree_outlives_its_file(broken: Path, monkeypatch) -> None:
    """Serially, each file's tree is gone before the next file is parsed; only indexes go on."""
    lookup = etree.ElementDefaultClassLookup(element=_Element)

    def parser() -> etree.XMLParser:
        made = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        made.set_element_class_lookup(lookup)
        return made

    roots: list[weakref.ref[etree._Element]] = []

    def parse_xml(path: Path, shown: str | None = None) -> etree._ElementTree:
        assert [r for r in roots if r() is not None] == []
        tree = tei.parse_xml(path, shown)
        roots.append(weakref.ref(tree.getroot()))
        return tree

    indexes: list[object] = []

    def check_across(doc, edition):
        indexes.append(doc)
        return real_check_across(doc, edition)

    real_check_across = crossdoc.check_across
    monkeypatch.setattr(tei, "_hardened_parser", parser)
    monkeypatch.setattr(jobs, "parse_xml", parse_xml)
    monkeypatch.setattr(crossdoc, "check_across", check_across)
    rendered = _validate(broken)
    assert "[V421]" in rendered
    assert len(roots) == 4  # the malformed file has no tree
    assert [r for r in roots if r() is not None] == []
    assert indexes and all(isinstance(i, crossdoc.FileIndex) for i in indexes)
    for index in indexes:
        assert crossdoc.FileIndex.from_data(json.loads(json.dumps(index.to_data()))) == index


@needs_jing
def test_jing_checks_the_files_after_a_malformed_one(broken: Path) -> None:
    """jing stops at a file that is not well-formed; the files after it are checked again."""
    first = sorted((broken / "tei").glob("1*.xml"))[0]  # the file right after 00-malformed
    text = first.read_text(encoding="utf-8")
    blink = re.sub(r"(<body>.*?<p>)", r"\1<blink/>", text, count=1, flags=re.S)
    first.write_text(blink, encoding="utf-8")
    expected = _validate(broken, engine="jing")
    assert expected.count('error[V310]: element "blink" not allowed anywhere') == 2
    shutil.move(broken / "tei" / "zz-malformed.xml", broken / "tei" / "00-malformed.xml")
    found = _validate(broken, engine="jing")
    renamed = expected.replace("zz-malformed", "00-malformed")
    assert sorted(found.splitlines()) == sorted(renamed.splitlines())  # first now, not last
    assert 'error[V310]: element "blink" not allowed anywhere' in found


def test_a_cache_another_run_is_writing_is_done_without(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: _Parses
) -> None:
    cache_dir = tmp_path / "cache"
    expected = _validate(broken, Cache(cache_dir))
    monkeypatch.setattr("edition.cache.BUSY_WAIT", 0.1)
    with contextlib.closing(sqlite3.connect(cache_dir / "cache.sqlite")) as other:
        other.execute("BEGIN EXCLUSIVE")
        path = broken / "tei" / TELEGRAM
        path.write_text(path.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
        parses.names.clear()
        assert _validate(broken, Cache(cache_dir)) == _validate(broken)
        assert len(parses.names) >= 5, "without the cache every file is read"
        other.rollback()
    parses.names.clear()
    assert _validate(broken, Cache(cache_dir)) == expected
    assert parses.names == [TELEGRAM], "the cache the other run held is kept"


def _checks_nothing(*args, **kwargs):
    raise AssertionError("the run is kept whole: nothing is checked across files again")


@pytest.mark.parametrize("chunk", [1000, 2])
def test_an_unchanged_run_is_reported_whole_from_the_cache(
    broken: Path, tmp_path: Path, monkeypatch, chunk: int
) -> None:
    monkeypatch.setattr(kept, "CHUNK", chunk)
    uncached = _validate(broken)
    found = Reporter()
    api.validate(Project.load(broken), reporter=found, engine="lxml")
    count = len(found.diagnostics)
    assert count > 2
    assert _validate(broken, Cache(tmp_path / "cache")) == uncached
    with sqlite3.connect(tmp_path / "cache" / "cache.sqlite") as db:
        stored = dict(db.execute("SELECT key, value FROM entries WHERE tbl = ?", (kept.RUNS,)))
    last = json.loads(stored.pop(kept.LAST))["run"]
    head = json.loads(stored.pop(last))
    assert head["chunks"] == [f"{last}/{n}" for n in range(len(head["chunks"]))]
    assert sorted(stored) == sorted(head["chunks"])
    chunks = [json.loads(stored[name]) for name in head["chunks"]]
    assert sum(len(records) for records in chunks) == head["files"] == 5
    assert sum(len(record[5]) for records in chunks for record in records) == count
    for records in chunks[:-1]:  # each entry is cut as soon as it weighs ``CHUNK``
        weights = [1 + len(record[5]) for record in records]
        assert sum(weights) >= chunk > sum(weights[:-1])
    parse_xml, check_across = jobs.parse_xml, crossdoc.check_across
    monkeypatch.setattr(jobs, "parse_xml", _no_parsing)
    monkeypatch.setattr(crossdoc, "check_across", _checks_nothing)
    assert _validate(broken, Cache(tmp_path / "cache")) == uncached
    # --ignore and --strict apply to a kept run as to a checked one
    for options in ({"ignore": frozenset({"V421"})}, {"strict": True}):
        monkeypatch.setattr(jobs, "parse_xml", parse_xml)
        monkeypatch.setattr(crossdoc, "check_across", check_across)
        expected = Reporter(**options)
        api.validate(Project.load(broken), reporter=expected, engine="lxml")
        monkeypatch.setattr(jobs, "parse_xml", _no_parsing)
        monkeypatch.setattr(crossdoc, "check_across", _checks_nothing)
        got = Reporter(**options)
        api.validate(
            Project.load(broken), reporter=got, engine="lxml", cache=Cache(tmp_path / "cache")
        )
        assert got.render() == expected.render()


def test_a_run_reported_whole_makes_no_file_key(broken: Path, tmp_path: Path, monkeypatch) -> None:
    """A run kept whole is found by one pass over the files' contents: neither a file's
    own key nor the run's layout is made for it (each is a pass over every file)."""
    first = _validate(broken, Cache(tmp_path / "cache"))

    def not_made(*args: object) -> None:
        raise AssertionError("made for a run reported whole")

    monkeypatch.setattr(runner._Keys, "own_keys", not_made)
    monkeypatch.setattr(runner._Keys, "layout", not_made)
    assert _validate(broken, Cache(tmp_path / "cache")) == first
    monkeypatch.undo()
    path = broken / "tei" / "1975-01-13_telegram_tokyo-00458.xml"
    path.write_text(path.read_text(encoding="utf-8").replace("</body>", "<p>x</p></body>"))
    assert _validate(broken, Cache(tmp_path / "cache")) == _validate(broken)


def test_a_damaged_kept_run_is_checked_again(broken: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(kept, "CHUNK", 2)
    uncached = _validate(broken)
    _validate(broken, Cache(tmp_path / "cache"))
    with sqlite3.connect(tmp_path / "cache" / "cache.sqlite") as db:
        db.execute(
            "UPDATE entries SET value = ? WHERE tbl = ? AND key LIKE '%/1'", (b"[[1]]", kept.RUNS)
        )
    assert _validate(broken, Cache(tmp_path / "cache")) == uncached
    assert _validate(broken, Cache(tmp_path / "cache")) == uncached  # kept again, whole


@pytest.mark.parametrize("batch", [1, 3, 10_000])
def test_entries_read_are_kept_whatever_the_batch_they_are_marked_in(
    broken: Path, tmp_path: Path, parses: _Parses, monkeypatch, batch: int
) -> None:
    """Entries read (not written) in a run are marked in batches: none is dropped as stale."""
    from edition import cache as cache_module

    monkeypatch.setattr(cache_module, "TOUCHED", batch)
    monkeypatch.setattr(kept, "report", lambda *args: False)  # each file's own entry
    cache_dir = tmp_path / "cache"
    expected = _validate(broken, Cache(cache_dir))
    for _ in range(2):  # read only, twice: the second run finds what the first one read
        parses.names.clear()
        assert _validate(broken, Cache(cache_dir)) == expected
        assert parses.names == []


@pytest.mark.parametrize("batch", [1, 2, 1_000])
def test_many_entries_read_at_once_are_those_read_one_by_one(
    demo: Path, tmp_path: Path, monkeypatch, batch: int
) -> None:
    """``get_many`` (one query per batch) finds what ``get`` finds, and keeps what it read."""
    from edition import cache as cache_module

    monkeypatch.setattr(cache_module, "BATCH", batch)
    names = [p.name for p in sorted((demo / "tei").iterdir())] + ['quote " and ünïcode.xml']
    with Cache(tmp_path / "cache") as cache:
        table = cache.table("files-test")
        for n, name in enumerate(names):
            table.put(name, [n, name])
        cache.save()
    with sqlite3.connect(tmp_path / "cache" / "cache.sqlite") as db:
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (b"{damaged", names[1]))
    wanted = [*names[1:], "absent.xml"]  # all but the first, and one never stored
    with Cache(tmp_path / "cache") as cache:
        table = cache.table("files-test")
        one_by_one = {k: v for k in wanted if (v := table.get(k)) is not None}
        assert table.get_many(wanted) == one_by_one
        assert set(one_by_one) == set(names[2:])
    with Cache(tmp_path / "cache") as cache:  # a run that reads them at once, then sweeps
        table = cache.table("files-test")
        table.get_many(names[2:])
        table.complete()
        cache.save()
    with Cache(tmp_path / "cache") as cache:
        table = cache.table("files-test")
        assert table.get(names[0]) is None, "not read: dropped"
        assert table.get_many(names) == {name: [n, name] for n, name in enumerate(names) if n >= 2}


REPORT = "1954-03-30_cia-information-report_ussr-japan.xml"

# Edits an editor makes between two runs; ``same index`` ones keep every id, pointer and line.
CHANGES = {
    "word (same index)": (TELEGRAM, "DEPT PASS TO", "DEPT PLEASE PASS TO"),
    "comment (same index)": (REPORT, "</body>", "<!-- checked --></body>"),
    "line": (REPORT, "<body>", "<body>\n"),
    "pointer": (TELEGRAM, 'ref="register.xml#org-keidanren"', 'ref="register.xml#org-keidanrem"'),
    "id": ("register.xml", 'xml:id="place-tokyo"', 'xml:id="place-tokio"'),
    "schema error (same index)": (REPORT, "</body>", "<blink/></body>"),
    "not well-formed": ("zz-malformed.xml", "</TEI>", "</TEI"),
}


def _change(root: Path, name: str) -> bool:
    """Make one of ``CHANGES`` (False when it was made already)."""
    file, old, new = CHANGES[name]
    path = root / "tei" / file
    text = path.read_text(encoding="utf-8")
    if old not in text:
        return False
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return True


class _CheckedAcross:
    """``crossdoc.check_across`` that counts the files it checks."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.original = crossdoc.check_across

    def __call__(self, doc, edition):
        self.shown.append(doc.shown)
        return self.original(doc, edition)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_file_changed_without_its_index_is_checked_alone(
    broken: Path, tmp_path: Path, parses: _Parses, monkeypatch, engine: str
) -> None:
    """A word changed: only that file is read, and nothing is checked across files again."""
    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir), engine)
    across = _CheckedAcross()
    monkeypatch.setattr(crossdoc, "check_across", across)
    for name in ("word (same index)", "schema error (same index)"):
        assert _change(broken, name)
        parses.names.clear()
        across.shown.clear()
        got = _validate(broken, Cache(cache_dir), engine)
        assert parses.names == [CHANGES[name][0]]
        assert across.shown == []
        assert got == _validate(broken, None, engine)
    assert "blink" in got


def test_a_file_checked_alone_makes_no_other_file_key(
    broken: Path, tmp_path: Path, monkeypatch
) -> None:
    """The changed files are found by their contents (the run's layout the same): no
    other file's key is made (a pass over every file), only the changed file's, to keep
    its fresh result under. A change of settings changes the layout: every file again."""
    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir))
    made: list[int] = []
    own_key = runner._Keys.own_key

    def counted(keys: runner._Keys, n: int) -> str:
        made.append(n)
        return own_key(keys, n)

    def not_made(*args: object) -> None:
        raise AssertionError("every file's key made")

    monkeypatch.setattr(runner._Keys, "own_keys", not_made)
    monkeypatch.setattr(runner._Keys, "own_key", counted)
    assert _change(broken, "word (same index)")
    assert _validate(broken, Cache(cache_dir)) == _validate(broken, None)
    assert len(made) == 1
    made.clear()
    monkeypatch.undo()
    monkeypatch.setattr(runner._Keys, "own_key", counted)
    assert _change(broken, "comment (same index)")
    assert _validate(broken, Cache(cache_dir)) == _validate(broken, None)
    assert len(made) == 1
    made.clear()
    _validate(broken, Cache(tmp_path / "empty"), cross_checks=False)  # every file checked
    every = len(made)
    made.clear()
    assert _validate(broken, Cache(cache_dir), cross_checks=False) == _validate(
        broken, None, cross_checks=False
    )
    assert len(made) == every > 1


def _kept_runs(cache_dir: Path) -> tuple[list[str], dict[str, bytes]]:
    """The last kept run's entries (their keys, in order) and every entry of kept runs."""
    with sqlite3.connect(cache_dir / "cache.sqlite") as db:
        stored = dict(db.execute("SELECT key, value FROM entries WHERE tbl = ?", (kept.RUNS,)))
    db.close()
    last = json.loads(stored[kept.LAST])["run"]
    return json.loads(stored[last])["chunks"], stored


def test_a_file_checked_alone_writes_only_the_entry_it_is_in(
    broken: Path, tmp_path: Path, monkeypatch
) -> None:
    """The new run lists the last run's other entries as they are; reported whole next
    (an unchanged run), it gives what an uncached run gives."""
    monkeypatch.setattr(kept, "CHUNK", 2)  # an entry per file or so
    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir))
    before, _ = _kept_runs(cache_dir)
    assert len(before) >= 3
    assert _change(broken, "word (same index)")
    got = _validate(broken, Cache(cache_dir))
    after, stored = _kept_runs(cache_dir)
    assert len(after) == len(before)
    shared = [name for name in after if name in before]
    assert len(shared) == len(before) - 1, "one entry holds the changed file: written anew"
    (new,) = set(after) - set(before)
    assert any(TELEGRAM in record[1] for record in json.loads(stored[new]))
    assert not any(TELEGRAM in record[1] for name in shared for record in json.loads(stored[name]))
    assert got == _validate(broken, None)
    assert _validate(broken, Cache(cache_dir)) == got  # reported whole, from both runs' entries
    assert _kept_runs(cache_dir)[0] == after


def test_after_an_edit_undone_the_next_edit_is_checked_alone(
    broken: Path, tmp_path: Path, parses: _Parses, monkeypatch
) -> None:
    """An edit undone is a run reported whole from the cache; it is then the last run,
    so a word changed after it is checked alone, not every file across."""
    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir))
    path = broken / "tei" / TELEGRAM
    before = path.read_text(encoding="utf-8")
    assert _change(broken, "word (same index)")
    _validate(broken, Cache(cache_dir))
    path.write_text(before, encoding="utf-8")  # undone: the first run, reported whole
    parses.names.clear()
    got = _validate(broken, Cache(cache_dir))
    assert parses.names == []
    assert got == _validate(broken, None)
    across = _CheckedAcross()
    monkeypatch.setattr(crossdoc, "check_across", across)
    assert _change(broken, "comment (same index)")
    parses.names.clear()
    got = _validate(broken, Cache(cache_dir))
    assert parses.names == [REPORT]
    assert across.shown == []
    assert got == _validate(broken, None)


def test_a_file_whose_index_changed_has_every_file_checked_across(
    broken: Path, tmp_path: Path, parses: _Parses, monkeypatch
) -> None:
    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir))
    across = _CheckedAcross()
    monkeypatch.setattr(crossdoc, "check_across", across)
    assert _change(broken, "line")  # the pointers after it move down a line
    parses.names.clear()
    got = _validate(broken, Cache(cache_dir))
    assert parses.names == [REPORT]
    # Every file that parses is checked across again, from the cached indexes (the
    # malformed one has no index).
    assert sorted(across.shown) == sorted(
        f"tei/{p.name}" for p in (broken / "tei").glob("*.xml") if p.name != "zz-malformed.xml"
    )
    assert got == _validate(broken, None)


@pytest.mark.slow
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(sorted(CHANGES)), min_size=1, max_size=4))
def test_runs_after_changes_report_what_an_uncached_run_reports(
    broken: Path, tmp_path_factory, changes: list[str]
) -> None:
    root = tmp_path_factory.mktemp("edition") / "e"
    shutil.copytree(broken, root)
    cache_dir = root.parent / "cache"
    _validate(root, Cache(cache_dir))
    for name in changes:
        if _change(root, name):
            assert _validate(root, Cache(cache_dir)) == _validate(root, None), f"after {changes}"


def test_validation_hands_the_build_each_file_hash_by_the_path_given(
    demo: Path, tmp_path: Path, monkeypatch
) -> None:
    """What ``edition build`` passes from validation to the site: each document's content
    hash, by the path object it was listed as (absolute, or relative to the folder)."""
    from edition.cache import digest

    monkeypatch.chdir(demo)
    project = Project.load(demo)
    listed = project.tei_files()
    for named in (listed, [p.relative_to(demo) for p in listed]):
        run = api.start_validation(
            project, None, Reporter(), engine="lxml", cache=Cache(tmp_path / "c"), documents=named
        )
        hashes = run.digests()
        run.finish()
        assert {p: hashes[p] for p in named} == {p: digest(p.read_bytes()) for p in named}


def test_edits_checked_alone_leave_stale_results_for_a_sweep_later(
    broken: Path, tmp_path: Path, parses: _Parses
) -> None:
    """A file checked alone does not note every other file's result as used (a pass over
    the edition), so the result it replaces stays; once such results outnumber the
    files, the run sweeps. The results held stay under twice the files plus one, and
    every run reports what an uncached run reports."""
    from edition.validation.runner import SECTION

    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir))
    files = len(list((broken / "tei").glob("*.xml")))

    def held() -> int:
        with contextlib.closing(sqlite3.connect(cache_dir / "cache.sqlite")) as db:
            return db.execute("SELECT COUNT(*) FROM entries WHERE tbl = ?", (SECTION,)).fetchone()[
                0
            ]

    first, counts = held(), []
    path, said = broken / "tei" / TELEGRAM, "DEPT PASS TO"
    for n in range(3 * files):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(said, f"DEPT PASS {n} TO", 1), encoding="utf-8")
        said = f"DEPT PASS {n} TO"
        parses.names.clear()
        got = _validate(broken, Cache(cache_dir))
        assert parses.names == [TELEGRAM], "checked alone"
        assert got == _validate(broken, None)
        counts.append(held())
    assert first <= files + 1
    assert max(counts) > first, "a stale result is left for later"
    assert max(counts) <= 2 * files + 1, "and swept"
    assert min(counts[files:]) < max(counts), "more than once"


@pytest.mark.parametrize("options", [{}, {"ignore": frozenset({"V421"})}, {"strict": True}])
def test_a_file_checked_alone_reports_the_others_as_they_were_read_once(
    broken: Path, tmp_path: Path, monkeypatch, options: dict[str, object]
) -> None:
    """A word changed: what the other files had is gathered as the last run is read (once:
    only the entry that holds the changed file is read again), then reported in its place,
    with --ignore and --strict applied as an uncached run applies them; the main reporter
    spools past the first diagnostic, so the gathered ones are copied file to file."""
    monkeypatch.setattr(kept, "CHUNK", 2)  # an entry per file or so
    monkeypatch.setattr(Reporter, "HELD", 1)
    cache_dir = tmp_path / "cache"
    _validate(broken, Cache(cache_dir))
    assert _change(broken, "word (same index)")
    read: list[str] = []
    entry = kept.entry

    def reading(cache: Cache, name: str) -> list[list[object]]:
        read.append(name)
        return entry(cache, name)

    monkeypatch.setattr(kept, "entry", reading)
    got = Reporter(**options)  # type: ignore[arg-type]
    api.validate(Project.load(broken), reporter=got, engine="lxml", cache=Cache(cache_dir))
    assert len(read) == len(set(read)) + 1, "every entry read once, the changed one twice"
    monkeypatch.setattr(kept, "entry", entry)
    expected = Reporter(**options)  # type: ignore[arg-type]
    api.validate(Project.load(broken), reporter=expected, engine="lxml")
    assert got.render() == expected.render()
    assert got.codes() == expected.codes()
    assert [got.count(s) for s in Severity] == [expected.count(s) for s in Severity]
