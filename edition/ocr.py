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


def meaningful(token: str, shortest: int = 4) -> bool:
    """A token that carries sense on its own: a common word, a long number, initials.

    ``shortest`` is the shortest word that counts (common 3-letter words count
    only inside running text).
    """
    core = _CORE.match(token)
    word = core.group(1) if core else token
    if re.fullmatch(r"\d{4,}", word) or re.fullmatch(r"(?:[A-Z]\.)+", token.strip(",;")):
        return True
    if len(word) < shortest or not _WORDISH.match(word) or token_score(token) < 1.0:
        return False
    floor = 3.5 if len(word) >= 4 else 4.5
    return all(zipf_frequency(part, "en") >= floor for part in re.split(r"['’-]", word) if part)


def is_noise_line(line: str, *, in_text: bool = False) -> bool:
    """A line that is not text: stamps, margin marks, scanner garbage.

    Noise has (almost) no word that means something alone, or is mostly
    symbols; a line holding only a number (a page count, a form value) is not.
    Inside running text (``in_text``) a line is noise only if nothing in it
    makes sense.
    """
    tokens = _TOKEN.findall(line)
    if not tokens:
        return False
    stripped = line.strip()
    if re.fullmatch(r"\d{1,4}", stripped):
        return False
    alnum = sum(c.isalnum() for c in stripped)
    if alnum < 0.4 * len(stripped):
        return True
    in_text = in_text or len(tokens) >= 8  # a long line is running text, however garbled
    sense = sum(meaningful(t, 3 if in_text else 4) for t in tokens)
    if in_text:
        return sense == 0
    if len(tokens) <= 4:
        return sense == 0
    return sense / len(tokens) < 0.15
