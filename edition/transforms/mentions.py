"""Tag registered persons, places and organisations in the text (fuzzily in OCR sources)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from edition.entities import tag_mentions

if TYPE_CHECKING:
    from edition.transforms import Context

priority = 500
name = "mentions"

#: Below this OCR quality, garbled spellings are matched fuzzily (with @cert).
FUZZY_BELOW = 0.8


def apply(root: etree._Element, context: Context) -> None:
    """Wrap mentions in the ``text`` element; record what was found in ``context``."""
    text = root if etree.QName(root).localname == "text" else root.find("{*}text")
    if text is None:
        return
    context.mentions = tag_mentions(text, context.register, fuzzy=context.quality < FUZZY_BELOW)
