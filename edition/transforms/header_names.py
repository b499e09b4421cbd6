"""Point the header's names (correspondents) at the register when it knows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from edition.transforms import Context

priority = 600
name = "header-names"

_NAMES = ("persName", "placeName", "orgName")


def apply(root: etree._Element, context: Context) -> None:
    """Add ``@ref`` to header names the register lists (exact spelling only)."""
    header = root.find("{*}teiHeader")
    if header is None:
        return
    for element in header.iter():
        if not isinstance(element.tag, str) or element.get("ref"):
            continue
        if etree.QName(element).localname not in _NAMES:
            continue
        text = " ".join("".join(element.itertext()).split())
        entry = context.register.names.get(text)
        if entry is not None and entry[0] == etree.QName(element).localname:
            element.set("ref", f"register.xml#{entry[1]}")
