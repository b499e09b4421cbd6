"""Incremental and parallel builds give exactly the site a clean serial build gives."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import shutil
import sqlite3
import tomllib
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edition.cache import PAGE_CACHE_KIB, Cache, digest
from edition.diagnostics import Reporter
from edition.executors import make_executor
from edition.packed import FileList, PackedHashes
from edition.project import Project
from edition.site import catalogue, pages, steps, wide
from edition.site.builder import build_site, files_layout
from edition.site.catalogue import Totals
from edition.site.documents import DocumentSummary
from edition.site.order import Order
from edition.site.state import NewState, PreviousState
from edition.validation.results import Results

TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"
CONVERSATION = "1960-05-10_record-of-conversation_khrushchev-fukuda-takasaki.xml"
REPORT = "1954-03-30_cia-information-report_ussr-japan.xml"

#: A small volume in the FRUS manner: three documents that the build splits apart.
VOLUME = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="vol" xml:lang="en">
  <teiHeader><fileDesc>
    <titleStmt><title type="volume">A small volume</title></titleStmt>
    <publicationStmt><p>Test.</p></publicationStmt>
    <sourceDesc><p>Made for the tests.</p></sourceDesc>
  </fileDesc></teiHeader>
  <text><body>
    <div type="document" xml:id="d1"><head>First letter</head>
      <dateline><date when="1919-01-02">2 January</date></dateline>
      <p>Text one, see <ref target="#d3">the third</ref>.</p><pb n="2" xml:id="pg_2"/></div>
    <div type="document" xml:id="d2"><head>Second letter</head>
      <dateline><date when="1919-01-05">5 January</date></dateline>
      <p>Text two.</p></div>
    <div type="document" xml:id="d3"><head>Third letter</head>
      <dateline><date when="1919-01-09">9 January</date></dateline>
      <p>Text three, back to <ref target="#pg_2">page 2</ref>.</p></div>
  </body></text>
</TEI>
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def edition(demo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo edition plus a small volume, without search (Pagefind is tested elsewhere).

    Its documents list is paged two rows a page, and an entity's mentions five a page, so
    that edits move rows and mentions across pages.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = demo / "edition.toml"
    config.write_text(
        config.read_text()
        + "\n[site]\nsearch = false\ndocuments_per_page = 2\nmentions_per_page = 5\n"
    )
    (demo / "tei" / "volume.xml").write_text(VOLUME)
    return demo


def clean_build(root: Path, into: Path) -> dict[str, bytes]:
    """The site of a clean, serial, uncached build of ``root``, built in a copy."""
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(root, into, ignore=shutil.ignore_patterns("site", ".edition-cache", ".site.*"))
    reporter = Reporter()
    result = build_site(Project.load(into), reporter, validated=False)
    assert not result.failed, reporter.render()
    return snapshot(into / "site")


def incremental_build(root: Path, executor=None) -> tuple[dict[str, bytes], int]:
    reporter = Reporter()
    project = Project.load(root)
    result = build_site(
        project, reporter, validated=False, cache=Cache(project.cache_dir), executor=executor
    )
    assert not result.failed, reporter.render()
    return snapshot(root / "site"), result.written


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _toggle_dts_units(root: Path) -> None:
    """Turn ``[site] dts_units`` on, or off again (the fixture's config ends with ``[site]``)."""
    config = root / "edition.toml"
    text = config.read_text(encoding="utf-8")
    if tomllib.loads(text)["site"].get("dts_units"):
        text = re.sub(r"(?m)^dts_units = true\n", "", text)
    else:
        text += "dts_units = true\n"
    config.write_text(text, encoding="utf-8")


def _toggle_paging(root: Path) -> None:
    """Page the documents list three rows a page instead of two, or back."""
    config = root / "edition.toml"
    text = config.read_text(encoding="utf-8")
    if "documents_per_page = 2\n" in text:
        text = text.replace("documents_per_page = 2\n", "documents_per_page = 3\n")
    else:
        text = text.replace("documents_per_page = 3\n", "documents_per_page = 2\n")
    config.write_text(text, encoding="utf-8")


def _unit_files(site: dict[str, bytes]) -> list[str]:
    """The per-unit DTS files (``dts/navigation/RESOURCE/REF.json``, ``dts/document/…``)."""
    return [name for name in site if name.startswith("dts/") and name.count("/") == 3]


# Each edit changes one input the way an editor would; several in a row must still agree.
EDITS = {
    "text": lambda root: _replace(root / "tei" / TELEGRAM, "DEPT PASS TO", "DEPT PLEASE PASS TO"),
    "paragraph": lambda root: _replace(root / "tei" / REPORT, "</body>", "<p>New.</p></body>"),
    # Summaries changed, the documents' ids, titles and dates not: a file rendered alone.
    "keyword": lambda root: _replace(
        root / "tei" / REPORT, "<term>Japan</term>", "<term>Japan</term><term>Fish</term>"
    ),
    # A mention more in the first document: every later page of Japan's mentions moves.
    "mention": lambda root: _replace(
        root / "tei" / REPORT,
        "</body>",
        '<p><placeName ref="register.xml#place-japan">Nippon</placeName>.</p></body>',
    ),
    # A mention fewer: the conversation's first of Japan (its mentions come after the report's).
    "unmention": lambda root: _replace(
        root / "tei" / CONVERSATION,
        '<placeName ref="register.xml#place-japan">Japan</placeName>',
        "Japan",
    ),
    "sign": lambda root: _replace(
        root / "tei" / "volume.xml", "Text two.", "Text <unclear>two</unclear>."
    ),
    "title": lambda root: _replace(root / "tei" / "volume.xml", "Second letter", "Second, revised"),
    "date": lambda root: _replace(root / "tei" / "volume.xml", "1919-01-09", "1918-12-31"),
    "remove": lambda root: (root / "tei" / CONVERSATION).unlink(missing_ok=True),
    "add": lambda root: (root / "tei" / "copy.xml").write_text(
        (root / "tei" / "volume.xml").read_text().replace('xml:id="vol"', 'xml:id="vol2"')
    ),
    "register": lambda root: _replace(
        root / "tei" / "register.xml", "</persName>", " (ed.)</persName>"
    ),
    "template": lambda root: _replace(
        root / "templates" / "base.html", "</footer>", "<p>x</p></footer>"
    ),
    "static": lambda root: (root / "templates" / "static" / "edition.css").write_text("p{}\n"),
    "config": lambda root: _replace(root / "edition.toml", "title = ", "title = 'Revised' #"),
    "introduction": lambda root: _replace(
        root / "docs" / "introduction.md", "edition presents", "edition, revised, presents"
    ),
    "dts_units": _toggle_dts_units,
    "paging": _toggle_paging,
    "nothing": lambda root: None,
    # A minute later, the same day: only the feed's times say so.
    "epoch": lambda root: os.environ.update(
        SOURCE_DATE_EPOCH=str(int(os.environ["SOURCE_DATE_EPOCH"]) + 60)
    ),
}


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4))
def test_incremental_builds_equal_clean_builds(edition: Path, tmp_path_factory, edits) -> None:
    root = tmp_path_factory.mktemp("edition") / "e"
    shutil.copytree(edition, root)
    incremental_build(root)
    for name in edits:
        try:
            EDITS[name](root)
        except AssertionError:
            continue  # that edit was already made
        built, _ = incremental_build(root)
        assert built == clean_build(root, root.parent / "clean"), f"after {edits}"


