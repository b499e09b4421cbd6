"""A person's, place's or organisation's page in pages (``[site] mentions_per_page``).

On the demo edition: read one after the other through their
pagers, an entity's pages are its unpaged page's mentions, in order, at most
``mentions_per_page`` each; a document whose mentions go on from the page before
says so, and every link resolves.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from site_checks import REPO, broken_links, norm

from edition.diagnostics import Reporter
from edition.errors import ConfigError
from edition.project import Project
from edition.site.builder import build_site

PER_PAGE = 7
KINDS = ("persons", "places", "organisations")


def _build(tmp: Path, per_page: int | None) -> Path:
    """The demo edition built (no search) with ``mentions_per_page`` (None: the default)."""
    root = tmp / "project"
    root.mkdir()
    for folder in ("tei", "docs"):
        shutil.copytree(REPO / folder, root / folder)
    config = (REPO / "edition.toml").read_text(encoding="utf-8") + "\n[site]\nsearch = false\n"
    if per_page is not None:
        config += f"mentions_per_page = {per_page}\n"
    (root / "edition.toml").write_text(config, encoding="utf-8")
    reporter = Reporter()
    result = build_site(Project.load(root), reporter, validated=False)
    assert not result.failed, reporter.render("text")
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[int | None, Path]:
    """The same edition with every mention on one page (0), in pages of 7, and by default."""
    return {n: _build(tmp_path_factory.mktemp(f"per{n}"), n) for n in (0, PER_PAGE, None)}


def _tree(page: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(page.read_bytes())


def _mentions(tree: lxml.html.HtmlElement) -> list[tuple[str, str, str]]:
    """Each mention of a page: its document's title, its link and its text, in order."""
    found = []
    for group in tree.xpath("//section[@class='mention-group']"):
        title = norm(group.xpath("./h3//cite")[0].text_content())
        for link in group.xpath(".//ol[@class='mention-list']/li/a"):
            found.append((title, str(link.get("href")).split("documents/")[1], link.text_content()))
    return found


def _entities(site: Path) -> list[str]:
    return sorted(
        page.parent.relative_to(site).as_posix()
        for kind in KINDS
        for page in (site / kind).glob("*/index.html")
    )


def _in_turn(site: Path, entity: str) -> list[Path]:
    """An entity's pages, from its first, by each pager's next link."""
    visited, page = [], site / entity / "index.html"
    while True:
        visited.append(page)
        following = _tree(page).xpath("//nav[@class='list-pager']//a[@rel='next']/@href")
        if not following:
            return visited
        page = (page.parent / str(following[0])).resolve() / "index.html"


def test_the_pages_read_in_turn_are_the_whole_page(sites: dict[int | None, Path]) -> None:
    whole_site, paged_site = sites[0], sites[PER_PAGE]
    entities = _entities(whole_site)
    assert entities == _entities(paged_site)
    most = 0
    for entity in entities:
        whole = _mentions(_tree(whole_site / entity / "index.html"))
        read = _in_turn(paged_site, entity)
        paged: list[tuple[str, str, str]] = []
        for number, page in enumerate(read, start=1):
            tree = _tree(page)
            on_page = _mentions(tree)
            assert len(on_page) <= PER_PAGE
            if len(read) > 1:
                (note,) = tree.xpath("//p[@class='paging-note']")
                first = len(paged) + 1
                assert norm(note.text_content()) == (
                    f"Mentions {first}–{first + len(on_page) - 1} of {len(whole)} "
                    f"(page {number} of {len(read)})."
                )
            paged += on_page
        assert paged == whole, entity
        assert len(read) == max(1, -(-len(whole) // PER_PAGE))
        count = _tree(read[-1]).xpath("//span[@class='mention-count']")
        assert [norm(c.text_content()) for c in count] == ([f"({len(whole)})"] if whole else [])
        most = max(most, len(read))
    assert most >= 10, "the demo names Japan 87 times"


def test_a_document_that_goes_on_from_the_page_before_says_so(sites) -> None:
    site, continued = sites[PER_PAGE], 0
    for entity in _entities(site):
        last_title = None
        for page in _in_turn(site, entity):
            groups = _tree(page).xpath("//section[@class='mention-group']/h3")
            if not groups:
                continue
            first = norm(groups[0].xpath(".//cite")[0].text_content())
            marked = [norm(h.text_content()).endswith("(continued)") for h in groups]
            assert marked == [first == last_title] + [False] * (len(groups) - 1)
            continued += marked[0]
            last_title = norm(groups[-1].xpath(".//cite")[0].text_content())
    assert continued >= 5


def test_one_page_is_the_unpaged_page(sites) -> None:
    """Below the default page size (500) the demo's entity pages are the unpaged ones."""
    for entity in _entities(sites[0]):
        page = f"{entity}/index.html"
        assert (sites[None] / page).read_bytes() == (sites[0] / page).read_bytes()
    assert not list(sites[0].glob("*/*/page-*"))


def test_every_link_resolves_and_the_sitemap_lists_every_page(sites) -> None:
    site = sites[PER_PAGE]
    assert broken_links(site, "/moscow-tokyo/") == []
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(
        re.findall(r"<loc>(?:[^<]*/)?((?:persons|places|organisations)/[^<]*)</loc>", sitemap)
    )
    on_disk = {
        page.parent.relative_to(site).as_posix() + "/"
        for kind in KINDS
        for page in (site / kind).rglob("index.html")
    }
    assert listed == on_disk
    assert any("/page-" in relative for relative in listed)


def test_a_later_page_leads_back_to_the_first(sites) -> None:
    site = sites[PER_PAGE]
    page = site / "places/place-japan/page-2/index.html"
    crumbs = _tree(page).xpath("//p[@class='breadcrumb']/a/@href")
    targets = [(page.parent / str(href)).resolve() for href in crumbs]
    assert targets == [(site / "places").resolve(), (site / "places/place-japan").resolve()]
    assert "(page 2 of " in _tree(page).findtext(".//title")


def test_a_negative_page_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _build(tmp_path, -1)
    assert "C036" in str(caught.value.diagnostics[0].code)
