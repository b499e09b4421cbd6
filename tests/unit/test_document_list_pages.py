"""The documents list in pages (``[site] documents_per_page``), on split FRUS documents.

Every order is cut into pages of the same size; read one after the other they
are the unpaged list, row for row, and their pagers link them in order.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from conftest import split_frus
from site_checks import broken_links

from edition.diagnostics import Reporter
from edition.errors import ConfigError
from edition.project import Project
from edition.site import pages
from edition.site.builder import build_site

COUNT = 23
PER_PAGE = 5
CONFIG = """\
[edition]
title = "Paged lists"
id = "paged"
language = "en"

[paths]
tei = "tei"

[site]
search = false
documents_per_page = {per_page}
"""


def _make(root: Path, documents: list[Path], per_page: int) -> Path:
    (root / "tei").mkdir(parents=True)
    for path in documents:
        shutil.copyfile(path, root / "tei" / path.name)
    (root / "edition.toml").write_text(CONFIG.format(per_page=per_page), encoding="utf-8")
    return root


def _build(root: Path) -> Path:
    reporter = Reporter()
    result = build_site(Project.load(root), reporter, validated=False)
    assert not result.failed, reporter.render()
    return root / "site"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return split_frus(tmp_path_factory.mktemp("frus"), COUNT)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, documents: list[Path]) -> dict[int, Path]:
    """The same documents built unpaged (0), in pages of 5, and in pages of 100 (one page)."""
    return {
        per_page: _build(_make(tmp_path_factory.mktemp(f"per{per_page}"), documents, per_page))
        for per_page in (0, PER_PAGE, 100)
    }


def _rows(page: Path) -> list[str]:
    """The document links of a list page, in order."""
    tree = lxml.html.fromstring(page.read_bytes())
    return [str(a.get("href")).rsplit("/", 2)[-2] for a in tree.xpath("//tbody//a")]


def _pager(page: Path) -> lxml.html.HtmlElement | None:
    found = lxml.html.fromstring(page.read_bytes()).xpath("//nav[@class='list-pager']")
    return found[0] if found else None


@pytest.mark.parametrize("order", [s.key for s in pages.SORTS])
def test_the_pages_read_in_turn_are_the_whole_list(sites: dict[int, Path], order: str) -> None:
    whole = _rows(sites[0] / pages.list_folder(order) / "index.html")
    assert len(whole) == COUNT
    paged, number = [], 1
    while (page := sites[PER_PAGE] / pages.list_path(order, number) / "index.html").is_file():
        rows = _rows(page)
        assert 0 < len(rows) <= PER_PAGE
        caption = lxml.html.fromstring(page.read_bytes()).xpath("//caption")[0].text_content()
        first = len(paged) + 1
        assert caption == (
            f"Documents {first}–{first + len(rows) - 1} of {COUNT}, sorted by {order} "
            f"(page {number} of 5)"
        )
        paged += rows
        number += 1
    assert number - 1 == -(-COUNT // PER_PAGE) == 5
    assert paged == whole


@pytest.mark.parametrize("order", [s.key for s in pages.SORTS])
def test_previous_and_next_go_through_every_page(sites: dict[int, Path], order: str) -> None:
    site = sites[PER_PAGE]
    visited, relative = [], pages.list_path(order, 1)
    while relative:
        visited.append(relative)
        pager = _pager(site / relative / "index.html")
        assert pager is not None
        (current,) = pager.xpath(".//*[@aria-current='page']")
        assert current.text_content() == str(len(visited))
        following = pager.xpath(".//a[@rel='next']/@href")
        relative = ""
        if following:
            target = (site / relative_of(visited[-1]) / str(following[0])).resolve()
            relative = target.relative_to(site.resolve()).as_posix() + "/"
    assert visited == [pages.list_path(order, n) for n in range(1, 6)]
    assert broken_links(site) == []


def relative_of(path: str) -> str:
    return path.rstrip("/") or "."


def test_one_page_is_the_unpaged_list(sites: dict[int, Path]) -> None:
    for order in (s.key for s in pages.SORTS):
        page = pages.list_folder(order) + "index.html"
        assert (sites[100] / page).read_bytes() == (sites[0] / page).read_bytes()
        assert _pager(sites[0] / page) is None
    assert not list(sites[0].glob("documents/**/page-*"))


def test_the_sitemap_lists_every_page(sites: dict[int, Path]) -> None:
    sitemap = (sites[PER_PAGE] / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>(?:[^<]*/)?(documents/(?:by-\w+/)?page-\d+/)</loc>", sitemap))
    assert listed == {pages.list_path(s.key, n) for s in pages.SORTS for n in range(2, 6)}


def test_the_pager_shows_the_pages_near_this_one() -> None:
    page = pages.ListPage("documents/by-title/", 12, 23, 23, 1)
    assert [n for n, _ in page.links] == [1, 0, 9, 10, 11, 12, 13, 14, 15, 0, 23]
    assert page.links[-1] == (23, "documents/by-title/page-23/")
    assert (page.previous, page.next) == (
        "documents/by-title/page-11/",
        "documents/by-title/page-13/",
    )
    first = pages.ListPage("documents/", 1, 2, 7, 5)
    assert (first.path, first.first, first.last, first.previous) == ("documents/", 1, 5, "")
    assert [p.last for p in pages.list_pages("documents/", 7, 5)] == [5, 7]
    assert [p.count for p in pages.list_pages("documents/", 0, 5)] == [1]


def test_a_document_named_like_a_list_or_the_edition_keeps_its_own_page(
    tmp_path: Path, documents: list[Path]
) -> None:
    chosen = documents[:4]
    root = _make(tmp_path / "e", chosen, 2)
    files = sorted((root / "tei").glob("*.xml"))[:3]
    # A list's folders, and the edition's id (the root DTS collection's file).
    for path, ident in zip(files, ("page-2", "by-title", "paged"), strict=True):
        path.rename(path.with_name(f"{ident}.xml"))  # a file without xml:id: named by its stem
    site = _build(root)
    slugs = {
        a
        for order in pages.SORTS
        for n in (1, 2)
        for a in _rows(site / pages.list_path(order.key, n) / "index.html")
    }
    assert {"page-2-2", "by-title-2", "paged-2"} <= slugs
    assert not {"page-2", "by-title", "paged"} & slugs
    for slug in ("page-2-2", "by-title-2", "paged-2"):
        assert (site / "documents" / slug / "index.html").is_file()
        assert (site / "dts" / "collection" / f"{slug}.json").is_file()
    assert json.loads((site / "dts/collection/paged.json").read_bytes())["@type"] == "Collection"
    assert _rows(site / "documents/page-2/index.html")  # the list's own page 2


def test_a_negative_page_size_is_refused(tmp_path: Path, documents: list[Path]) -> None:
    root = _make(tmp_path / "e", documents[:1], -1)
    with pytest.raises(ConfigError) as caught:
        build_site(Project.load(root), Reporter(), validated=False)
    assert caught.value.diagnostics[0].code == "C032"
    assert not (root / "site").exists()
