"""The signs of the critical apparatus: one symbol, label and explanation per kind.

Pages build their legends from the kinds and attribute values a rendering
actually used (``RenderContext.used``), looked up here; nothing is listed that
the text does not contain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Sign:
    """How one kind of apparatus element looks and what it means."""

    symbol: str
    label: str
    meaning: str
    hidden_in: str = ""  # "reading" or "diplomatic" when that view hides the element's text


SIGNS: dict[str, Sign] = {
    "gap": Sign(
        "∅",
        "Gap",
        "Text of the source that is not given: the bracketed words say why and how much.",
    ),
    "supplied": Sign(
        "⟨⟩",
        "Supplied",
        "Words supplied by the editors or the translator, shown in square brackets.",
    ),
    "unclear": Sign("?", "Unclear", "Text that is hard to read; the transcription is uncertain."),
    "add": Sign(
        "+",
        "Addition",
        "Text added to the source, for example by hand; the popover names the hand and the place.",
    ),
    "del": Sign(
        "−",
        "Deletion",
        "Text struck out in the source: shown crossed out in the diplomatic view.",
        "reading",
    ),
    "sic": Sign("!", "Sic", "The source's reading, kept as written although it is wrong."),
    "corr": Sign("✓", "Correction", "A correction by the editors."),
    "choice": Sign(
        "⇄",
        "Alternative readings",
        "The reading view shows the corrected or expanded form, "
        "the diplomatic view the source's own.",
    ),
    "signed": Sign("✍", "Signature", "A signature or signature block of the source."),
    "note": Sign(
        "*", "Note", "A note; its text is in the popover and in the list of notes and apparatus."
    ),
    "pb": Sign("¶", "Page break", "The beginning of a new page of the source, with its number."),
    "fw": Sign(
        "▭",
        "Forme work",
        "Running heads, page numbers, classification and routing marks printed on the page: "
        "visible in the diplomatic view only.",
        "reading",
    ),
    "noise": Sign(
        "≈",
        "OCR noise",
        "Stamps and marks that the optical character recognition read as text: "
        "visible in the diplomatic view only.",
        "reading",
    ),
}

#: Other typography a page may use, explained when present.
STYLES: dict[str, tuple[str, str]] = {
    "lb-hyphen": (
        "Hyphenation",
        "A word divided across lines: joined in the reading view, "
        "hyphen and break kept in the diplomatic view.",
    ),
    "ocr-low": (
        "Low-confidence OCR",
        "Words the OCR read with low confidence: highlighted in the diplomatic view.",
    ),
    "inline-note": (
        "Editorial note",
        "A note of the editors printed in the text, set in a smaller face.",
    ),
    "mention": ("Names", "Names of persons, places and organisations link to the index entry."),
}

#: Plain-language explanations of attribute values.
VALUES: dict[str, str] = {
    "reason=illegible": "illegible",
    "reason=withheld": "withheld (not declassified)",
    "reason=signature": "a signature",
    "reason=damage": "damaged",
    "reason=noise": "OCR noise",
    "reason=omitted": "omitted in the source",
    "reason=ocr": "poorly recognised by OCR",
    "cert=high": "high certainty",
    "cert=medium": "medium certainty",
    "cert=low": "low certainty",
    "cert=unknown": "certainty unknown",
}


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend: a sign and the attribute values seen with it."""

    key: str
    symbol: str
    label: str
    meaning: str
    values: tuple[str, ...]
    hidden_in: str


def legend(used: Mapping[str, Iterable[str]]) -> list[LegendEntry]:
    """Legend rows for the kinds and values in ``used`` (kind → ``attr=value`` strings)."""
    rows: list[LegendEntry] = []
    for key in [*SIGNS, *STYLES]:
        if key not in used:
            continue
        values = tuple(sorted(describe(v) for v in set(used[key])))
        if key in SIGNS:
            sign = SIGNS[key]
            rows.append(
                LegendEntry(key, sign.symbol, sign.label, sign.meaning, values, sign.hidden_in)
            )
        else:
            label, meaning = STYLES[key]
            hidden = "reading" if key == "lb-hyphen" else ""
            rows.append(LegendEntry(key, "", label, meaning, values, hidden))
    return rows


def describe(value: str) -> str:
    """``reason=illegible`` → ``illegible``; unknown values are shown as written."""
    return VALUES.get(value, value.replace("=", ": "))


def merge(target: dict[str, set[str]], used: Mapping[str, Iterable[str]]) -> None:
    """Add one page's used kinds and values to an edition-wide collection."""
    for key, values in used.items():
        target.setdefault(key, set()).update(values)
