"""Rendering declared as data: TEI element name → ordered rules (first match wins).

A rule is a predicate (XPath 1.0 evaluated on the element with the ``tei``
prefix bound, or ``None`` for always), a behaviour name from
``behaviours.BEHAVIOURS``, its parameters and CSS classes. An element with no
entry falls back to the generic pass-through behaviour. A project replaces one
element's list with ``[render.elements.<name>]`` in ``edition.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from edition.diagnostics import Location, error
from edition.errors import ConfigError
from edition.tei import tei, xpath_problem


@dataclass(frozen=True)
class Rule:
    """One rendering rule."""

    behaviour: str
    predicate: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    classes: tuple[str, ...] = ()


#: Children that force a TEI ``p``/``quote`` to render as ``div`` (HTML ``p`` holds phrasing only).
HAS_BLOCK = (
    "tei:list or tei:table or tei:lg or tei:figure or tei:quote[tei:p or tei:lg]"
    " or tei:floatingText or tei:note[@place='inline' or @rend='inline'][tei:p]"
    " or tei:sp or tei:ab or tei:fw or tei:signed or tei:opener or tei:closer"
)
IN_PHRASE = "ancestor::tei:p or ancestor::tei:head or ancestor::tei:hi or ancestor::tei:l"
INLINE_NOTE = "@place='inline' or @rend='inline'"

RULES: dict[str, list[Rule]] = {
    # structure
    "teiHeader": [Rule("omit")],
    "facsimile": [Rule("omit")],
    "standOff": [Rule("omit")],
    "text": [Rule("block", params={"tag": "div"})],
    "body": [Rule("block", params={"tag": "div"})],
    "front": [Rule("block", params={"tag": "div"})],
    "back": [Rule("block", params={"tag": "div"})],
    "group": [Rule("block", params={"tag": "div"})],
    "div": [Rule("block", params={"tag": "section"})],
    "p": [
        Rule("block", HAS_BLOCK, {"tag": "div"}),
        Rule("block", None, {"tag": "p"}),
    ],
    "ab": [
        Rule("forme_work", "@type='noise'", {"kind": "noise"}),
        Rule("block", HAS_BLOCK, {"tag": "div"}),
        Rule("block", None, {"tag": "p"}),
    ],
    "head": [
        Rule(
            "inline", "parent::tei:list or parent::tei:figure or parent::tei:lg", {"tag": "strong"}
        ),
        Rule("inline", IN_PHRASE, {"tag": "strong"}),
        Rule("heading"),
    ],
    "lb": [Rule("line_break")],
    "pb": [Rule("page_break")],
    "cb": [Rule("line_break")],
    "fw": [Rule("forme_work", params={"kind": "fw"})],
    "hi": [
        Rule("inline", "contains(@rend, 'italic')", {"tag": "em"}),
        Rule("inline", "contains(@rend, 'bold') or contains(@rend, 'strong')", {"tag": "strong"}),
        Rule("inline", "contains(@rend, 'superscript')", {"tag": "sup"}),
        Rule("inline", "contains(@rend, 'subscript')", {"tag": "sub"}),
        Rule("inline", None, {"tag": "span"}),
    ],
    "emph": [Rule("inline", params={"tag": "em"})],
    "title": [Rule("inline", params={"tag": "cite"})],
    "foreign": [Rule("inline", params={"tag": "span"})],
    "term": [Rule("inline", params={"tag": "span"})],
    "gloss": [Rule("inline", params={"tag": "span"})],
    "abbr": [Rule("inline", params={"tag": "abbr"})],
    "expan": [Rule("inline", params={"tag": "span"})],
    "seg": [Rule("inline", params={"tag": "span"})],
    "num": [Rule("inline", params={"tag": "span"})],
    "measure": [Rule("inline", params={"tag": "span"})],
    "date": [Rule("inline", params={"tag": "span"})],
    "time": [Rule("inline", params={"tag": "span"})],
    "label": [Rule("inline", params={"tag": "span"})],
    "q": [Rule("inline", params={"tag": "q"})],
    "said": [Rule("inline", params={"tag": "span"})],
    "quote": [
        Rule("inline", IN_PHRASE, {"tag": "q"}),
        Rule("block", None, {"tag": "blockquote"}),
    ],
    "cit": [Rule("block", None, {"tag": "div"})],
    "bibl": [Rule("inline", params={"tag": "span"})],
    "list": [
        Rule("block", "*[not(self::tei:item)] or " + IN_PHRASE, {"tag": "div"}),
        Rule("block", None, {"tag": "ul"}),
    ],
    "item": [
        Rule("block", "parent::tei:list[*[not(self::tei:item)]] or " + IN_PHRASE, {"tag": "div"}),
        Rule("block", None, {"tag": "li"}),
    ],
    "table": [Rule("table")],
    "row": [
        Rule("block", IN_PHRASE, {"tag": "span"}, ("as-row",)),
        Rule("block", None, {"tag": "tr"}),
    ],
    "cell": [
        Rule("block", IN_PHRASE, {"tag": "span"}, ("as-cell",)),
        Rule("block", "@role='label'", {"tag": "th"}),
        Rule("block", None, {"tag": "td"}),
    ],
    "lg": [Rule("block", params={"tag": "div"})],
    "l": [Rule("block", params={"tag": "div"})],
    "figure": [Rule("block", params={"tag": "div"})],
    "figDesc": [Rule("inline", params={"tag": "span"})],
    "graphic": [Rule("inline", params={"tag": "span"})],  # images are not fetched: URL kept as data
    # letters, telegrams, dialogue
    "opener": [Rule("block", params={"tag": "div"})],
    "closer": [Rule("block", params={"tag": "div"})],
    "dateline": [Rule("block", IN_PHRASE, {"tag": "span"}), Rule("block", None, {"tag": "p"})],
    "salute": [Rule("block", IN_PHRASE, {"tag": "span"}), Rule("block", None, {"tag": "p"})],
    "postscript": [Rule("block", params={"tag": "div"})],
    "trailer": [Rule("block", params={"tag": "p"})],
    "byline": [Rule("block", params={"tag": "p"})],
    "sp": [Rule("block", params={"tag": "div"})],
    "speaker": [Rule("block", IN_PHRASE, {"tag": "span"}), Rule("block", None, {"tag": "p"})],
    "stage": [Rule("inline", params={"tag": "em"})],
    "signed": [Rule("apparatus", params={"kind": "signed", "tag": "div"})],
    "attachment": [Rule("block", params={"tag": "div"})],
    "titlePage": [Rule("block", params={"tag": "div"})],
    "docTitle": [Rule("block", params={"tag": "div"})],
    "titlePart": [Rule("block", params={"tag": "p"})],
    "docImprint": [Rule("block", params={"tag": "p"})],
    "docDate": [Rule("inline", params={"tag": "span"})],
    "publisher": [Rule("inline", params={"tag": "span"})],
    "pubPlace": [Rule("inline", params={"tag": "span"})],
    # form fields
    "name": [Rule("inline", params={"tag": "span"})],
    # mentions of register entities
    "persName": [Rule("mention", params={"kind": "person"})],
    "placeName": [Rule("mention", params={"kind": "place"})],
    "orgName": [Rule("mention", params={"kind": "org"})],
    "rs": [Rule("mention", params={"kind": "entity"})],
    # links
    "ref": [Rule("link")],
    "ptr": [Rule("link")],
    # critical apparatus
    "gap": [Rule("apparatus", params={"kind": "gap"})],
    "supplied": [Rule("apparatus", params={"kind": "supplied"})],
    "unclear": [Rule("apparatus", params={"kind": "unclear"})],
    "add": [Rule("apparatus", params={"kind": "add"})],
    "del": [Rule("apparatus", params={"kind": "del"})],
    "sic": [Rule("apparatus", "not(parent::tei:choice)", {"kind": "sic"})],
    "corr": [Rule("apparatus", "not(parent::tei:choice)", {"kind": "corr"})],
    "choice": [Rule("choice")],
    "note": [
        Rule("inline_note", INLINE_NOTE),
        Rule("note"),
    ],
}

#: Elements that sit at block level (their generic fallback is a ``div``).
BLOCK_ELEMENTS = frozenset(
    {
        "text",
        "body",
        "front",
        "back",
        "div",
        "p",
        "ab",
        "head",
        "list",
        "item",
        "quote",
        "sp",
        "opener",
        "closer",
        "table",
        "row",
        "lg",
        "l",
        "figure",
        "listBibl",
        "postscript",
        "floatingText",
        "epigraph",
        "byline",
        "docTitle",
        "titlePage",
        "dateline",
        "salute",
        "signed",
        "trailer",
        "argument",
        "listPerson",
        "listPlace",
        "listOrg",
    }
)


def rules_from_config(elements: Mapping[str, Any]) -> dict[str, list[Rule]]:
    """Rules from ``[render.elements.<name>]``: ``rules = [{behaviour, predicate, params}]``."""
    from edition.render.behaviours import BEHAVIOURS

    table: dict[str, list[Rule]] = {}
    for name, entry in elements.items():
        rules = entry.get("rules", []) if isinstance(entry, Mapping) else []
        for rule in rules:
            if not isinstance(rule, Mapping) or rule.get("behaviour") not in BEHAVIOURS:
                found = rule.get("behaviour") if isinstance(rule, Mapping) else rule
                raise ConfigError(
                    error(
                        "C030",
                        f"render.elements.{name}: unknown behaviour {found!r}",
                        Location("edition.toml"),
                        f"known behaviours: {', '.join(sorted(BEHAVIOURS))}",
                    )
                )
        table[name] = [
            Rule(
                str(rule["behaviour"]),
                _checked_predicate(name, rule.get("predicate")),
                dict(rule.get("params", {})),
                tuple(str(c) for c in rule.get("classes", ())),
            )
            for rule in rules
        ]
    return table


def _checked_predicate(name: str, predicate: object) -> str | None:
    """A project rule's predicate, once it has compiled and been tried on a ``name`` element:
    a mistake is a configuration error before any document is rendered."""
    if predicate is None:
        return None
    problem = "is not a string"
    if isinstance(predicate, str):
        found = xpath_problem(f"boolean({predicate})", etree.Element(tei(name)))
        if found is None:
            return predicate
        problem = f"is not a usable XPath 1.0 test ({found})"
    raise ConfigError(
        error(
            "C034",
            f"render.elements.{name}: the predicate {predicate!r} {problem}",
            Location("edition.toml"),
            "write an XPath 1.0 test of the element, with tei: before TEI names"
            ' (for example "@rend=\'italic\'" or "parent::tei:list")',
        )
    )


#: Attribute values the rules and the legend know; others are reported as generic fallbacks.
KNOWN_VALUES: dict[tuple[str, str], frozenset[str]] = {
    ("gap", "reason"): frozenset({"illegible", "withheld", "signature", "damage", "noise"}),
    ("gap", "unit"): frozenset({"char", "word", "line", "name", "page", "text"}),
    ("supplied", "reason"): frozenset({"omitted", "illegible", "damage"}),
    ("unclear", "reason"): frozenset({"ocr", "illegible", "damage"}),
    ("add", "place"): frozenset({"inline", "above", "below", "top", "bottom", "margin"}),
    ("fw", "type"): frozenset(
        {"header", "pageNum", "classification", "routing", "margin", "catch", "sig"}
    ),
    ("hi", "rend"): frozenset(
        {"italic", "bold", "underline", "smallcaps", "superscript", "subscript", "strong"}
    ),
    ("note", "place"): frozenset({"foot", "end", "margin", "inline"}),
}
