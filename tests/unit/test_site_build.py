"""The site built from the demo edition plus hand-made fixtures: every page kind, on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from site_checks import broken_links, lost_text, make_project, norm

from edition.diagnostics import Reporter
from edition.project import Project
from edition.site.builder import build_site

TEI_NS = "{http://www.tei-c.org/ns/1.0}"


def _build(root: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[Path, Reporter]:
    reporter = Reporter()
    result = build_site(Project.load(root), reporter, validated=True)
    assert not result.failed, reporter.render("text")
    return root / "site", reporter


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reporter]:
    root = make_project(tmp_path_factory.mktemp("site") / "project", search=False)
    return _build(root)


def _page(site: Path, relative: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / relative).read_bytes())


def test_every_page_kind_is_written(built):
    site, _ = built
    for relative in (
        "index.html",
        "documents/index.html",
        "documents/by-title/index.html",
        "documents/rich-1962/index.html",
        "documents/rich-1962/rich-1962.xml",
        "documents/rich-1962/cite.bib",
        "documents/rich-1962/cite.json",
        "persons/index.html",
        "persons/pers-gromyko/index.html",
        "places/place-moscow/index.html",
        "organisations/org-mfa/index.html",
        "method/index.html",
        "about/index.html",
        "404.html",
        "sitemap.xml",
        "static/edition.css",
        "static/edition.js",
    ):
        assert (site / relative).is_file(), relative


def test_home_page_renders_the_introduction_markdown(built):
    site, _ = built
    home = _page(site, "index.html")
    intro = home.xpath("//div[@class='introduction']")[0]
    assert intro.xpath(".//strong[text()='CIA Information Report']")
    assert intro.xpath(".//li")


def test_documents_list_has_columns_and_filters(built):
    site, _ = built
    page = _page(site, "documents/index.html")
    headers = [norm(th.text_content()) for th in page.xpath("//table[@id='doc-table']/thead//th")]
    assert headers == ["Date", "Title", "Kind", "Archive", "Classification"]
    rows = page.xpath("//table[@id='doc-table']/tbody/tr")
    assert len(rows) == 4
    rich = next(r for r in rows if "Embassy in Moscow" in r.text_content())
    assert rich.get("data-kind") == "telegram"
    assert rich.get("data-classification") == "CONFIDENTIAL"
    assert "National Archives" in rich.text_content()
    # sorting without JavaScript: another pre-rendered order
    by_title = [
        norm(r.xpath("td[2]")[0].text_content())
        for r in _page(site, "documents/by-title/index.html").xpath("//tbody/tr")
    ]
    assert by_title == sorted(by_title, key=str.lower)
    # filtering without JavaScript: one radio per kind and a CSS rule hiding other rows
    assert page.xpath("//input[@name='kind'][@value='telegram']")
    radio = page.xpath("//input[@name='kind'][@value='telegram']/@id")[0]
    (shown,) = re.findall(
        rf"#{radio}:checked\) tbody tr:not\(\.([\w-]+)\)", page.xpath("//style")[0].text
    )
    telegrams = [r for r in rows if shown in (r.get("class") or "").split()]
    assert rich in telegrams
    assert {r.get("data-kind") for r in telegrams} == {"telegram"}
    assert len(telegrams) == len([r for r in rows if r.get("data-kind") == "telegram"]) == 2


def test_document_page_has_apparatus_legend_citation_and_metadata(built):
    site, _ = built
    page = _page(site, "documents/rich-1962/index.html")
    signs = page.xpath("//button[contains(@class, 'app-sign')]")
    entries = page.xpath("//section[contains(@class, 'apparatus')]//li")
    assert len(signs) == len(entries) >= 15
    for sign in signs:
        tip = page.get_element_by_id(sign.get("aria-describedby"))
        assert tip.get("role") == "tooltip" and norm(tip.text_content())
    explanations = " ".join(norm(e.text_content()) for e in entries)
    for words in (
        "2 words illegible",
        "responsible: Tom Translator (translation)",
        "low certainty",
        "hand: Pencil annotations by a desk officer",
        "Page break; page 2",
        "type: classification",
    ):
        assert words in explanations
    legend = [
        norm(dt.text_content()) for dt in page.xpath("//section[contains(@class,'legend')]//dt")
    ]
    assert any("Gap" in row for row in legend) and any("Forme work" in row for row in legend)
    method = norm(page.xpath("//section[contains(@class,'legend')]")[0].text_content())
    assert 'Hyphenated words are encoded with lb break="no".' in method
    metadata = norm(page.xpath("//details[contains(@class,'metadata')]")[0].text_content())
    for words in (
        "1962",
        "telegram",
        "CONFIDENTIAL",
        "National Archives",
        "Embassy in Moscow",
        "Department of State",
        "Gromyko, Andrei",
        "The ambassador reports",
    ):
        assert words in metadata
    cite = norm(page.get_element_by_id("cite-text").text_content())
    assert "“Telegram from the Embassy in Moscow, 3 April 1962”" in cite
    assert "https://example.org/moscow-tokyo/documents/rich-1962/" in cite
    bib = (site / "documents/rich-1962/cite.bib").read_text()
    assert bib.startswith("@misc{mt-rich-1962,") and "year = {1962}" in bib
    csl = json.loads((site / "documents/rich-1962/cite.json").read_text())
    assert csl[0]["issued"] == {"date-parts": [[1962, 4, 3]]}
    assert page.xpath("//a[@rel='prev']") or page.xpath("//a[@rel='next']")


def test_legend_lists_only_what_the_text_uses(built):
    site, _ = built
    page = _page(site, "documents/d1975-01-13_telegram_tokyo-00458/index.html")
    legend = norm(
        " ".join(x.text_content() for x in page.xpath("//section[contains(@class,'legend')]"))
    )
    assert "Gap" not in legend and "Deletion" not in legend


def test_method_page_comes_from_headers_and_signs(built):
    site, _ = built
    page = norm(_page(site, "method/index.html").text_content())
    assert "Hand-made fixture: every element of the encoding contract appears once." in page
    assert "Encoded by edition from the transcription" in page
    for label in (
        "Gap",
        "Supplied",
        "Unclear",
        "Addition",
        "Deletion",
        "Forme work",
        "OCR noise",
        "Note",
    ):
        assert label in page


def test_entity_pages_list_every_mention_with_a_link_to_its_place(built):
    site, _ = built
    entity = _page(site, "persons/pers-gromyko/index.html")
    links = entity.xpath("//ol[@class='mention-list']//a/@href")
    assert len(links) == 1  # one persName; sp/@who names the speaker, it is not a mention
    document = _page(site, "documents/rich-1962/index.html")
    for href in links:
        path, _, fragment = href.partition("#")
        assert path.endswith("documents/rich-1962/")
        assert document.get_element_by_id(fragment).text_content() == "Gromyko"
    context = norm(entity.xpath("//span[@class='mention-context']")[0].text_content())
    assert context.startswith("Saw Gromyko this morning at the Foreign Ministry.")
    index = norm(_page(site, "persons/index.html").text_content())
    # The demo's record of conversation mentions Khrushchev throughout.
    mentioned = re.search(r"Khrushchev, Nikita \((\d+) mentions\)", index)
    assert mentioned and int(mentioned[1]) > 10


def test_fallbacks_are_reported(built):
    _, reporter = built
    text = reporter.render("text")
    assert (
        "tei/rich.xml: info[R510]: 1 <unknownThing> element(s) rendered generically (no rule)"
        in text
    )
    assert (
        'tei/rich.xml: info[R510]: 1 hi with @rend="sparkly" rendered generically (no rule)' in text
    )
    assert "  hint: add a rule for it in edition.toml: [render.elements.unknownThing]" in text


def test_unknown_elements_are_kept_with_their_attributes(built):
    site, _ = built
    page = _page(site, "documents/rich-1962/index.html")
    kept = page.xpath("//span[@class='tei-unknownThing']")[0]
    assert kept.get("data-kind") == "odd" and kept.text_content() == "Kept, not dropped"


def test_nothing_is_lost_in_any_demo_document(built):
    site, _ = built
    for source in sorted((site.parent / "tei").glob("*.xml")):
        if source.name == "register.xml":
            continue
        root = etree.parse(str(source)).getroot()
        ident = root.get("{http://www.w3.org/XML/1998/namespace}id")
        page = site / "documents" / ident / "index.html"
        assert lost_text(root.find(f"{TEI_NS}text"), page) == [], source.name


def test_hidden_text_is_shown_in_the_other_view(built):
    site, _ = built
    page = _page(site, "documents/rich-1962/index.html")
    hidden = page.xpath("//*[contains(@class,'dipl-only')]")
    assert {"CONFIDENTIAL", "RECEIVED 1962 APR 3 PM 4 12", "never", "Vladivostock"} <= {
        norm(h.xpath("string(.//*[@class='app-text'])") or h.text_content()) for h in hidden
    }


def test_internal_links_and_fragments_resolve(built):
    site, _ = built
    assert broken_links(site, "/moscow-tokyo/") == []


def test_sitemap_lists_pages_with_permalinks(built):
    site, _ = built
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://example.org/moscow-tokyo/documents/rich-1962/</loc>" in sitemap
    locs = [loc.text for loc in etree.fromstring(sitemap.encode()).iter("{*}loc")]
    assert locs and not any("?" in loc or "404" in loc for loc in locs)


def test_build_is_reproducible_with_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(tmp_path / "p", search=False)
    site, _ = _build(root)
    first = {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    site, _ = _build(root)
    second = {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    assert first == second
    assert b'built <time datetime="2023-11-14">2023-11-14</time>' in first[Path("index.html")]


def test_render_override_from_edition_toml(tmp_path):
    root = make_project(tmp_path / "p", search=False)
    with (root / "edition.toml").open("a", encoding="utf-8") as out:
        out.write(
            "\n[render.elements.sic]\n"
            'rules = [{behaviour = "inline", params = {tag = "mark"}, classes = ["custom"]}]\n'
        )
    site, _ = _build(root)
    page = _page(site, "documents/rich-1962/index.html")
    assert page.xpath("//mark[@class='tei-sic custom']")[0].text_content() == "discused"


@pytest.mark.parametrize(
    ("predicate", "problem"),
    [
        ('"@n=="', "is not a usable XPath 1.0 test (Invalid expression)"),
        ('"x:sic"', "is not a usable XPath 1.0 test (Undefined namespace prefix)"),
        ('"nope()"', "is not a usable XPath 1.0 test (Unregistered function)"),
        ("3", "is not a string"),
    ],
)
def test_a_bad_predicate_in_edition_toml_is_a_config_error(tmp_path, capsys, predicate, problem):
    from edition.cli import main

    root = make_project(tmp_path / "p", search=False)
    site, _ = _build(root)
    before = (site / "index.html").read_bytes()
    with (root / "edition.toml").open("a", encoding="utf-8") as out:
        rule = f'{{behaviour = "inline", predicate = {predicate}}}'
        out.write(f"\n[render.elements.sic]\nrules = [{rule}]\n")
    assert main(["build", "--no-validate", "--project", str(root)]) == 2
    err = capsys.readouterr().err
    shown = predicate.strip('"') if predicate.startswith('"') else int(predicate)
    assert err.splitlines()[0] == (
        f"edition.toml: error[C034]: render.elements.sic: the predicate {shown!r} {problem}"
    )
    assert "Traceback" not in err
    assert (site / "index.html").read_bytes() == before


def test_unchanged_site_when_a_template_breaks(tmp_path):
    root = make_project(tmp_path / "p", search=False)
    site, _ = _build(root)
    (root / "templates").mkdir()
    (root / "templates" / "about.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ nope }}{% endblock %}"
    )
    reporter = Reporter()
    result = build_site(Project.load(root), reporter)
    assert result.failed
    assert "templates/about.html:1: error[R502]" in reporter.render("text")
    assert (site / "index.html").is_file()


@pytest.mark.parametrize(
    ("xpath", "problem"),
    [
        ("//x:div[", "Invalid expression"),
        ("//x:div", "Undefined namespace prefix"),
        ("nope()", "Unregistered function"),
    ],
)
def test_a_bad_document_xpath_is_a_config_error(tmp_path, capsys, xpath, problem):
    from edition.cli import main

    root = make_project(tmp_path / "p", search=False)  # ends with its [site] table
    with (root / "edition.toml").open("a", encoding="utf-8") as out:
        out.write(f'document_xpath = "{xpath}"\n')
    assert main(["build", "--no-validate", "--project", str(root)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"edition.toml: error[C035]: site.document_xpath {xpath!r} is not a usable"
        f" XPath 1.0 expression ({problem})"
    )
    assert not (root / "site").exists()


def test_bad_split_setting_is_a_config_error(tmp_path, capsys):
    from edition.cli import main

    root = make_project(tmp_path / "p")
    with (root / "edition.toml").open("a", encoding="utf-8") as out:
        out.write('\n[site]\nsplit = "sometimes"\n')
    assert main(["build", "--no-validate", "--project", str(root)]) == 2
    assert (
        "edition.toml: error[C031]: site.split must be 'auto', 'always' or 'never'"
        in capsys.readouterr().err
    )
