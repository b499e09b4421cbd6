"""The search index of an incremental build is remade when, and only when, a page changed.

The data: the demo edition built with search; rebuilt with nothing changed, after a
comment added to a document (no page changes), and after a word changed in one.
"""

from __future__ import annotations

import errno
import gzip
import os
import subprocess
import sys
import threading
from pathlib import Path

import orjson
import pytest

from edition import api
from edition.diagnostics import Reporter
from edition.project import Project
from edition.site import search

pytestmark = pytest.mark.slow

TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"


def index_of(root: Path) -> dict[str, bytes]:
    folder = root / "site" / "pagefind"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def built(root: Path) -> dict[str, bytes]:
    project = Project.load(root)
    reporter = Reporter()
    result = api.build(project, reporter, check=False, cache=True)
    assert result is not None and not result.failed, reporter.render("text")
    return index_of(root)


def test_the_index_is_remade_only_for_changed_pages(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[int] = []
    indexer = search.build_index

    def counted(*args: object, **kwargs: object) -> bool:
        runs.append(1)
        return indexer(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "build_index", counted)
    first = built(demo)
    assert len(runs) == 1 and first
    assert built(demo) == first and len(runs) == 1, "nothing changed: not indexed"
    telegram = demo / "tei" / TELEGRAM
    text = telegram.read_text(encoding="utf-8")
    telegram.write_text(text.replace("</teiHeader>", "</teiHeader><!-- seen -->", 1))
    assert built(demo) == first and len(runs) == 1, "no page changed: not indexed"
    telegram.write_text(text.replace("TOKYO", "TOKIO"), encoding="utf-8")
    changed = built(demo)
    assert len(runs) == 2 and changed != first


def test_an_edit_indexes_again_only_the_part_its_page_is_in(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index in parts of one document: a word changed indexes again the one part its
    page is in (the others' files untouched); a document removed takes its part away."""
    with (demo / "edition.toml").open("a", encoding="utf-8") as out:
        out.write("\n[site]\nsearch_part_documents = 1\n")
    runs: list[Path] = []
    indexer = search.build_index

    def counted(site: Path, *args: object, **kwargs: object) -> bool:
        runs.append(site)
        return indexer(site, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "build_index", counted)
    first = built(demo)
    parts = orjson.loads(first["parts.json"])["parts"]
    assert len(parts) == len(runs) >= 2, "each part indexed on its own"
    runs.clear()
    telegram = demo / "tei" / TELEGRAM
    telegram.write_text(telegram.read_text(encoding="utf-8").replace("TOKYO", "TOKIO"))
    changed = built(demo)
    assert len(runs) == 1
    (part,) = {name.split("/")[0] for name in set(first) ^ set(changed)} | {
        name.split("/")[0] for name in first.keys() & changed.keys() if first[name] != changed[name]
    }
    assert f"{part}/" in parts
    runs.clear()
    untouched = {name: data for name, data in first.items() if not name.startswith(f"{part}/")}
    assert {name: changed[name] for name in untouched} == untouched
    runs.clear()
    telegram.unlink()  # two documents: two parts, not four, so each is indexed again
    removed = built(demo)
    folders = sorted({name.split("/")[0] for name in removed if "/" in name}, key=int)
    assert orjson.loads(removed["parts.json"])["parts"] == [f"{f}/" for f in folders]
    assert len(runs) == len(folders) == search.part_count(2, 1) == 2


def test_the_parts_are_a_power_of_two_up_to_the_most() -> None:
    assert [search.part_count(n, 1000) for n in (0, 1000, 1001, 1567, 25_072)] == [1, 1, 2, 2, 32]
    assert search.part_count(1_000_000, 1000) == search.MAX_PARTS
    pages = [f"documents/d{n}/index.html" for n in range(2000)]
    halves = [search.part_of(page, 2) for page in pages]
    assert 800 < sum(halves) < 1200, "pages spread over the parts"
    # a page stays in its part, or moves to the new one, when the parts double
    doubled = [search.part_of(page, 4) for page in pages]
    assert all(part % 2 == half for part, half in zip(doubled, halves, strict=True))


def test_a_page_missing_from_the_site_is_reported_not_raised(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "pagefind" / "0").mkdir(parents=True)
    (site / "pagefind" / "0" / "kept.txt").write_text("the index as it was")
    reporter = Reporter()

    def pages() -> list[tuple[str, str]]:
        return [("documents/gone/index.html", "0" * 32)]

    assert search.update(site, pages, 1000, "en", {}, reporter) is None
    assert [d.code for d in reporter.diagnostics] == ["R520"]
    assert "gone/index.html" in reporter.diagnostics[0].message
    assert (site / "pagefind" / "0" / "kept.txt").read_text() == "the index as it was"


def test_a_part_is_linked_alone_and_beside_the_site_when_the_ram_disk_is_full(
    demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each Pagefind run sees a folder of its own part's pages only (a RAM disk needs room
    for a part, not the edition); when links cannot be made there (no space left), they
    are made beside the site, and the index is the same."""
    with (demo / "edition.toml").open("a", encoding="utf-8") as out:
        out.write("\n[site]\nsearch_part_documents = 1\n")
    ram = tmp_path / "ram"
    ram.mkdir()
    monkeypatch.setattr(search, "_links_folder", lambda: str(ram))
    seen: list[tuple[Path, int]] = []
    indexer = search.build_index

    def counted(site: Path, *args: object, **kwargs: object) -> bool:
        seen.append((site, sum(1 for _ in ram.rglob("*.html"))))  # every link there now
        return indexer(site, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "build_index", counted)
    first = built(demo)  # in this process (--jobs 1): one Pagefind at a time
    assert len(seen) == len(orjson.loads(first["parts.json"])["parts"]) >= 2
    assert all(folder.is_relative_to(ram) and linked == 1 for folder, linked in seen)
    assert list(ram.iterdir()) == [], "the links are removed"

    linking = Path.symlink_to

    def full(self: Path, target: Path, *args: object) -> None:
        if self.is_relative_to(ram):
            raise OSError(errno.ENOSPC, "No space left on device")
        linking(self, target, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "symlink_to", full)
    seen.clear()
    telegram = demo / "tei" / TELEGRAM
    telegram.write_text(telegram.read_text(encoding="utf-8").replace("TOKYO", "TOKIO"))
    changed = built(demo)
    assert len(seen) == 1 and not seen[0][0].is_relative_to(ram)
    assert changed["parts.json"] == first["parts.json"] and changed != first
    assert list(ram.iterdir()) == []
    assert not list(demo.glob(".pagefind-*")), "the links beside the site are removed"


def indexed_pages(index: dict[str, bytes]) -> dict[str, str]:
    """The text Pagefind indexed of each page, by URL, read from every part's fragments."""
    found = {}
    for name, data in index.items():
        if "/fragment/" in name:
            fragment = orjson.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))
            found[fragment["url"]] = fragment["content"]
    return found


def test_a_page_whose_template_marks_it_is_searched_too(demo: Path) -> None:
    """A project's entity template that carries data-pagefind-body puts the entity pages
    in the index beside the documents, in its parts; a change of their text is indexed
    again, and the mark taken away takes them out."""
    with (demo / "edition.toml").open("a", encoding="utf-8") as out:
        out.write("\n[site]\nsearch_part_documents = 16\n")
    entity = demo / "templates" / "entity.html"
    template = entity.read_text(encoding="utf-8")
    marked = template.replace("{% block main %}", "{% block main %}<div data-pagefind-body>", 1)
    marked = marked[: marked.rindex("{% endblock %}")] + "</div>{% endblock %}\n"
    entity.write_text(marked, encoding="utf-8")
    first = indexed_pages(built(demo))
    entity_pages = {
        "/" + p.parent.relative_to(demo / "site").as_posix() + "/"
        for folder in ("persons", "places", "organisations")
        for p in (demo / "site" / folder).glob("*/index.html")
    }
    documents = {url for url in first if url.startswith("/documents/")}
    assert len(documents) == 3 and len(entity_pages) > 16
    assert set(first) == documents | entity_pages
    parts = orjson.loads(index_of(demo)["parts.json"])["parts"]
    assert len(parts) == search.part_count(len(first), 16) >= 4

    entity.write_text(marked.replace("Also written:", "Also spelt:"), encoding="utf-8")
    respelt = indexed_pages(built(demo))
    assert set(respelt) == set(first)
    assert any("Also spelt:" in respelt[url] for url in entity_pages)
    assert not any("Also written:" in respelt[url] for url in entity_pages)

    entity.write_text(template, encoding="utf-8")
    assert set(indexed_pages(built(demo))) == documents


def test_the_mark_is_found_when_the_pieces_cut_it() -> None:
    page = '<main><div class="x" data-pagefind-body>text</div></main>'
    for cut in range(len(page) + 1):
        for second in range(cut, len(page) + 1):
            finder = search.MarkFinder([page[:cut], page[cut:second], page[second:]])
            assert "".join(finder) == page and finder.found, (cut, second)
    finder = search.MarkFinder(["<div data-pagefind-", "ignore>", "body"])
    assert "".join(finder) and not finder.found


def test_as_many_parts_are_indexed_at_once_as_the_build_has_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two parts with two jobs: both Pagefinds run at once (each waits for the other at a
    barrier before it indexes, which one job at a time would never pass)."""
    site = tmp_path / "site"
    pages = []
    for name in ("first", "second"):
        page = f"documents/{name}/index.html"
        (site / page).parent.mkdir(parents=True)
        (site / page).write_text(f"<html><body data-pagefind-body>{name}</body></html>")
        pages.append((page, name))
    assert {search.part_of(page, 2) for page, _ in pages} == {0, 1}
    both = threading.Barrier(2, timeout=20)
    indexer = search.build_index

    def together(site: Path, *args: object, **kwargs: object) -> bool:
        both.wait()
        return indexer(site, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "build_index", together)
    reporter = Reporter()
    keys = search.update(site, lambda: pages, 1, "en", {}, reporter, jobs=2)
    assert keys is not None and sorted(keys) == [0, 1], reporter.render("text")
    assert orjson.loads((site / "pagefind" / "parts.json").read_bytes())["parts"] == ["0/", "1/"]


def test_what_a_killed_indexing_left_is_removed_by_the_next(
    demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A build killed while it indexed leaves its folder beside the site and its links on
    the RAM disk; the next build deletes them, and not those of a build still running."""
    ram = tmp_path / "ram"
    ram.mkdir()
    monkeypatch.setattr(search, "_links_folder", lambda: str(ram))
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = int(ended.stdout)
    left = [demo / f".pagefind-{dead}-abc", ram / f"edition-pages-{dead}-abc"]
    running = [demo / f".pagefind-{os.getpid()}-def", ram / f"edition-pages-{os.getpid()}-def"]
    for folder in left + running:
        (folder / "documents" / "x").mkdir(parents=True)
    built(demo)
    assert not any(folder.exists() for folder in left)
    assert all(folder.is_dir() for folder in running), "a running build's are kept"


def test_pagefind_is_started_as_its_binary_not_through_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The binary is found as ``python -m pagefind`` finds it, and started itself (each
    run saves a Python interpreter); one named by ``PAGEFIND_BINARY_PATH`` comes first,
    and one that is not there is reported (R520), not raised."""
    search.pagefind_command.cache_clear()
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    command = search.pagefind_command()
    assert len(command) == 1 and Path(command[0]).name.startswith("pagefind")
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("pagefind ")
    wrapper = [sys.executable, "-m", "pagefind", "--version"]
    assert subprocess.run(wrapper, capture_output=True, text=True, check=True).stdout == done.stdout

    missing = tmp_path / "no-pagefind"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(missing))
    search.pagefind_command.cache_clear()
    try:
        assert search.pagefind_command() == (str(missing),)
        reporter = Reporter()
        (tmp_path / "site").mkdir()
        assert not search.build_index(tmp_path / "site", "en", reporter)
        assert [d.code for d in reporter.diagnostics] == ["R520"]
        assert "no-pagefind" in reporter.diagnostics[0].message
    finally:
        search.pagefind_command.cache_clear()


def test_another_pagefind_indexes_every_part_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part's key holds the Pagefind binary it was made with (path, size, modification
    time): an upgraded or another Pagefind makes every part's key new; the same one, not."""
    pages = [(f"documents/d{n}/index.html", "0" * 32) for n in range(40)]
    search.pagefind_command.cache_clear()
    search._pagefind_identity.cache_clear()
    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    installed = search.pagefind_command()[0]
    before = search.part_keys(pages, 4, "en")
    search._pagefind_identity.cache_clear()
    assert search.part_keys(pages, 4, "en") == before
    other = tmp_path / "pagefind"
    other.write_bytes(Path(installed).read_bytes())
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(other))
    try:
        for cached in (search.pagefind_command, search._pagefind_identity):
            cached.cache_clear()
        after = search.part_keys(pages, 4, "en")
        assert after.keys() == before.keys()
        assert all(after[part] != before[part] for part in before)
    finally:
        for cached in (search.pagefind_command, search._pagefind_identity):
            cached.cache_clear()
