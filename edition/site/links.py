"""Where things live across pages: the ids of a split volume and the page that shows each."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from edition.render.html import ids_in
from edition.tei import XML_ID, compiled_xpath, xpath_elements

if TYPE_CHECKING:
    from edition.site.documents import SiteDocument


def internal_links(documents: Sequence[SiteDocument]) -> dict[Path, dict[str, str]]:
    """For each volume: xml:id → URL of the page (and fragment) that shows it."""
    links: dict[Path, dict[str, str]] = {}
    for doc in documents:
        if doc.division is None:
            continue
        table = links.setdefault(doc.source, {})
        own = doc.division.get(XML_ID)
        for ident in ids_in(doc.division):
            table[ident] = f"../{doc.slug}/" if ident == own else f"../{doc.slug}/#{ident}"
    # Page breaks between documents point to the next document: visit divisions in
    # volume order (by how many page breaks precede them), the first one claims a break.
    divided = [(d, d.division) for d in documents if d.division is not None]
    order = {id(d): _count(div, "count(preceding::tei:pb)") for d, div in divided}
    for doc, division in sorted(
        divided, key=lambda pair: (str(pair[0].source), order[id(pair[0])])
    ):
        table = links[doc.source]
        for pb in xpath_elements(division, "preceding::tei:pb[@xml:id]"):
            ident = str(pb.get(XML_ID))
            if ident not in table:
                table[ident] = f"../{doc.slug}/"
    return links


def _count(element: etree._Element, xpath: str) -> float:
    value = compiled_xpath(xpath)(element)
    return float(value) if isinstance(value, float) else 0.0
