"""Checks shared by the site tests: nothing lost, links resolve, a built site to test."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "site"
TEI = "{http://www.tei-c.org/ns/1.0}"


def norm(text: str) -> str:
    return " ".join(text.split())


def make_project(
    target: Path,
    *,
    extra: tuple[str, ...] = ("rich.xml",),
    search: bool = True,
    search_part_documents: int | None = None,
) -> Path:
    """The demo edition plus the hand-made fixtures and register, using the bundled templates
    (``search_part_documents``: the search index in parts of that many documents)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "edition.toml", target / "edition.toml")
    shutil.copytree(REPO / "tei", target / "tei")
    shutil.copytree(REPO / "docs", target / "docs")
    for name in extra:
        shutil.copy2(FIXTURES / name, target / "tei" / name)
    shutil.copy2(FIXTURES / "register.xml", target / "tei" / "register.xml")
    if not search or search_part_documents is not None:
        with (target / "edition.toml").open("a", encoding="utf-8") as out:
            out.write("\n[site]\n")
            if not search:
                out.write("search = false\n")
            if search_part_documents is not None:
                out.write(f"search_part_documents = {search_part_documents}\n")
    return target


def _text_without(element: lxml.html.HtmlElement, hidden_class: str) -> str:
    clone = lxml.html.fromstring(lxml.html.tostring(element))
    for node in clone.xpath(
        f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {hidden_class} ')]"
    ):
        node.drop_tree()
    return norm(clone.text_content())


def views_of(html: str | bytes) -> tuple[str, str]:
    """Text of an HTML fragment's document article in the reading and the diplomatic view."""
    tree = lxml.html.fromstring(html)
    article = tree if "document" in (tree.get("class") or "") else tree.xpath("//article")[0]
    return _text_without(article, "dipl-only"), _text_without(article, "reading-only")


def views(page: Path) -> tuple[str, str, str]:
    """Text of the document article in the reading view, the diplomatic view, and its legend."""
    html = lxml.html.fromstring(page.read_bytes())
    article = html.xpath("//article[contains(@class, 'document')]")[0]
    legend = norm(
        " ".join(x.text_content() for x in html.xpath("//section[contains(@class, 'legend')]"))
    )
    return _text_without(article, "dipl-only"), _text_without(article, "reading-only"), legend


def tei_fragments(element: etree._Element) -> list[str]:
    """Every non-blank text node of a TEI subtree, whitespace normalised."""
    out = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.text and norm(node.text):
            out.append(norm(node.text))
        for child in node:
            if child.tail and norm(child.tail):
                out.append(norm(child.tail))
    return out


def lost_text(tei_root: etree._Element, page: Path) -> list[str]:
    """TEI text missing from the page: in no view, or hidden in reading without a legend entry."""
    reading, diplomatic, legend = views(page)
    lost = []
    for fragment in tei_fragments(tei_root):
        if fragment in reading:
            continue
        if fragment in diplomatic and "Hidden in the reading view" in legend:
            continue
        lost.append(fragment)
    return lost


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Internal links and fragments of every HTML page that do not resolve.

    Absolute paths (the 404 page's) are resolved below ``base_path``, the path of base_url.
    """
    ids: dict[Path, set[str]] = {}
    pages = sorted(site.rglob("*.html"))
    trees = {}
    for page in pages:
        if "pagefind" in page.parts:
            continue
        tree = lxml.html.fromstring(page.read_bytes())
        trees[page] = tree
        ids[page.resolve()] = {str(i) for i in tree.xpath("//@id")}
    broken = []
    for page, tree in trees.items():
        for attr in tree.xpath("//a/@href | //link/@href | //script/@src"):
            href = str(attr)
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            if parts.path.startswith("/"):
                if not parts.path.startswith(base_path):
                    broken.append(f"{page.relative_to(site)} → {href} (outside {base_path})")
                    continue
                target = (site / unquote(parts.path[len(base_path) :])).resolve()
            elif parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
            else:
                target = page.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} → {href}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and not fragment.startswith(":~:") and target.suffix == ".html":
                if target.resolve() not in ids:
                    continue
                if fragment not in ids[target.resolve()]:
                    broken.append(f"{page.relative_to(site)} → {href} (no id)")
    return broken


def document_bodies(tei_file: Path) -> etree._Element:
    return etree.parse(str(tei_file)).getroot()


_SCRIPTISH = re.compile(r"<script(?![^>]*src=)|javascript:|\bon\w+=", re.IGNORECASE)


def active_content(html: str) -> list[str]:
    """Inline scripts, javascript: URLs and event-handler attributes in a page."""
    tree = lxml.html.fromstring(html)
    found = [
        f"inline script: {norm(s.text_content())[:40]}" for s in tree.xpath("//script[not(@src)]")
    ]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag}@{name}")
            if name in {"href", "src", "action", "formaction"} and value.strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                found.append(f"{element.tag}@{name}={value}")
    return found
