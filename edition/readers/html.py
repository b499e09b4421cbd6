"""Pages saved from an archive's website: HTML → Markdown-like text → the archive profile.

BeautifulSoup extracts the page's main text and its labelled metadata fields
(definition lists, ``<strong>Label:</strong>`` paragraphs, ``<meta>`` tags);
the result is read by the same pipeline as a text transcription.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from edition.readers.base import Reading, Transcription

_BLOCKS = ("p", "div", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """The page as Markdown-like text (bold labels, headings, paragraphs) and its meta tags."""
    soup = BeautifulSoup(html, "html.parser")
    for junk in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        junk.decompose()
    metas = {
        str(tag.get("name") or tag.get("property")): str(tag.get("content"))
        for tag in soup.find_all("meta")
        if (tag.get("name") or tag.get("property")) and tag.get("content")
    }
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[str] = []
    for element in root.find_all(_BLOCKS):
        if element.find(_BLOCKS):
            continue  # only the innermost blocks carry text
        text = _inline(element).strip()
        if not text:
            continue
        if element.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = "#" * int(element.name[1]) + " " + text
        elif element.name == "dt":
            text = f"**{text.rstrip(':')}:**"
        blocks.append(text)
    return "\n\n".join(blocks) + "\n", metas


def _inline(element: Tag) -> str:
    parts: list[str] = []
    for child in element.children:
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            inner = _inline(child)
            if child.name in ("strong", "b") and inner.strip():
                parts.append(f"**{inner.strip()}**")
            elif child.name in ("em", "i") and inner.strip():
                parts.append(f"*{inner.strip()}*")
            elif child.name == "br":
                parts.append("  \n")
            else:
                parts.append(inner)
    return "".join(parts)


def read_html(reader: object, transcription: Transcription) -> Reading:
    """Convert the page, then read it with ``reader`` (a text reader); meta tags become metadata."""
    text, metas = html_to_text(transcription.text)
    converted = Transcription(transcription.path, transcription.shown, text, transcription.sidecar)
    reading: Reading = reader.read(converted)  # type: ignore[attr-defined]
    meta = reading.metadata
    meta.title = metas.get("citation_title") or metas.get("og:title") or meta.title
    if date := metas.get("citation_date") or metas.get("article:published_time"):
        meta.date = meta.date or date[:10]
    if description := metas.get("description") or metas.get("og:description"):
        meta.abstract = meta.abstract or description
    reading.source_text = text  # the nothing-lost check compares with the page's text
    return reading
