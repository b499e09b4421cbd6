"""Handwritten additions: ``[Handwritten]``, ``[Handwritten at the bottom of page one]`` → ``add``.

The marker after text on its line describes that text (``Sent [Handwritten]``);
at the start it describes what follows on the line.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from edition.sigla._brackets import bracket_rule

_ADD = re.compile(r"^\s*(?:handwritten|handwriting|added by hand|in hand)\b(?P<where>.*)$", re.I)
_PLACES = (
    ("bottom", "bottom"),
    ("foot", "bottom"),
    ("top", "top"),
    ("head", "top"),
    ("margin", "margin"),
    ("above", "above"),
    ("below", "below"),
)


def classify_add(content: str) -> dict[str, Any] | None:
    """The addition's place, or None."""
    match = _ADD.match(content)
    if not match:
        return None
    where = match["where"].lower()
    place = next((p for word, p in _PLACES if word in where), "inline")
    return {"place": place, "where": match["where"].strip()}


def add_plugin(md: MarkdownIt) -> None:
    """Recognise handwriting markers as ``add_marker`` tokens."""
    bracket_rule(md, "edition_add", "add_marker", classify_add)
