"""The small vocabulary of rendering behaviours.

Every behaviour takes the same leading parameters: the render context, the
TEI element, its CSS classes and its already-rendered children; it returns
safe HTML (``Markup``). Everything that comes from the TEI is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from markupsafe import Markup, escape

from edition.tei import local_name


@dataclass
class RenderContext:
    """State shared while rendering one document."""

    doc_id: str = ""
    fallbacks: dict[str, int] = field(default_factory=dict)  # element name → count


Behaviour = Callable[..., Markup]


def attributes_as_data(element: etree._Element) -> str:
    """TEI attributes as escaped ``data-*`` attributes."""
    parts = []
    for name, value in sorted(element.attrib.items()):
        local = name.rsplit("}", 1)[-1]
        if name.startswith("{http://www.w3.org/XML/1998/namespace}"):
            local = "xml-" + local
        safe = "".join(c if c.isalnum() or c == "-" else "-" for c in local).lower()
        parts.append(f' data-{safe}="{escape(value)}"')
    return "".join(parts)


def _class_attr(classes: tuple[str, ...]) -> str:
    return f' class="{escape(" ".join(classes))}"' if classes else ""


def omit(ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup) -> Markup:
    """Render nothing (used for metadata that pages show elsewhere)."""
    return Markup("")


def block(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup, tag: str = "div"
) -> Markup:
    """A block-level HTML element around the children."""
    return Markup(f"<{tag}{_class_attr(classes)}{attributes_as_data(element)}>{children}</{tag}>")


def inline(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup, tag: str = "span"
) -> Markup:
    """An inline HTML element around the children."""
    return Markup(f"<{tag}{_class_attr(classes)}{attributes_as_data(element)}>{children}</{tag}>")


def heading(ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup) -> Markup:
    """A heading whose level follows the nesting of ``div``s (h2 … h6)."""
    depth = sum(1 for a in element.iterancestors() if local_name(a) == "div")
    level = min(2 + depth, 6)
    return Markup(f"<h{level}{_class_attr(classes)}>{children}</h{level}>")


def line_break(ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup) -> Markup:
    """A source line break: a space in the reading view, a break in the diplomatic view."""
    hyphen = element.get("break") == "no"
    kind = "tei-lb tei-lb-nobreak" if hyphen else "tei-lb"
    return Markup(f'<span class="{kind}" aria-hidden="true">{"" if hyphen else " "}</span><br class="dipl">')


def passthrough(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup, block: bool = False
) -> Markup:
    """The fallback for elements with no rule: keep the text, name and attributes."""
    name = local_name(element)
    ctx.fallbacks[name] = ctx.fallbacks.get(name, 0) + 1
    tag = "div" if block else "span"
    return Markup(f'<{tag} class="tei-{escape(name)}"{attributes_as_data(element)}>{children}</{tag}>')


BEHAVIOURS: dict[str, Behaviour] = {
    "omit": omit,
    "block": block,
    "inline": inline,
    "heading": heading,
    "line_break": line_break,
    "passthrough": passthrough,
}


def call(name: str, ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup, **params: Any) -> Markup:
    """Apply the behaviour called ``name``."""
    return BEHAVIOURS[name](ctx, element, classes, children, **params)
