"""The walker: applies the rendering rules to a TEI tree and returns HTML."""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree
from markupsafe import Markup, escape

from edition.render import behaviours
from edition.render.rules import BLOCK_ELEMENTS, RULES, Rule
from edition.tei import local_name


class HTMLRenderer:
    """Renders TEI elements by the first matching rule of their entry in the table."""

    def __init__(self, rules: Mapping[str, list[Rule]] | None = None) -> None:
        self.rules = {**RULES, **(rules or {})}

    def render(self, element: etree._Element, ctx: behaviours.RenderContext) -> Markup:
        """Render an element, its children and text (not its tail)."""
        children = self._children(element, ctx)
        name = local_name(element)
        for rule in self.rules.get(name, ()):
            if rule.predicate is None or element.xpath(f"boolean({rule.predicate})"):
                classes = (f"tei-{name}", *rule.classes)
                return behaviours.call(rule.behaviour, ctx, element, classes, children, **rule.params)
        return behaviours.passthrough(ctx, element, (), children, block=name in BLOCK_ELEMENTS)

    def _children(self, element: etree._Element, ctx: behaviours.RenderContext) -> Markup:
        parts: list[str] = [escape(element.text or "")]
        for child in element:
            if isinstance(child.tag, str):
                parts.append(self.render(child, ctx))
            parts.append(escape(child.tail or ""))
        return Markup("".join(parts))
