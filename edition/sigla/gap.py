"""Gaps: ``[illegible]``, ``[2 words illegible]``, ``[1 line not declassified]`` → ``gap``."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from edition.sigla._brackets import bracket_rule, number

_UNITS = {
    "word": "word",
    "words": "word",
    "line": "line",
    "lines": "line",
    "letter": "char",
    "letters": "char",
    "character": "char",
    "characters": "char",
    "char": "char",
    "chars": "char",
    "page": "page",
    "pages": "page",
    "name": "name",
    "names": "name",
    "text": "text",
    "paragraph": "line",
    "paragraphs": "line",
}
_REASONS = {
    "illegible": "illegible",
    "unreadable": "illegible",
    "not declassified": "withheld",
    "withheld": "withheld",
    "redacted": "withheld",
    "excised": "withheld",
    "damaged": "damage",
    "torn": "damage",
    "missing": "damage",
}
_GAP = re.compile(
    r"^\s*(?:(?P<qty>\d+|one|two|three|four|five|six|seven|eight|nine|ten|an?|several)\s+)?"
    r"(?:(?P<unit>[a-z]+)\s+)?(?P<reason>illegible|unreadable|not declassified|withheld|"
    r"redacted|excised|damaged|torn|missing)\s*$",
    re.I,
)


def classify_gap(content: str) -> dict[str, Any] | None:
    """The gap's reason, quantity and unit, or None when ``content`` is not a gap."""
    match = _GAP.match(content)
    if not match:
        return None
    unit_word = (match["unit"] or "").lower()
    if unit_word and unit_word not in _UNITS:
        return None
    reason = _REASONS[match["reason"].lower()]
    quantity = number(match["qty"]) if match["qty"] else None
    unit = _UNITS.get(unit_word)
    if unit in ("name", "text") and quantity is None:
        quantity = 1 if unit == "name" else None
    return {"reason": reason, "quantity": quantity, "unit": unit}


def gap_plugin(md: MarkdownIt) -> None:
    """Recognise gap sigla as ``gap`` tokens."""
    bracket_rule(md, "edition_gap", "gap", classify_gap)