@pytest.mark.parametrize(
    "edits",
    [
        ("mention",),
        ("unmention",),
        ("text", "mention", "unmention"),
        ("unmention", "register", "mention"),
        ("mention", "remove", "add"),
        ("paging", "mention"),
    ],
)
def test_edits_of_mentions_equal_clean_builds(edition: Path, tmp_path: Path, edits) -> None:
    """Mentions added and removed move the pages of an entity's mentions that the last
    build kept (five a page here): each build is still the clean one."""
    root = tmp_path / "e"
    shutil.copytree(edition, root)
    incremental_build(root)
    for name in edits:
        EDITS[name](root)
        built, _ = incremental_build(root)
        assert built == clean_build(root, tmp_path / "clean"), f"after {edits}"


def test_a_corrected_word_reads_only_the_mention_pages_its_document_is_on(
    edition: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of an entity's mentions that no changed document is on is the last build's:
    its hash and where it ends are kept, its rows are not read again."""
    incremental_build(edition)
    read: list[tuple[str, int]] = []
    rows = catalogue.MentionPage._rows.func  # type: ignore[attr-defined]

    def counted(page: catalogue.MentionPage) -> list[Any]:
        read.append((page.entity, page.number))
        return rows(page)

    monkeypatch.setattr(catalogue.MentionPage, "_rows", functools.cached_property(counted))
    monkeypatch.setattr(catalogue.MentionPage._rows, "attrname", "_rows", raising=False)
    EDITS["text"](edition)  # a word of the telegram
    built, _ = incremental_build(edition)
    state = edition / ".edition-cache" / "site.sqlite"
    with contextlib.closing(sqlite3.connect(state)) as db:
        named = {
            entity
            for (entity,) in db.execute(
                "SELECT DISTINCT m.entity FROM mentions m JOIN documents d USING (position)"
                " WHERE d.job LIKE ?",
                (f"%{TELEGRAM}",),
            )
        }
        pages = db.execute("SELECT COUNT(*) FROM mention_pages").fetchone()[0]
    assert named and read
    assert {entity for entity, _ in read} <= named
    # Each of its entities: the page it is on, and that entity's last page if not full
    # (each read twice: hashed for the index of its kind, then rendered).
    assert len(set(read)) <= 2 * len(named) < pages
    assert built == clean_build(edition, edition.parent / "clean")


def test_nothing_changed_writes_nothing(edition: Path) -> None:
    first, written = incremental_build(edition)
    assert written == len(first)
    assert "documents/by-title/page-3/index.html" in first  # the lists are paged
    stamps = {p: p.stat().st_mtime_ns for p in (edition / "site").rglob("*") if p.is_file()}
    again, written = incremental_build(edition)
    assert written == 0
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in (edition / "site").rglob("*") if p.is_file()} == stamps


def test_unchanged_inputs_are_known_without_scanning_a_file(
    edition: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every input hashed as the last build's (the documents, the register's and the
    introduction's files, templates, configuration): the build is the last one, and no
    file is read to know it; any of them changed, it builds again."""
    first, _ = incremental_build(edition)
    scan = steps.Steps.scan

    def no_scan(self, files, digests):  # type: ignore[no-untyped-def]
        raise AssertionError("a file was scanned although nothing changed")

    monkeypatch.setattr(steps.Steps, "scan", no_scan)
    again, written = incremental_build(edition)
    assert (again, written) == (first, 0)
    monkeypatch.setattr(steps.Steps, "scan", scan)
    for name in ("introduction", "register", "text"):
        EDITS[name](edition)
        built, written = incremental_build(edition)
        assert written > 0, name
        monkeypatch.setattr(steps.Steps, "scan", no_scan)
        assert incremental_build(edition) == (built, 0), name
        monkeypatch.setattr(steps.Steps, "scan", scan)
    assert b"This edition, revised, presents" in built["index.html"]


def test_one_changed_document_rewrites_only_its_own_files(edition: Path) -> None:
    incremental_build(edition)
    stamps = {p: p.stat().st_mtime_ns for p in (edition / "site").rglob("*") if p.is_file()}
    _replace(edition / "tei" / TELEGRAM, "PREPARED TRANSLATION", "PREPARED A TRANSLATION")
    _, written = incremental_build(edition)
    changed = sorted(
        p.relative_to(edition / "site").as_posix()
        for p in (edition / "site").rglob("*")
        if p.is_file() and stamps.get(p) != p.stat().st_mtime_ns
    )
    assert len(changed) == written
    slug = "1975-01-13_telegram_tokyo-00458"
    assert changed, "the edit must show"
    assert [path for path in changed if slug not in path] == []


def test_each_edition_wide_output_is_remade_only_when_what_it_shows_changed(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed and the DTS collection come from the summaries: a text edit keeps both, a
    keyword remakes the feed alone."""
    made: list[str] = []
    for output in wide.SITE_OUTPUTS.values():
        original = output.edition

        def counted(project, catalogue, original=original, name=output.name):  # type: ignore[no-untyped-def]
            made.append(name)
            return original(project, catalogue)

        monkeypatch.setattr(output, "edition", counted)
    incremental_build(edition)
    assert made == ["dts", "atom"]
    made.clear()
    EDITS["paragraph"](edition)  # a paragraph more in the report: its summary stays the same
    built, _ = incremental_build(edition)
    assert made == []
    assert built == clean_build(edition, tmp_path / "clean")
    made.clear()
    EDITS["title"](edition)  # a document's title: in the feed and the collection
    built, _ = incremental_build(edition)
    assert made == ["dts", "atom"]
    assert b"Second, revised" in built["feed.xml"]
    assert built == clean_build(edition, tmp_path / "clean")
    made.clear()  # a keyword: in the feed's categories, not in the collection
    _replace(edition / "tei" / REPORT, "<term>Japan</term>", "<term>Japan</term><term>Fish</term>")
    built, _ = incremental_build(edition)
    assert made == ["atom"]
    assert b'<category term="Fish"/>' in built["feed.xml"]
    assert built == clean_build(edition, tmp_path / "clean")


def test_a_title_edit_remakes_the_one_page_of_the_dts_collection_it_is_on(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root collection's pages are keyed by their window's documents (two a page)."""
    from edition.outputs import dts

    monkeypatch.setattr(dts, "COLLECTION_PAGE", 2)
    made: list[str] = []
    put_chunks = wide.SiteWriter.put_chunks

    def counted(writer, relative, chunks, current=None):  # type: ignore[no-untyped-def]
        made.append(relative)
        return put_chunks(writer, relative, chunks, current)

    monkeypatch.setattr(wide.SiteWriter, "put_chunks", counted)
    first, _ = incremental_build(edition)
    pages = sorted(name for name in made if name.startswith("dts/collection"))
    assert len(pages) == 4  # collection.json, the same under the edition's id, pages 2 and 3
    made.clear()
    EDITS["title"](edition)  # the second letter of the volume, 1919: on the first page
    built, _ = incremental_build(edition)
    remade = sorted(name for name in made if name.startswith("dts/collection"))
    changed = sorted(name for name in pages if built[name] != first[name])
    assert remade == changed == ["dts/collection.json", "dts/collection/mt.json"]  # page 1
    assert any(b"Second, revised" in built[name] for name in remade)
    assert built == clean_build(edition, tmp_path / "clean")


def test_a_summary_changed_alone_hashes_again_only_the_list_windows_it_is_in(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hashes of many summaries (a list page's window, the whole catalogue's, an
    output's) are kept with the state: a keyword added to one document hashes again the
    one window of each order that holds it, and the feed's records, not the collection's."""
    from edition.site import catalogue

    hashed: list[tuple[str, int, int]] = []
    hashed_in_sql = catalogue._hashed_in_sql

    def counted(db, query, parameters, low, high):  # type: ignore[no-untyped-def]
        ranks = re.search(r"FROM (order_\w+) AS o", query)
        what = ranks.group(1) if ranks else "output" if parameters else "content"
        hashed.append((what, *parameters, low, high))
        return hashed_in_sql(db, query, parameters, low, high)

    monkeypatch.setattr(catalogue, "_hashed_in_sql", counted)
    incremental_build(edition)
    windows = [h for h in hashed if h[0].startswith("order_")]
    assert len(windows) > 2 * len(pages.SORTS)  # the lists are paged, two documents a page
    hashed.clear()
    _replace(edition / "tei" / REPORT, "<term>Japan</term>", "<term>Japan</term><term>Fish</term>")
    built, _ = incremental_build(edition)
    again = sorted(h[0] for h in hashed)
    orders = sorted(f"order_{s.key}" for s in pages.SORTS)
    assert again == sorted(["content", "order_edition", *orders, "output"])
    assert ("output", "atom", 0, 6) in hashed
    assert built == clean_build(edition, tmp_path / "clean")


def test_a_damaged_record_of_the_outputs_remakes_them(edition: Path, tmp_path: Path) -> None:
    first, _ = incremental_build(edition)
    state = edition / ".edition-cache" / "site.sqlite"
    assert first
    for n, damaged in enumerate(("{not json", '["a list"]', '{"key": 1, "files": "feed.xml"}')):
        with sqlite3.connect(state) as db:
            db.execute("UPDATE meta SET value = ? WHERE name = 'outputs'", (damaged,))
            # Else the edit below (a summary unchanged) keeps every edition-wide file whole.
            db.execute("UPDATE meta SET value = '' WHERE name = 'edition-wide'")
        db.close()
        # A change (a comment), so that the build is not skipped as unchanged.
        _replace(edition / "tei" / REPORT, "</body>", f"<!-- {n} --></body>")
        built, _ = incremental_build(edition)
        assert built == clean_build(edition, tmp_path / "clean")


def test_a_corrected_word_keeps_every_edition_wide_page_without_looking_at_it(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No summary changed: the lists, indexes, feed and sitemap are the last build's, neither
    rendered nor fingerprinted; a title edit renders them; a damaged record of them is
    not taken."""
    rendered: list[str] = []
    fingerprinted: list[object] = []
    generate, fingerprint = wide.templates.generate, wide.EditionWide.fingerprint

    def counted(env, template, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(kwargs["page_path"])
        return generate(env, template, *args, **kwargs)

    def counted_fingerprint(self, context):  # type: ignore[no-untyped-def]
        fingerprinted.append(context)
        return fingerprint(self, context)

    monkeypatch.setattr(wide.templates, "generate", counted)
    monkeypatch.setattr(wide.EditionWide, "fingerprint", counted_fingerprint)
    first, _ = incremental_build(edition)
    assert "documents/by-title/page-3/index.html" in rendered
    rendered.clear()
    fingerprinted.clear()
    EDITS["paragraph"](edition)  # a paragraph more in the report: its summary stays the same
    built, written = incremental_build(edition)
    assert (rendered, fingerprinted) == ([], [])
    assert 0 < written < len(first)
    assert built == clean_build(edition, tmp_path / "clean")
    EDITS["title"](edition)
    built, _ = incremental_build(edition)
    assert "index.html" in rendered
    assert b"Second, revised" in built["documents/index.html"]
    assert built == clean_build(edition, tmp_path / "clean")
    state = edition / ".edition-cache" / "site.sqlite"
    for n, (name, damaged) in enumerate((("totals", "{not json"), ("edition-pages", "3"))):
        with sqlite3.connect(state) as db:
            db.execute("UPDATE meta SET value = ? WHERE name = ?", (damaged, name))
        db.close()
        fingerprinted.clear()
        _replace(edition / "tei" / REPORT, "</body>", f"<p>{n}</p></body>")
        built, _ = incremental_build(edition)
        assert fingerprinted, name  # every edition-wide page looked at again
        assert built == clean_build(edition, tmp_path / "clean")


#: A volume listing its persons itself (FRUS's ``div[@xml:id='persons']``): register entries.
PERSONS = """<front><div xml:id="persons"><head>Persons</head><list>
      <item><persName xml:id="p_SJ">Smith, John</persName>, Ambassador</item>
    </list></div></front>
  <text><body>"""


class _Counted:
    """What each build did: its scans (how many files at once), render jobs, rows of the
    last state copied one by one (``carry_over``) and totals read from every summary."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.scans: list[int] = []
        self.rendered: list[str] = []
        self.carried = 0
        self.totalled = 0
        scans, render_file = steps.Steps.scans, steps.render_file
        carry_over, totals_of = NewState.carry_over, Totals.of

        def counted_scans(build, files, digests):  # type: ignore[no-untyped-def]
            self.scans.append(len(files))
            return scans(build, files, digests)

        def counted_render(shared, item):  # type: ignore[no-untyped-def]
            self.rendered.append(item.shown)
            return render_file(shared, item)

        def counted_carry_over(state, previous):  # type: ignore[no-untyped-def]
            self.carried += 1
            return carry_over(state, previous)

        def counted_totals(db):  # type: ignore[no-untyped-def]
            self.totalled += 1
            return totals_of(db)

        monkeypatch.setattr(steps.Steps, "scans", counted_scans)
        monkeypatch.setattr(steps, "render_file", counted_render)
        monkeypatch.setattr(NewState, "carry_over", counted_carry_over)
        monkeypatch.setattr(Totals, "of", staticmethod(counted_totals))

    def taken(self) -> tuple[list[int], list[str], int, int]:
        """What was counted since the last call (sorted jobs)."""
        found = (self.scans[:], sorted(self.rendered), self.carried, self.totalled)
        self.scans.clear(), self.rendered.clear()
        self.carried = self.totalled = 0
        return found


def test_a_corrected_word_scans_and_renders_its_file_alone(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its documents keep their ids, titles and dates: only that file is scanned and
    rendered, into a copy of the last state, and the totals are the last build's unless
    what they count changed. An edit that moves a document, or a person a volume lists
    renamed, builds the whole way again; each site is a clean build's."""
    volume = edition / "tei" / "volume.xml"
    volume.write_text(VOLUME.replace("  <text><body>", PERSONS))
    counted = _Counted(monkeypatch)
    incremental_build(edition)
    scanned, jobs, copied, totalled = counted.taken()
    files = scanned[0]
    assert (files, len(jobs), copied, totalled) == (4, 4, 1, 1)

    def rebuilt() -> tuple[list[int], list[str], int, int]:
        built, _ = incremental_build(edition)
        found = counted.taken()
        assert built == clean_build(edition, tmp_path / "clean")
        counted.taken()
        return found

    EDITS["text"](edition)
    assert rebuilt() == ([1], [f"tei/{TELEGRAM}"], 0, 0)
    _replace(volume, "Text two.", "Text 2.")  # a volume's document, its persons untouched
    assert rebuilt() == ([1], ["tei/volume.xml"], 0, 0)
    _replace(edition / "tei" / TELEGRAM, "PREPARED TRANSLATION", "PREPARED A TRANSLATION")
    _replace(volume, "Text 2.", "Text two.")
    assert rebuilt() == ([2], sorted([f"tei/{TELEGRAM}", "tei/volume.xml"]), 0, 0)
    _replace(volume, "Text two.", "Text <unclear>two</unclear>.")  # a sign it had not used
    assert rebuilt() == ([1], ["tei/volume.xml"], 0, 1)
    EDITS["date"](edition)  # the third letter moves before the first: the whole way
    scanned, jobs, copied, _ = rebuilt()
    assert scanned == [1, files] and copied == 1 and "tei/volume.xml" in jobs
    _replace(volume, "Smith, John", "Smith, John W.")  # a register entry of every page
    scanned, jobs, copied, _ = rebuilt()
    assert scanned == [1, files] and len(jobs) == files and copied == 1
    assert b"Smith, John W." in (edition / "site" / "persons" / "index.html").read_bytes()


def test_the_changed_jobs_are_found_by_the_files_contents(edition: Path) -> None:
    """The content hashes the last build was made from are compared with this build's: a
    changed source (or a job that reported something) is found at its place; a file
    added, removed or renamed means the files are not the last build's."""
    incremental_build(edition)
    project = Project.load(edition)
    files = project.tei_files()
    names, folder = list(files.names()), project.shown_folder(files)
    contents = PackedHashes(digest(path.read_bytes()) for path in files)
    assert len(files) >= 3
    state = project.cache_dir / "site.sqlite"

    def changed(names: list[str], contents: list[str]) -> list[int] | None:
        listed = FileList(files.folder, names)
        layout = files_layout(project, listed)
        found = PreviousState(state).changed_jobs(
            layout, PackedHashes(contents), folder, listed.names_column()
        )
        return None if found is None else [job.file_number for job in found]

    assert changed(names, list(contents)) == []
    assert changed(names, [contents[0], digest(b"another"), *contents[2:]]) == [1]
    assert changed(names[1:], list(contents)[1:]) is None  # a file removed
    assert changed([*names, "zz-new.xml"], [*contents, digest(b"x")]) is None  # one added
    assert changed(["0-renamed.xml", *names[1:]], list(contents)) is None  # one renamed
    with contextlib.closing(sqlite3.connect(state)) as db, db:
        db.execute("UPDATE jobs SET key = '' WHERE shown = ?", (folder + names[2],))
    assert changed(names, list(contents)) == [2]  # it reported something: built again


def test_the_working_databases_keep_a_bounded_page_cache(edition: Path) -> None:
    """The site's state (read, written anew, updated in place), the validation run's
    results and the documents' orders hold at most ``PAGE_CACHE_KIB`` of pages each,
    not SQLite's 2 MiB a connection: a large build's memory does not fill up with them."""
    incremental_build(edition)
    state = edition / ".edition-cache" / "site.sqlite"
    bounded = -PAGE_CACHE_KIB
    previous = PreviousState(state)
    assert previous._query("PRAGMA cache_size") == [(bounded,)]
    previous.close()
    updated = NewState(state, in_place=True)
    assert updated._db.execute("PRAGMA cache_size").fetchone() == (bounded,)
    updated.discard()
    anew = NewState(edition / "new.sqlite")
    assert anew._db.execute("PRAGMA cache_size").fetchone() == (bounded,)
    anew.discard()
    with Results() as results:
        assert results._db.execute("PRAGMA cache_size").fetchone() == (bounded,)
    assert Order("edition")._db.execute("PRAGMA cache_size").fetchone() == (bounded,)


def test_a_corrected_word_in_a_file_whose_ids_were_made_unique_renders_it_alone(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of a document, with its id: the build makes it ``…-2``. A word corrected in
    the copy keeps the id the first build gave, and its neighbours' pagers."""
    telegram = edition / "tei" / TELEGRAM
    (edition / "tei" / "zz-copy.xml").write_text(telegram.read_text(encoding="utf-8"))
    counted = _Counted(monkeypatch)
    first, _ = incremental_build(edition)
    slugs = sorted({name.split("/")[1] for name in first if name.startswith("documents/")})
    unique = [slug for slug in slugs if slug.endswith("00458-2")]
    assert len(unique) == 1
    counted.taken()
    _replace(edition / "tei" / "zz-copy.xml", "DEPT PASS TO", "DEPT PLEASE PASS TO")
    built, _ = incremental_build(edition)
    assert counted.taken()[:3] == ([1], ["tei/zz-copy.xml"], 0)
    assert b"PLEASE PASS" in built[f"documents/{unique[0]}/index.html"]
    assert b"PLEASE PASS" not in built[f"documents/{unique[0][:-2]}/index.html"]
    assert built == clean_build(edition, tmp_path / "clean")


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE jobs SET pieces = '{not json' WHERE shown LIKE '%telegram%'",
        "UPDATE jobs SET pieces = '[[1]]' WHERE shown LIKE '%telegram%'",
        "UPDATE meta SET value = 'x' WHERE name = 'entries'",
    ],
)
def test_a_damaged_row_of_the_last_state_builds_the_whole_way(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """A job's documents unreadable, or the count of the edition's documents: every file's
    key is looked at again, and the site is a clean build's."""
    counted = _Counted(monkeypatch)
    incremental_build(edition)
    with sqlite3.connect(edition / ".edition-cache" / "site.sqlite") as db:
        assert db.execute(damage).rowcount == 1
    db.close()
    counted.taken()
    EDITS["text"](edition)
    built, _ = incremental_build(edition)
    scanned, _, copied, _ = counted.taken()
    assert scanned == [1, 4] and copied == 1
    assert built == clean_build(edition, tmp_path / "clean")


def test_a_corrected_word_that_breaks_the_file_leaves_the_site_as_it_was(
    edition: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = incremental_build(edition)
    _replace(edition / "tei" / TELEGRAM, "DEPT PASS TO", "DEPT <PASS TO")
    reporter = Reporter()
    project = Project.load(edition)
    result = build_site(project, reporter, validated=False, cache=Cache(project.cache_dir))
    assert result.failed
    assert f"tei/{TELEGRAM}:" in reporter.render()
    assert snapshot(edition / "site") == first
    _replace(edition / "tei" / TELEGRAM, "DEPT <PASS TO", "DEPT PASS TO")
    assert incremental_build(edition) == (first, 0)


def test_turning_dts_units_on_and_off_adds_and_removes_the_unit_files(
    edition: Path, tmp_path: Path
) -> None:
    first, _ = incremental_build(edition)
    assert _unit_files(first) == []
    _toggle_dts_units(edition)
    assert Project.load(edition).settings.site.dts_units
    with_units, _ = incremental_build(edition)
    assert with_units == clean_build(edition, tmp_path / "clean")
    assert _unit_files(with_units)
    added = set(with_units) - set(first)
    # Beside its units, each document's whole TEI: a copy of its download.
    whole = {name for name in added if name.startswith("dts/document/") and name.count("/") == 2}
    assert added - whole == set(_unit_files(with_units))
    navigation = {name.split("/")[2] for name in first if name.startswith("dts/navigation/")}
    assert {name.removeprefix("dts/document/").removesuffix(".xml") for name in whole} == {
        name.removesuffix(".json") for name in navigation
    }
    for name in whole:
        slug = name.removeprefix("dts/document/").removesuffix(".xml")
        assert with_units[name] == with_units[f"documents/{slug}/{slug}.xml"]
    _toggle_dts_units(edition)
    again, _ = incremental_build(edition)
    assert again == first


def test_unreadable_or_foreign_cache_is_ignored(edition: Path) -> None:
    first, _ = incremental_build(edition)
    damaged = [
        edition / ".edition-cache" / "cache.sqlite",
        edition / ".edition-cache" / "site.sqlite",
    ]
    for section in damaged:
        section.write_bytes(b"{not SQLite")
    again, written = incremental_build(edition)
    assert again == first
    assert written == len(first), "without a usable cache the build is a full one"


@pytest.mark.slow
def test_process_pool_output_is_byte_identical_to_serial(edition: Path, tmp_path: Path) -> None:
    serial = clean_build(edition, tmp_path / "serial")
    executor = make_executor("local", 2)
    try:
        parallel, _ = incremental_build(edition, executor)
    finally:
        executor.close()
    assert parallel == serial


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_in_rounds_of_one_build_the_same_site(
    edition: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Scans and renders go ``CHUNK`` files at a time: rounds of one file change nothing."""
    whole = clean_build(edition, tmp_path / "whole")
    monkeypatch.setattr(steps, "CHUNK", 1)
    executor = make_executor("local", jobs)
    try:
        rounds, _ = incremental_build(edition, executor)
        _replace(edition / "tei" / "volume.xml", "1919-01-05", "1976-01-05")  # reorders
        again, written = incremental_build(edition, executor)
    finally:
        executor.close()
    assert rounds == whole
    assert written and again == clean_build(edition, tmp_path / "after")


@pytest.mark.slow
def test_dask_cluster_output_is_byte_identical_to_local(edition: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    serial = clean_build(edition, tmp_path / "serial")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        executor = make_executor("dask", scheduler=cluster.scheduler_address)
        try:
            on_cluster, _ = incremental_build(edition, executor)
            workers = executor.client.run(os.getpid)  # type: ignore[attr-defined]
        finally:
            executor.close()
    assert on_cluster == serial
    assert len(workers) == 2


def test_an_entity_page_holds_no_other_page_of_mentions(edition: Path, monkeypatch) -> None:
    """Each page of an entity's mentions is read for that page and dropped after it. Until
    December 2026 the mentions read for each page were kept until the last entity of its
    kind: at 903 copies of the demo's documents, the edition-wide step held 731 MiB,
    against 80 MiB for the most mentioned person's page alone (now paged as well)."""
    live: weakref.WeakSet[catalogue.MentionPage] = weakref.WeakSet()
    held: list[int] = []
    made = catalogue.MentionPage.__init__
    decode = catalogue._pairs

    def init(self: catalogue.MentionPage, *args: Any) -> None:
        made(self, *args)
        live.add(self)

    def pairs(*args: Any) -> Iterator[Any]:
        gc.collect()
        held.append(sum(1 for page in live if "_pairs" in page.__dict__))
        return decode(*args)

    monkeypatch.setattr(catalogue.MentionPage, "__init__", init)
    monkeypatch.setattr(catalogue, "_pairs", pairs)
    built, _ = incremental_build(edition)
    assert len(held) >= 3, "the demo's persons and places have pages with mentions"
    assert held == [0] * len(held)
    assert built == clean_build(edition, edition.parent / "clean")


def test_an_entity_page_lists_documents_without_their_whole_summaries(edition: Path) -> None:
    """An entity's mentions carry each document's id, slug, title and date from the
    catalogue's columns; any other field of its summary is read when asked (a project's
    own template may show it), and is the summary's."""
    incremental_build(edition)
    state = edition / ".edition-cache" / "site.sqlite"
    with contextlib.closing(sqlite3.connect(state)) as db:
        (entity,) = db.execute(
            "SELECT entity FROM mentions GROUP BY entity ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()
        pairs = list(catalogue.Catalogue(db, ranked=True).mentions(entity))
        documents = list(dict.fromkeys(doc for doc, _ in pairs))  # a document's pairs share it
        assert pairs and len(documents) < len(pairs)
        for doc in documents:
            assert doc._summary is None  # only the columns read
            (data,) = db.execute(
                "SELECT data FROM documents WHERE slug = ?", (doc.slug,)
            ).fetchone()
            summary = DocumentSummary.from_data(orjson.loads(data))
            assert (doc.id, doc.slug, doc.title, doc.date) == (
                summary.id,
                summary.slug,
                summary.title,
                summary.date,
            )
            assert (doc.shown, doc.meta, doc.mentions) == (
                summary.shown,
                summary.meta,
                summary.mentions,
            )
            assert doc._summary is not None
            with pytest.raises(AttributeError):
                _ = doc.no_such_field
