"""Real TEI we did not generate: FRUS volumes split per document, and single FRUS documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from site_checks import broken_links, lost_text

from edition.diagnostics import Reporter
from edition.project import Project
from edition.site.builder import build_site

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
TEI_NS = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SHARED / "frus").is_dir(), reason="the shared FRUS corpus is not beside the repository"
    ),
]


def _project(root: Path, tei: Path) -> Path:
    root.mkdir(parents=True)
    (root / "edition.toml").write_text(
        f'[edition]\ntitle = "FRUS"\nid = "frus"\n[paths]\ntei = "{tei}"\n[site]\nsearch = false\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def volumes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _project(tmp_path_factory.mktemp("frus") / "p", SHARED / "frus")
    reporter = Reporter()
    result = build_site(Project.load(root), reporter, validated=False)
    assert not result.failed, reporter.render("text")
    assert result.documents == 541 + 409 + 586
    return root / "site"


def test_each_volume_is_split_into_one_page_per_document(volumes):
    pages = sorted((volumes / "documents").glob("frus1870-d*/index.html"))
    assert len(pages) == 541
    page = (volumes / "documents" / "frus1870-d1" / "index.html").read_text()
    assert "<h1>" in page and "frus1870-d1.xml" in page
    standalone = etree.parse(
        str(volumes / "documents" / "frus1870-d1" / "frus1870-d1.xml")
    ).getroot()
    assert standalone.find(f"{TEI_NS}teiHeader") is not None
    assert standalone.find(f"{TEI_NS}text/{TEI_NS}body/{TEI_NS}div").get(XML_ID) == "d1"


@pytest.mark.parametrize("volume", ["frus1870", "frus1919Parisv01", "frus1936v03"])
def test_nothing_is_lost_in_any_frus_document(volumes, volume):
    tree = etree.parse(str(SHARED / "frus" / f"{volume}.xml"))
    lost = {}
    for division in tree.iterfind(f".//{TEI_NS}div[@type='document']"):
        page = volumes / "documents" / f"{volume}-{division.get(XML_ID)}" / "index.html"
        missing = lost_text(division, page)
        if missing:
            lost[page.parent.name] = missing[:3]
    assert lost == {}


def test_frus_links_and_fragments_resolve(volumes):
    assert broken_links(volumes) == []


def test_single_frus_documents_render_whole(tmp_path):
    root = _project(tmp_path / "p", SHARED / "frus-modern")
    reporter = Reporter()
    result = build_site(Project.load(root), reporter, validated=False)
    assert not result.failed, reporter.render("text")
    assert result.documents == 31
    site = root / "site"
    for source in sorted((SHARED / "frus-modern").glob("*.xml")):
        page = site / "documents" / source.stem / "index.html"
        text = etree.parse(str(source)).getroot().find(f"{TEI_NS}text")
        assert lost_text(text, page) == [], source.name
    listing = (site / "documents" / "index.html").read_text()
    assert "telegram" in listing and "1964-11-22" in listing
    assert broken_links(site) == []


def test_persons_listed_inside_a_volume_get_index_pages_with_mentions(volumes):
    persons = sorted((volumes / "persons").glob("frus1919Parisv01-p_*/index.html"))
    assert len(persons) > 100
    page = (volumes / "persons" / "frus1919Parisv01-p_AG1" / "index.html").read_text()
    assert "Auchincloss, Gordon" in page
    assert page.count('href="../../documents/frus1919Parisv01-d') >= 3  # every mention, linked
