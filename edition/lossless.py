"""The nothing-lost check: every word of the source is in the TEI, apart from markup syntax."""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from edition.diagnostics import Diagnostic, Location, error

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> Counter[str]:
    """The multiset of words (letters and digits) in ``text``."""
    return Counter(_WORD.findall(text))


def lost_words(source: str, consumed: list[str], text: etree._Element) -> Counter[str]:
    """Words of ``source`` missing from the TEI ``text`` (markup read as apparatus excepted)."""
    expected = words(source) - words(" ".join(consumed))
    present = words(" ".join(text.itertext()))
    return expected - present


def check(source: str, consumed: list[str], text: etree._Element, shown: str) -> Diagnostic | None:
    """An error naming the lost words and where the first is, or None when nothing was lost."""
    lost = lost_words(source, consumed, text)
    if not lost:
        return None
    first = min(lost, key=lambda w: _position(source, w))
    offset = _position(source, first)
    line = source.count("\n", 0, offset) + 1 if offset >= 0 else None
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1 if offset >= 0 else None
    named = ", ".join(f'"{w}"' + (f" ×{n}" if n > 1 else "") for w, n in lost.most_common(10))
    return error(
        "S130",
        f"the TEI lost {sum(lost.values())} word(s) of the source: {named}",
        Location(shown, line, column),
        "this is a bug in the importer: please report it with the source file",
    )


def _position(source: str, word: str) -> int:
    match = re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", source)
    return match.start() if match else -1
