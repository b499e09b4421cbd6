"""The walker: applies the rendering rules to a TEI tree and returns HTML."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree
from markupsafe import Markup

from edition.render import behaviours
from edition.render.behaviours import escape_text
from edition.render.predicates import NATIVE, Predicate
from edition.render.rules import BLOCK_ELEMENTS, KNOWN_VALUES, RULES, Rule
from edition.tei import XML_ID, compiled_xpath, local_name

_HYPHEN = re.compile(r"[-\u00ad¬]$")
#: The elements some of whose attributes have values the rules and the legend know.
_WITH_KNOWN_VALUES = frozenset(name for name, _ in KNOWN_VALUES)


class HTMLRenderer:
    """Renders TEI elements by the first matching rule of their entry in the table."""

    def __init__(self, rules: Mapping[str, list[Rule]] | None = None) -> None:
        #: Each element name's rules, with the test of each one's predicate (None: always).
        self._tests: dict[str, list[tuple[Predicate | None, Rule]]] = {
            name: [(None if r.predicate is None else _test_of(r.predicate), r) for r in rules]
            for name, rules in {**RULES, **(rules or {})}.items()
        }

    def render(self, element: etree._Element, ctx: behaviours.RenderContext) -> Markup:
        """Render an element, its children and text (not its tail)."""
        ctx.render_children = lambda el: self._children(el, ctx)
        ctx.render_element = lambda el: self._element(el, ctx)
        if not ctx.local_ids:
            ctx.local_ids = ids_in(element)
        return self._element(element, ctx)

    def _element(self, element: etree._Element, ctx: behaviours.RenderContext) -> Markup:
        name = local_name(element)
        if not name:  # comments and processing instructions
            return Markup("")
        for test, rule in self._tests.get(name, ()):
            if test is None or test(element):
                self._check_values(element, name, ctx)
                children = (
                    Markup("")
                    if rule.behaviour in behaviours.SELF_RENDERING
                    else self._children(element, ctx)
                )
                classes = (f"tei-{name}", *rule.classes)
                return behaviours.call(
                    rule.behaviour, ctx, element, classes, children, **rule.params
                )
        children = self._children(element, ctx)
        return behaviours.passthrough(ctx, element, (), children, block=name in BLOCK_ELEMENTS)

    def _check_values(
        self, element: etree._Element, name: str, ctx: behaviours.RenderContext
    ) -> None:
        if name not in _WITH_KNOWN_VALUES:
            return
        for attr, value in element.items():
            known = KNOWN_VALUES.get((name, attr))
            if known is None:
                continue
            for token in value.split():
                if token not in known:
                    key = f'{name}/@{attr}="{token}"'
                    ctx.fallbacks[key] = ctx.fallbacks.get(key, 0) + 1

    def _children(self, element: etree._Element, ctx: behaviours.RenderContext) -> Markup:
        """Children and text; a hyphen before ``lb[@break='no']`` shows in diplomatic view only."""
        parts: list[str] = []
        # getnext(), not element[i + 1]: lxml finds a child by index (and len) by walking.
        self._text(parts, element.text or "", next(iter(element), None))
        for child in element:
            if isinstance(child.tag, str):
                parts.append(self._element(child, ctx))
            self._text(parts, child.tail or "", child.getnext())
        return Markup("".join(parts))

    @staticmethod
    def _text(parts: list[str], text: str, following: etree._Element | None) -> None:
        if (
            following is not None
            and local_name(following) == "lb"
            and following.get("break") == "no"
        ):
            stripped = text.rstrip()
            match = _HYPHEN.search(stripped)
            if match:
                parts.append(escape_text(stripped[: match.start()]))
                parts.append(f'<span class="hyphen dipl-only">{escape_text(match.group())}</span>')
                return
            text = stripped
        parts.append(escape_text(text))


def _test_of(predicate: str) -> Predicate:
    """A rule's predicate as a function: its Python equivalent when it is a built-in one."""
    native = NATIVE.get(predicate)
    if native is not None:
        return native
    compiled = compiled_xpath(f"boolean({predicate})")  # as the configuration check compiled it
    return lambda element: bool(compiled(element))


def ids_in(element: etree._Element) -> set[str]:
    """Every ``xml:id`` in an element's subtree (the anchors a page will have)."""
    return {str(e.get(XML_ID)) for e in element.iter() if isinstance(e.tag, str) and e.get(XML_ID)}
