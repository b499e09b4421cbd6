"""OCR quality: how readable a token, a line and a whole text are.

A token is readable when it is a known word (wordfreq), a number, or a
well-formed name; shape rules catch what a dictionary cannot (digits inside
words, mixed case, runs of symbols).
"""

from __future__ import annotations

import re
from functools import lru_cache

from wordfreq import zipf_frequency

_TOKEN = re.compile(r"\S+")
_CORE = re.compile(r"^[\W_]*(.*?)[\W_]*$", re.S)
_NUMBER = re.compile(r"^[\d.,:/()-]+$|^\d+(st|nd|rd|th|s)?$")
_NAME = re.compile(r"^[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*$")
_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}[A-Z]?$")
_WORDISH = re.compile(r"^[A-Za-z]+(?:['’-][A-Za-z]+)*$")


@lru_cache(maxsize=65536)
def token_score(token: str) -> float:
    """1.0 for a clean word or number, down to 0.0 for garbage."""
    core = _CORE.match(token)
    word = core.group(1) if core else token
    if not word:
        return 0.5 if len(token) <= 2 else 0.0  # punctuation: neutral when short
    if _NUMBER.match(word) or _INITIALS.match(word):
        return 1.0
    if not _WORDISH.match(word):
        return 0.0
    if len(word) == 1:
        return 0.6 if word in "aAI" else 0.3
    parts = re.split(r"['’-]", word)
    if all(zipf_frequency(part, "en") >= 2.5 for part in parts if part):
        if word.isupper() or word.islower() or (word[0].isupper() and word[1:].islower()):
            return 1.0
        return 0.4  # known letters, broken case: "infOrmtion"
    if _NAME.match(word) and len(word) >= 4:
        return 0.7  # an unknown capitalised word is probably a name
    return 0.1


def line_score(line: str) -> float:
    """Mean readability of a line's tokens (0.0 for a line without tokens)."""
    tokens = _TOKEN.findall(line)
    if not tokens:
        return 0.0
    return sum(token_score(t) for t in tokens) / len(tokens)


def text_quality(text: str) -> float:
    """Share of readable tokens in the whole text, weighted by token length."""
    total = good = 0.0
    for token in _TOKEN.findall(text[:500_000]):
        weight = min(len(token), 12)
        total += weight
        good += weight * token_score(token)
    return good / total if total else 1.0


def is_noise_line(line: str) -> bool:
    """A line that is not text: stamps, margin marks, scanner garbage."""
    tokens = _TOKEN.findall(line)
    if not tokens:
        return False
    score = line_score(line)
    letters = sum(c.isalpha() for c in line)
    if letters < 0.4 * len(line.strip()) and not _NUMBER.match(line.strip()):
        return True
    if len(tokens) <= 2:
        return score < 0.6
    return score < 0.45
