"""Supplied words: ``[is heading]`` → ``supplied``; ``[word?]`` → ``supplied[@cert="low"]``.

Registered last among the bracket sigla: any bracketed words no other siglum
claims, and that are not a Markdown link or footnote, were supplied.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from edition.sigla._brackets import bracket_rule

_WORDS = re.compile(r"^[^\[\]^\n]*\w[^\[\]\n]*$")


def classify_supplied(content: str) -> dict[str, Any] | None:
    """Supplied text with its certainty, or None."""
    if not _WORDS.match(content) or content.startswith("^") or content.strip() != content:
        return None
    uncertain = content.endswith("?")
    return {"cert": "low" if uncertain else None, "text": content[:-1] if uncertain else content}


def supplied_plugin(md: MarkdownIt) -> None:
    """Recognise supplied text as ``supplied`` tokens (after every other bracket siglum)."""
    bracket_rule(md, "edition_supplied", "supplied", classify_supplied)
