"""Markdown footnotes: ``[^1]`` in the text, ``[^1]: text`` on its own line → ``note[@n]``."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from edition.sigla._brackets import bracket_rule

#: A footnote definition line; the reader lifts these out before parsing paragraphs.
DEFINITION = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<text>.*)$")


def classify_note(content: str) -> dict[str, Any] | None:
    """The footnote label, or None."""
    if re.fullmatch(r"\^[^\]\s]+", content):
        return {"label": content[1:]}
    return None


def notes_plugin(md: MarkdownIt) -> None:
    """Recognise footnote references as ``footnote_ref`` tokens."""
    bracket_rule(md, "edition_note", "footnote_ref", classify_note)
