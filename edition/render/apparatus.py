"""Plain-language explanations of apparatus elements: reason, extent, certainty, hand, editor.

Shared by the popovers in the text and the apparatus list; output wrappers
(HTML here, perhaps others later) only format these strings.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from edition.render.legend import SIGNS, describe
from edition.tei import local_name

_UNITS = {
    "char": "character",
    "word": "word",
    "line": "line",
    "name": "name",
    "page": "page",
    "text": "passage",
}


def extent(element: etree._Element) -> str:
    """``2 words``, ``1 line``, ``about 3 lines`` … from ``@quantity``/``@extent`` and ``@unit``."""
    quantity = element.get("quantity") or ""
    unit = element.get("unit") or ""
    if element.get("extent"):
        return " ".join(element.get("extent", "").split())
    if not quantity and not unit:
        return ""
    noun = _UNITS.get(unit, unit)
    if quantity and noun:
        plural = "" if quantity in {"1", "1.0"} else "s"
        if noun == "passage" and plural:
            plural = "s"
        return f"{quantity} {noun}{plural}"
    return quantity or noun


def gap_label(element: etree._Element) -> str:
    """The bracketed words shown for a gap: ``2 words illegible``, ``not declassified``."""
    reason = element.get("reason") or ""
    words = {
        "illegible": "illegible",
        "withheld": "not declassified",
        "signature": "signature",
        "damage": "damaged",
        "noise": "noise",
    }.get(reason, reason.replace("-", " "))
    size = extent(element)
    if reason == "signature":
        return "signature"
    return " ".join(p for p in (size, words) if p) or "…"


def _pointer_names(value: str, names: Mapping[str, str]) -> str:
    found = []
    for token in value.split():
        key = token.rsplit("#", 1)[-1]
        found.append(names.get(key, key))
    return ", ".join(found)


def explain(
    element: etree._Element,
    kind: str,
    hands: Mapping[str, str],
    responsible: Mapping[str, str],
) -> str:
    """One sentence explaining an apparatus element."""
    sign = SIGNS.get(kind)
    parts = [sign.label if sign else local_name(element)]
    reason = element.get("reason")
    if kind == "gap":
        parts.append(gap_label(element))
    elif reason:
        parts.append("reason: " + describe(f"reason={reason}"))
    if kind != "gap" and (size := extent(element)):
        parts.append("extent: " + size)
    if kind == "fw" and element.get("type"):
        parts.append("type: " + element.get("type", ""))
    if kind == "pb":
        parts.append("page " + element.get("n", "?"))
        if element.get("facs"):
            parts.append("facsimile " + element.get("facs", ""))
    if element.get("cert"):
        parts.append(describe(f"cert={element.get('cert')}"))
    if element.get("place"):
        parts.append("place: " + element.get("place", ""))
    if element.get("hand"):
        parts.append("hand: " + _pointer_names(element.get("hand", ""), hands))
    if element.get("resp"):
        parts.append("responsible: " + _pointer_names(element.get("resp", ""), responsible))
    if kind in {"sic", "corr", "unclear", "add", "del", "supplied"}:
        text = " ".join("".join(element.itertext()).split())
        if text:
            parts.append(f"“{text}”")
    return "; ".join(p for p in parts if p) + "."
