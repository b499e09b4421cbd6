"""``word [sic]`` → ``sic`` around the word before the marker."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

from edition.sigla._brackets import bracket_rule


def classify_sic(content: str) -> dict[str, Any] | None:
    """``{}`` for a sic marker, else None."""
    return {} if content.strip().lower().rstrip("!") == "sic" else None


def sic_plugin(md: MarkdownIt) -> None:
    """Recognise ``[sic]`` as ``sic_marker`` tokens."""
    bracket_rule(md, "edition_sic", "sic_marker", classify_sic)
