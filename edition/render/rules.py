"""Rendering declared as data: TEI element name → ordered rules (first match wins).

A rule is a predicate (XPath evaluated on the element, or ``None`` for always),
a behaviour name from ``behaviours.BEHAVIOURS``, its parameters and CSS classes.
An element with no entry falls back to the generic pass-through behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One rendering rule."""

    behaviour: str
    predicate: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    classes: tuple[str, ...] = ()


RULES: dict[str, list[Rule]] = {
    "teiHeader": [Rule("omit")],
    "text": [Rule("block", params={"tag": "div"})],
    "body": [Rule("block", params={"tag": "div"})],
    "front": [Rule("block", params={"tag": "div"})],
    "back": [Rule("block", params={"tag": "div"})],
    "div": [Rule("block", params={"tag": "section"})],
    "p": [Rule("block", params={"tag": "p"})],
    "ab": [Rule("block", params={"tag": "p"})],
    "head": [Rule("heading")],
    "lb": [Rule("line_break")],
    "hi": [
        Rule("inline", "contains(@rend, 'italic')", {"tag": "em"}),
        Rule("inline", "contains(@rend, 'bold')", {"tag": "strong"}),
        Rule("inline", None, {"tag": "span"}),
    ],
    "quote": [Rule("block", params={"tag": "blockquote"})],
    "list": [Rule("block", params={"tag": "ul"})],
    "item": [Rule("block", params={"tag": "li"})],
}

#: Elements that sit at block level (their generic fallback is a ``div``).
BLOCK_ELEMENTS = frozenset(
    {
        "text", "body", "front", "back", "div", "p", "ab", "head", "list", "item", "quote",
        "sp", "opener", "closer", "table", "row", "lg", "l", "figure", "listBibl", "postscript",
        "floatingText", "epigraph", "byline", "docTitle", "titlePage", "dateline", "salute",
        "signed", "trailer", "argument", "listPerson", "listPlace", "listOrg", "note",
    }
)
