"""The built site in headless Chromium: pages, popovers, views, search, citation, accessibility."""

from __future__ import annotations

import json
import re

import pytest
from conftest import D1960, PAGE_KINDS, PREFIX, RICH
from playwright.sync_api import expect


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_page_loads_without_console_errors(page, base_url, kind):
    response = page.goto(base_url + PAGE_KINDS[kind])
    assert response is not None
    assert response.ok or kind == "404"
    page.wait_for_load_state("networkidle")
    assert page.errors == []
    assert page.locator("footer").inner_text().count("version 0.1.0") == 1


def test_popover_opens_by_click_and_by_keyboard_and_escape_closes(page, base_url):
    page.goto(base_url + RICH)
    sign = page.locator("button.app-sign.sign-gap").first
    tip = page.locator("#" + sign.get_attribute("aria-describedby"))
    assert tip.get_attribute("role") == "tooltip" and not tip.is_visible()
    sign.click()
    expect(tip).to_be_visible()
    assert "2 words illegible" in tip.inner_text()
    assert sign.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    assert sign.get_attribute("aria-expanded") == "false"
    # keyboard only: Tab from the link before the sign focuses it and opens the popover
    page.locator("a.mention", has_text="Foreign Ministry").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == sign.get_attribute("id")
    expect(tip).to_be_visible()
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    page.keyboard.press("Enter")
    expect(tip).to_be_visible()
    page.keyboard.press("Tab")
    expect(tip).to_be_hidden()


def test_view_switch_changes_what_is_shown_and_is_remembered(page, base_url):
    page.goto(base_url + RICH)
    forme_work = page.locator(".app-fw").first
    deletion = page.locator(".app-del").first
    assert not forme_work.is_visible() and not deletion.is_visible()
    page.locator("label[for=view-diplomatic]").click()
    expect(forme_work).to_be_visible()
    expect(deletion).to_be_visible()
    assert (
        page.locator(".ocr-low .app-text").evaluate("el => getComputedStyle(el).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )
    page.goto(base_url + D1960)  # remembered on the next page (localStorage)
    assert page.locator("#view-diplomatic").is_checked()
    page.locator("label[for=view-reading]").click()
    page.goto(base_url + RICH)
    assert page.locator("#view-reading").is_checked()
    expect(forme_work).to_be_hidden()


def test_view_switch_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base_url + RICH)
    assert not tab.locator(".app-fw").first.is_visible()
    tab.locator("label[for=view-diplomatic]").click()
    assert tab.locator(".app-fw").first.is_visible()
    tab.locator("button.app-sign.sign-gap").first.focus()  # popover by CSS :focus without scripts
    assert tab.locator("#tip-3").is_visible()
    context.close()


def test_search_finds_a_word_from_1960_and_the_year_filter_narrows(page, base_url, built_site):
    """Across the parts of the index: the documents are in three of them, merged."""
    parts = json.loads((built_site / "pagefind" / "parts.json").read_bytes())["parts"]
    assert len(parts) >= 3
    page.goto(base_url + "search/")
    page.fill(".pagefind-ui__search-input", "Japan")
    results = page.locator(".pagefind-ui__result")
    expect(results).to_have_count(3)  # the 1954, 1960 and 1975 documents
    # Pagefind fills each result's title as its fragment arrives: wait for it, do not read once.
    titles = page.locator(".pagefind-ui__result-title")
    expect(titles.filter(has_text=re.compile("khrushchev", re.IGNORECASE))).not_to_have_count(0)
    page.locator("summary.pagefind-ui__filter-name", has_text="Year").click()
    page.locator("label.pagefind-ui__filter-label", has_text="1960").click()
    expect(results).to_have_count(1)
    expect(titles.first).to_contain_text(re.compile("khrushchev", re.IGNORECASE))
    href = page.locator(".pagefind-ui__result-link").first.get_attribute("href")
    assert href.startswith(PREFIX + D1960) and "#:~:text=" in href  # links to the passage
    page.locator(".pagefind-ui__result-link").first.click()
    expect(page.locator("h1")).to_contain_text("Khrushchev")
    assert page.errors == []


def test_citation_copy_button_copies_the_citation(page, base_url):
    page.goto(base_url + RICH)
    expected = page.locator("#cite-text").inner_text().strip()
    page.locator("button.copy-button").click()
    expect(page.locator(".copy-status")).to_have_text("Citation copied.")
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_documents_list_filters_without_javascript_and_by_words(page, base_url):
    page.goto(base_url + "documents/")
    rows = page.locator("#doc-table tbody tr")
    assert rows.count() == 4
    page.locator("label", has_text="telegram").first.click()
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == 2
    page.locator("input[name=kind][value='']").check()
    page.fill("#doc-filter", "khrushchev")
    assert len([r for r in rows.all() if r.is_visible()]) == 1


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_no_serious_or_critical_accessibility_violations(page, base_url, kind):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page.goto(base_url + PAGE_KINDS[kind])
    if kind == "search":
        page.fill(".pagefind-ui__search-input", "Japan")
        page.wait_for_selector(".pagefind-ui__result")
    if kind == "document":  # the diplomatic view shows more: check it too
        page.locator("label[for=view-diplomatic]").click()
        page.locator("button.app-sign.sign-gap").first.click()
    results = axe_module.Axe().run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []


def test_popover_opens_by_tap_on_a_touch_screen(browser, base_url):
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800}
    )
    tab = context.new_page()
    tab.goto(base_url + RICH)
    sign = tab.locator("button.app-sign.sign-supplied").first
    sign.tap()
    tip = tab.locator("#" + sign.get_attribute("aria-describedby"))
    expect(tip).to_be_visible()
    box = tip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # inside the screen
    tab.locator("h1").tap()
    expect(tip).to_be_hidden()
    context.close()


def test_missing_deep_url_gets_a_styled_404_page(page, base_url):
    response = page.goto(base_url + "documents/no-such-document/deeper/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    assert (
        page.locator("header.site-header").evaluate("el => getComputedStyle(el).display") == "flex"
    )
    page.locator("main a", has_text="Browse the documents").click()
    expect(page.locator("h1")).to_have_text("Documents")
    assert (
        len(page.errors) == 1 and "404" in page.errors[0]
    )  # the missing page itself, nothing else


def test_what_the_reading_view_hides_the_diplomatic_view_shows(page, base_url, built_site):
    """Rendered text (CSS applied): every TEI text node outside notes shows in one of the views."""
    from lxml import etree
    from site_checks import norm, tei_fragments

    tei = etree.parse(str(built_site / "documents" / "rich-1962" / "rich-1962.xml")).getroot()
    text = tei.find("{http://www.tei-c.org/ns/1.0}text")
    for note in text.iter("{http://www.tei-c.org/ns/1.0}note"):
        note.getparent().remove(note)  # notes are in the apparatus list, checked elsewhere
    fragments = tei_fragments(text)
    page.goto(base_url + RICH)
    body = page.locator(".edition-text")
    reading = norm(body.inner_text())
    page.locator("label[for=view-diplomatic]").click()
    diplomatic = norm(body.inner_text())
    hidden = {f for f in fragments if f not in reading}
    assert hidden == {
        "CONFIDENTIAL",
        "RECEIVED 1962 APR 3 PM 4 12",
        "PAGE 02 MOSCOW 02417",
        "never",
        "Vladivostock",
    }
    assert [f for f in fragments if f not in diplomatic] == ["Vladivostok"]  # the correction
