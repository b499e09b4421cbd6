"""The built-in rules' XPath predicates as Python functions, for speed.

A rule's predicate is XPath (``rules.py``; a project's own rules in ``edition.toml``
too). Evaluating an XPath on every ``p``, ``hi`` or ``head`` was a seventh of the
walker's time, so the predicates of the built-in table have a Python equivalent
here, looked up by their exact text; any other predicate is evaluated as XPath. A
test checks each equivalent against its XPath on every element of the fixtures and
of generated trees.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from edition.render.rules import HAS_BLOCK, IN_PHRASE, INLINE_NOTE
from edition.tei import tei

Predicate = Callable[[etree._Element], bool]

_PHRASE_ANCESTORS = frozenset(tei(name) for name in ("p", "head", "hi", "l"))
_BLOCK_CHILDREN = frozenset(
    tei(name)
    for name in (
        "list",
        "table",
        "lg",
        "figure",
        "floatingText",
        "sp",
        "ab",
        "fw",
        "signed",
        "opener",
        "closer",
    )
)
_P, _LG, _QUOTE, _NOTE = tei("p"), tei("lg"), tei("quote"), tei("note")
_ITEM, _LIST, _FIGURE, _CHOICE = tei("item"), tei("list"), tei("figure"), tei("choice")


def _in_phrase(element: etree._Element) -> bool:
    return any(a.tag in _PHRASE_ANCESTORS for a in element.iterancestors())


def _inline_note(element: etree._Element) -> bool:
    return element.get("place") == "inline" or element.get("rend") == "inline"


def _has_block(element: etree._Element) -> bool:
    for child in element:
        tag = child.tag
        if tag in _BLOCK_CHILDREN:
            return True
        if tag == _QUOTE and any(g.tag == _P or g.tag == _LG for g in child):
            return True
        if tag == _NOTE and _inline_note(child) and any(g.tag == _P for g in child):
            return True
    return False


def _has_other_than_items(element: etree._Element) -> bool:
    """``*[not(self::tei:item)]``: a child element (of any namespace) that is no TEI item."""
    return any(isinstance(c.tag, str) and c.tag != _ITEM for c in element)


def _rend_contains(*words: str) -> Predicate:
    def test(element: etree._Element) -> bool:
        rend = element.get("rend") or ""
        return any(word in rend for word in words)

    return test


def _attribute_is(name: str, value: str) -> Predicate:
    return lambda element: element.get(name) == value


def _parent_in(*tags: str) -> Predicate:
    def test(element: etree._Element) -> bool:
        parent = element.getparent()
        return parent is not None and parent.tag in tags

    return test


_in_choice = _parent_in(_CHOICE)


def _item_of_mixed_list(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == _LIST and _has_other_than_items(parent)


#: XPath text of a built-in predicate → its Python equivalent.
NATIVE: dict[str, Predicate] = {
    HAS_BLOCK: _has_block,
    IN_PHRASE: _in_phrase,
    INLINE_NOTE: _inline_note,
    "@type='noise'": _attribute_is("type", "noise"),
    "@role='label'": _attribute_is("role", "label"),
    "parent::tei:list or parent::tei:figure or parent::tei:lg": _parent_in(_LIST, _FIGURE, _LG),
    "contains(@rend, 'italic')": _rend_contains("italic"),
    "contains(@rend, 'bold') or contains(@rend, 'strong')": _rend_contains("bold", "strong"),
    "contains(@rend, 'superscript')": _rend_contains("superscript"),
    "contains(@rend, 'subscript')": _rend_contains("subscript"),
    "*[not(self::tei:item)] or " + IN_PHRASE: lambda e: _has_other_than_items(e) or _in_phrase(e),
    "parent::tei:list[*[not(self::tei:item)]] or " + IN_PHRASE: lambda e: (
        _item_of_mixed_list(e) or _in_phrase(e)
    ),
    "not(parent::tei:choice)": lambda e: not _in_choice(e),
}
