"""templates/_meta.html: citation_* and DC.* tags for a document page."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from edition.project import Project
from edition.site import templates
from edition.site.documents import read_document
from edition.tei import NSMAP, parse_xml


def render(demo: Path) -> BeautifulSoup:
    project = Project.load(demo)
    path = next((demo / "tei").glob("1975*.xml"))
    doc = read_document(path, project.shown(path))
    env = templates.environment(project.template_dirs)
    html = templates.render(
        env, "_meta.html", demo, document=doc, edition=project.settings.edition, root="../../"
    )
    return BeautifulSoup(html, "html.parser")


TITLE = "SCIENTIFIC & TECHNOLOGICAL COOPERATION - FUSANO LTR"


def meta(soup: BeautifulSoup, name: str) -> list[str]:
    return [m["content"] for m in soup.find_all("meta", attrs={"name": name})]


def test_citation_tags(demo: Path) -> None:
    soup = render(demo)
    url = "https://example.org/moscow-tokyo/documents/d1975-01-13_telegram_tokyo-00458/"
    assert meta(soup, "citation_title") == [TITLE]
    assert meta(soup, "citation_author") == ["The edition developers"]
    assert meta(soup, "citation_publication_date") == ["1975/01/13"]
    assert meta(soup, "citation_publisher") == ["The edition project"]
    assert meta(soup, "citation_public_url") == [url]
    assert meta(soup, "citation_xml_url") == [f"{url}d1975-01-13_telegram_tokyo-00458.xml"]
    assert meta(soup, "citation_language") == ["en"]


def test_dublin_core_tags(demo: Path) -> None:
    soup = render(demo)
    assert soup.find("link", rel="schema.DC")["href"] == "http://purl.org/dc/elements/1.1/"
    assert meta(soup, "DC.title") == [TITLE]
    assert meta(soup, "DC.date") == ["1975-01-13"]
    assert meta(soup, "DC.rights") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert meta(soup, "DC.type") == ["Text"]


def test_keywords_from_the_header(demo: Path) -> None:
    path = next((demo / "tei").glob("1975*.xml"))
    terms = [
        " ".join(t.split())
        for t in parse_xml(path).xpath("//tei:keywords/tei:term/text()", namespaces=NSMAP)
    ]
    assert "CGEN" in terms
    soup = render(demo)
    assert meta(soup, "citation_keywords") == ["; ".join(terms)]
    assert meta(soup, "DC.subject") == terms


def test_the_xpath_filter_gives_what_lxml_gives(demo: Path) -> None:
    tree = parse_xml(next((demo / "tei").glob("1975*.xml")))
    for expression in ("count(//tei:p)", "//tei:title/text()", "//*[local-name()='term']"):
        assert templates.xpath(tree, expression) == tree.xpath(expression, namespaces=NSMAP)
    env = templates.environment([demo / "templates"])
    page = env.from_string('{{ tree | xpath("count(//tei:p)") | int }}').render(tree=tree)
    assert page == str(len(tree.findall(".//{http://www.tei-c.org/ns/1.0}p")))
