"""The shared bracket scanner: every bracket siglum is ``[content]`` on one paragraph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

#: A classifier looks at the text between the brackets and returns the token's meta, or None.
Classifier = Callable[[str], "dict[str, Any] | None"]


def closing_bracket(src: str, start: int) -> int:
    """Index of the ``]`` closing the ``[`` at ``start``; -1 when unclosed or nested."""
    end = src.find("]", start + 1)
    if end < 0:
        return -1
    if "[" in src[start + 1 : end]:
        return -1
    return end


def bracket_rule(md: MarkdownIt, name: str, token_type: str, classify: Classifier) -> None:
    """Register an inline rule ``name`` (before ``link``) producing ``token_type`` tokens."""

    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if state.src[start] != "[":
            return False
        end = closing_bracket(state.src, start)
        if end < 0 or state.src[end + 1 : end + 2] in ("(", "["):
            return False  # unclosed, nested, or a Markdown link: not a siglum
        meta = classify(state.src[start + 1 : end])
        if meta is None:
            return False
        if not silent:
            token = state.push(token_type, "", 0)
            token.content = state.src[start + 1 : end]
            token.markup = state.src[start : end + 1]
            token.meta = {**meta, "offset": start}
        state.pos = end + 1
        return True

    md.inline.ruler.before("link", name, rule)


def number(word: str) -> int | None:
    """``"2"`` or ``"two"`` → 2; anything else → None."""
    words = {
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "a": 1,
        "an": 1,
        "several": None,
    }
    if word.isdigit():
        return int(word)
    return words.get(word.lower())
