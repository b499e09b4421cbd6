"""OCR line rules: margin columns glued on with tabs, and form labels garbled by the scan."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from edition import ocr


def match_form_label(segment: str, labels: list[str]) -> int:
    """Length of the (possibly truncated, OCR-garbled) form label opening ``segment``; 0 if none."""
    words = segment.split()
    best = 0
    for label in labels:
        label_words = label.split()
        for count in range(len(label_words), 0, -1):
            candidate = words[:count]
            if len(candidate) < count:
                continue
            tail = label_words[-count:]
            if candidate[1:] != tail[1:]:
                continue
            first, wanted = candidate[0], tail[0]
            joined = " ".join(candidate)
            if first == wanted or (
                len(first) >= 2
                and wanted.endswith(first)
                and len(joined) >= 4
                and (count > 1 or len(first) >= 4)
            ):
                best = max(best, len(joined))
                break
            if len(first) >= 5 and fuzz.ratio(first, wanted) >= 85:
                best = max(best, len(joined))
                break
    if best and len(words) > 0:
        # keep the label's exact characters, including OCR slips
        position = 0
        for word in segment.split():
            position = segment.index(word, position) + len(word)
            if len(segment[:position].strip()) >= best:
                return position
    return 0


def split_margins(line: str) -> tuple[str, str, str]:
    """Split an OCR line into left margin column, text and right margin column (tab-separated)."""
    if "\t" not in line:
        return "", line, ""
    segments = line.split("\t")
    body_index = max(range(len(segments)), key=lambda i: len(segments[i].split()))
    if len(segments[body_index].split()) < 3:
        return "", line, ""

    def marginal(segment: str, right: bool = False) -> bool:
        stripped = segment.strip()
        if len(stripped) > 20 or not any(c.isalnum() for c in stripped):
            return not stripped
        if right and not re.search(r"[\d()<>\[\]{}=+*#|_-]", stripped):
            return False  # a right column of letters is more likely the text's own words
        return not any(ocr.meaningful(t) for t in stripped.split())

    start = 0
    while start < body_index and marginal(segments[start]):
        start += 1
    end = len(segments)
    while end - 1 > body_index and marginal(segments[end - 1], right=True):
        end -= 1
    if not "".join(segments[:start]).strip():
        start = 0
    if not "".join(segments[end:]).strip():
        end = len(segments)
    left = "\t".join(segments[:start]) + ("\t" if start else "")
    right = ("\t" if end < len(segments) else "") + "\t".join(segments[end:])
    return left, "\t".join(segments[start:end]), right
