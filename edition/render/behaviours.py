"""The small vocabulary of rendering behaviours.

Every behaviour takes the same leading parameters: the render context, the
TEI element, its CSS classes and its already-rendered children; it returns
safe HTML (``Markup``). Everything that comes from the TEI is escaped, and
URLs are linked only when they are ``http(s)``/``mailto`` or point at an id
known to the site (``javascript:`` and friends are refused).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from markupsafe import Markup

from edition.render import apparatus
from edition.render.legend import SIGNS
from edition.tei import XML_ID, XML_LANG, local_name


@dataclass
class ApparatusEntry:
    """One numbered entry of a document's apparatus."""

    number: int
    kind: str
    anchor: str
    summary: str
    content: Markup

    @property
    def symbol(self) -> str:
        """The sign shown in the text for this entry."""
        return SIGNS[self.kind].symbol if self.kind in SIGNS else ""


@dataclass
class Mention:
    """A mention of a register entity at an anchor of the page."""

    entity: str
    anchor: str
    text: str
    context: str = ""


@dataclass
class RenderContext:
    """State shared while rendering one document."""

    doc_id: str = ""
    fallbacks: dict[str, int] = field(default_factory=dict)  # "name" or "name/@attr=value" → count
    apparatus: list[ApparatusEntry] = field(default_factory=list)
    used: dict[str, set[str]] = field(default_factory=dict)  # legend key → attr=value seen
    mentions: list[Mention] = field(default_factory=list)
    register: Mapping[str, str] = field(default_factory=dict)  # entity id → URL of its page
    entity_ids: Mapping[str, str] = field(default_factory=dict)  # pointer key → register id
    internal: Mapping[str, str] = field(default_factory=dict)  # xml:id elsewhere → URL
    local_ids: set[str] = field(default_factory=set)  # xml:ids rendered on this page
    hands: Mapping[str, str] = field(default_factory=dict)
    responsible: Mapping[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # URLs not linked for safety
    render_children: Callable[[etree._Element], Markup] = lambda element: Markup("")
    render_element: Callable[[etree._Element], Markup] = lambda element: Markup("")
    _counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, prefix: str) -> str:
        """A page-unique generated id: ``app-1``, ``men-2`` …"""
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}-{self._counters[prefix]}"

    def use(self, key: str, *values: str) -> None:
        """Record that the legend must explain ``key`` (with these attribute values)."""
        self.used.setdefault(key, set()).update(v for v in values if v)


Behaviour = Callable[..., Markup]


def escape_text(text: str) -> str:
    """Text as HTML, escaped as ``markupsafe.escape`` does, but as a plain ``str``: making a
    ``Markup`` of every piece of text cost the walker more than escaping it."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


_SAFE_TOKEN = re.compile(r"[^A-Za-z0-9_-]+")
#: Ancestors in whose HTML rendering only phrasing content is allowed.
PHRASING = frozenset(
    {
        "p",
        "ab",
        "head",
        "hi",
        "l",
        "dateline",
        "salute",
        "speaker",
        "label",
        "trailer",
        "byline",
        "docImprint",
        "titlePart",
        "q",
        "emph",
        "title",
        "persName",
        "placeName",
        "orgName",
        "ref",
    }
)


def in_phrase(element: etree._Element) -> bool:
    """Whether the element is rendered inside phrasing-only HTML (a paragraph, a heading …)."""
    return any(local_name(a) in PHRASING for a in element.iterancestors())


def attributes_as_data(element: etree._Element) -> str:
    """TEI attributes as escaped ``data-*`` attributes (``xml:id`` becomes the HTML ``id``)."""
    pairs = element.items()
    if not pairs:
        return ""
    parts = []
    for name, value in sorted(pairs):
        if name == XML_ID:
            parts.append(f' id="{escape_text(value)}"')
            continue
        if name == XML_LANG:
            parts.append(f' lang="{escape_text(value)}"')
        local = name.rsplit("}", 1)[-1]
        if name.startswith("{http://www.w3.org/XML/1998/namespace}"):
            local = "xml-" + local
        safe = "".join(c if c.isalnum() or c == "-" else "-" for c in local).lower()
        parts.append(f' data-{safe}="{escape_text(value)}"')
    return "".join(parts)


def _rend_classes(element: etree._Element) -> tuple[str, ...]:
    return tuple(
        "rend-" + _SAFE_TOKEN.sub("-", token) for token in (element.get("rend") or "").split()
    )


def _class_attr(classes: tuple[str, ...]) -> str:
    return f' class="{escape_text(" ".join(classes))}"' if classes else ""


def _id_attr(element: etree._Element) -> str:
    ident = element.get(XML_ID)
    return f' id="{escape_text(ident)}"' if ident else ""


def omit(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """Render nothing (used for metadata that pages show elsewhere)."""
    return Markup("")


#: HTML elements that may not appear inside phrasing content.
_FLOW_TAGS = frozenset({"div", "section", "ul", "ol", "li", "blockquote", "p", "dl", "table"})


def block(
    ctx: RenderContext,
    element: etree._Element,
    classes: tuple[str, ...],
    children: Markup,
    tag: str = "div",
) -> Markup:
    """A block-level HTML element around the children (a block-styled span inside a paragraph)."""
    classes = (*classes, *_rend_classes(element))
    if tag in _FLOW_TAGS and in_phrase(element):
        classes, tag = (*classes, "as-block"), "span"
    return Markup(f"<{tag}{_class_attr(classes)}{attributes_as_data(element)}>{children}</{tag}>")


def inline(
    ctx: RenderContext,
    element: etree._Element,
    classes: tuple[str, ...],
    children: Markup,
    tag: str = "span",
) -> Markup:
    """An inline HTML element around the children."""
    classes = (*classes, *_rend_classes(element))
    return Markup(f"<{tag}{_class_attr(classes)}{attributes_as_data(element)}>{children}</{tag}>")


def heading(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """A heading whose level follows the nesting of ``div``s (h2 … h6)."""
    depth = sum(1 for a in element.iterancestors() if local_name(a) == "div")
    level = min(1 + max(depth, 1), 6)
    classes = (*classes, *_rend_classes(element))
    return Markup(f"<h{level}{_class_attr(classes)}{_id_attr(element)}>{children}</h{level}>")


def line_break(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """A source line break: a space in the reading view, a break in the diplomatic view."""
    hyphen = element.get("break") == "no"
    if hyphen:
        ctx.use("lb-hyphen")
    kind = "tei-lb tei-lb-nobreak" if hyphen else "tei-lb"
    space = "" if hyphen else " "
    return Markup(f'<span class="{kind}"{_id_attr(element)}>{space}</span><br class="dipl">')


def _sign(
    ctx: RenderContext, element: etree._Element, kind: str, content: Markup, summary: str
) -> tuple[str, Markup]:
    """The numbered, focusable sign with its popover; records the apparatus entry."""
    number = len(ctx.apparatus) + 1
    anchor = f"app-{number}"
    tip = f"tip-{number}"
    sign = SIGNS[kind]
    ctx.apparatus.append(ApparatusEntry(number, kind, anchor, summary, content))
    html = (
        f'<button type="button" class="app-sign sign-{kind}" id="{anchor}" aria-describedby="{tip}"'
        f' aria-label="{escape_text(sign.label)} {number}" aria-expanded="false">'
        f'<span aria-hidden="true">{escape_text(sign.symbol)}<sup>{number}</sup></span></button>'
        f'<span role="tooltip" id="{tip}" class="app-tip" data-pagefind-ignore>'
        f"<strong>{number}.</strong> {escape_text(summary)}</span>"
    )
    return anchor, Markup(html)


def _values(element: etree._Element, *names: str) -> list[str]:
    return [f"{n}={element.get(n)}" for n in names if element.get(n)]


def apparatus_element(
    ctx: RenderContext,
    element: etree._Element,
    classes: tuple[str, ...],
    children: Markup,
    kind: str = "gap",
    tag: str = "span",
) -> Markup:
    """An apparatus element: its text as the view wants it, a numbered sign and a popover."""
    ctx.use(kind, *_values(element, "reason", "cert", "place", "type"))
    summary = apparatus.explain(element, kind, ctx.hands, ctx.responsible)
    extra: list[str] = [f"app-{kind}"]
    if kind == "gap":
        label = apparatus.gap_label(element)
        content = Markup(f'<span class="gap-label">[{escape_text(label)}]</span>{children}')
    else:
        content = children
    if element.get("cert") in {"low", "medium"}:
        extra.append(f"cert-{element.get('cert')}")
    if (
        kind == "unclear"
        and element.get("reason") == "ocr"
        and element.get("cert") in {"low", "medium"}
    ):
        extra.append("ocr-low")
        ctx.use("ocr-low")
    if kind == "del":
        extra.append("dipl-only")
    if tag == "div" and in_phrase(element):
        tag = "span"
    _, sign = _sign(ctx, element, kind, content, summary)
    classes = (*classes, "app", *extra, *_rend_classes(element))
    return Markup(
        f"<{tag}{_class_attr(classes)}{attributes_as_data(element)}>"
        f'<{tag} class="app-text">{content}</{tag}>{sign}</{tag}>'
    )


def choice(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """``choice``: the source's form in the diplomatic view, the normalised one in reading."""
    source_forms = {"sic", "orig", "abbr"}
    parts: list[str] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = local_name(child)
        view = "dipl-only" if name in source_forms else "reading-only"
        parts.append(
            f'<span class="choice-{escape_text(name)} {view}">{ctx.render_children(child)}</span>'
        )
    ctx.use("choice", *(f"{local_name(c)}" for c in element if isinstance(c.tag, str)))
    summary = "; ".join(
        f"{local_name(c)}: “{' '.join(''.join(c.itertext()).split())}”"
        for c in element
        if isinstance(c.tag, str)
    )
    content = Markup("".join(parts))
    _, sign = _sign(ctx, element, "choice", content, f"Alternative readings — {summary}.")
    return Markup(
        f"<span{_class_attr((*classes, 'app', 'app-choice'))}{attributes_as_data(element)}>"
        f'<span class="app-text">{content}</span>{sign}</span>'
    )


def note(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """A note: a numbered sign in the text; its content goes to the apparatus list."""
    ctx.use("note", *_values(element, "type", "place"))
    text = " ".join("".join(element.itertext()).split())
    number_label = element.get("n")
    summary = f"Note {number_label}: {text}" if number_label else f"Note: {text}"
    ident = element.get(XML_ID)
    content = (
        Markup(f'<span class="note-body"{_id_attr(element)}>{children}</span>')
        if ident
        else children
    )
    _, sign = _sign(ctx, element, "note", content, summary)
    return Markup(f"<span{_class_attr((*classes, 'app', 'app-note'))}>{sign}</span>")


def inline_note(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """A note printed in the text (``@place``/``@rend`` inline): kept in place, set apart."""
    ctx.use("inline-note")
    tag = "span" if in_phrase(element) else "div"
    return block(ctx, element, (*classes, "note-inline"), children, tag=tag)


def page_break(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """A page break: a numbered sign, and in the diplomatic view a visible page boundary."""
    ctx.use("pb")
    summary = apparatus.explain(element, "pb", ctx.hands, ctx.responsible)
    label = Markup(f'<span class="pb-label">p. {escape_text(element.get("n", "?"))}</span>')
    _, sign = _sign(ctx, element, "pb", label, summary)
    return Markup(
        f"<span{_class_attr((*classes, 'app', 'app-pb'))}{_id_attr(element)}>{label}{sign}</span>"
    )


def forme_work(
    ctx: RenderContext,
    element: etree._Element,
    classes: tuple[str, ...],
    children: Markup,
    kind: str = "fw",
) -> Markup:
    """Forme work or OCR noise: hidden in the reading view, shown with a sign in diplomatic."""
    ctx.use(kind, *_values(element, "type"))
    summary = apparatus.explain(element, kind, ctx.hands, ctx.responsible)
    _, sign = _sign(ctx, element, kind, children, summary)
    tag = "span" if in_phrase(element) else "div"
    classes = (*classes, "app", f"app-{kind}", "dipl-only", *_rend_classes(element))
    return Markup(
        f"<{tag}{_class_attr(classes)}{attributes_as_data(element)}>"
        f'<{tag} class="app-text">{children}</{tag}>{sign}</{tag}>'
    )


def _entity_key(element: etree._Element) -> str:
    for attr in ("ref", "key", "corresp"):
        value = (element.get(attr) or "").split()
        if value:
            return value[0].rsplit("#", 1)[-1]
    return ""


def mention(
    ctx: RenderContext,
    element: etree._Element,
    classes: tuple[str, ...],
    children: Markup,
    kind: str = "entity",
) -> Markup:
    """A name: linked to its register entry (and recorded as a mention) when registered."""
    key = _entity_key(element)
    url = ctx.register.get(key)
    inside_link = any(
        local_name(a) in {"ref", "persName", "placeName", "orgName", "rs"}
        for a in element.iterancestors()
    )
    if url is None or inside_link:
        return inline(ctx, element, classes, children)
    ctx.use("mention")
    anchor = element.get(XML_ID) or ctx.next_id("men")
    text = " ".join("".join(element.itertext()).split())
    ctx.mentions.append(
        Mention(ctx.entity_ids.get(key, key), anchor, text, _context(element, text))
    )
    classes = (*classes, "mention", f"mention-{kind}")
    if element.get("cert"):
        classes = (*classes, f"cert-{_SAFE_TOKEN.sub('-', element.get('cert', ''))}")
    link_attributes = f'id="{escape_text(anchor)}" href="{escape_text(url)}"'
    return Markup(f"<a{_class_attr(classes)} {link_attributes}>{children}</a>")


_CONTEXT_BLOCKS = frozenset(
    {"p", "ab", "head", "item", "note", "l", "cell", "dateline", "signed", "quote"}
)


def _context(element: etree._Element, text: str, width: int = 70) -> str:
    """The words around a mention, from its paragraph (for the index pages)."""
    block = next((a for a in element.iterancestors() if local_name(a) in _CONTEXT_BLOCKS), None)
    if block is None:
        return ""
    whole = " ".join("".join(block.itertext()).split())
    at = whole.find(text)
    if at < 0:
        return whole[: 2 * width]
    start, end = max(0, at - width), min(len(whole), at + len(text) + width)
    return ("…" if start else "") + whole[start:end] + ("…" if end < len(whole) else "")


_EXTERNAL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)


def safe_href(ctx: RenderContext, target: str) -> str | None:
    """The URL to link ``target`` to, or ``None`` when it is unknown or unsafe."""
    target = target.strip()
    if not target:
        return None
    if _EXTERNAL.match(target) and not re.search(r"[\s\"'<>`]", target):
        return target
    fragment = target.rsplit("#", 1)[-1] if "#" in target else ""
    if fragment:
        if target.startswith("#") and fragment in ctx.local_ids:
            return "#" + fragment
        if fragment in ctx.internal:
            return ctx.internal[fragment]
        if fragment in ctx.register:
            return ctx.register[fragment]
    ctx.refused.append(target)
    return None


def link(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """``ref``/``ptr``: a link when the target is safe and resolves, otherwise the text alone."""
    target = (element.get("target") or "").split()
    href = safe_href(ctx, target[0]) if target else None
    inside_link = any(
        local_name(a) in {"ref", "persName", "placeName", "orgName", "rs"}
        for a in element.iterancestors()
    )
    if not children and local_name(element) == "ptr":
        children = Markup("→")
    if href is None or inside_link:
        return inline(ctx, element, classes, children)
    return Markup(
        f'<a{_class_attr(classes)}{_id_attr(element)} href="{escape_text(href)}">{children}</a>'
    )


def table(
    ctx: RenderContext, element: etree._Element, classes: tuple[str, ...], children: Markup
) -> Markup:
    """A table: ``head`` becomes the caption, ``row``s the body, anything else precedes it."""
    caption: list[str] = []
    rows: list[str] = []
    other: list[str] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = local_name(child)
        if name == "head":
            caption.append(ctx.render_children(child))
        elif name == "row":
            rows.append(ctx.render_element(child))
        else:
            other.append(ctx.render_element(child))
    classes = (*classes, *_rend_classes(element))
    if in_phrase(element):  # HTML tables cannot sit in a paragraph: spans styled as a table
        cap = f'<span class="as-caption">{"".join(caption)}</span>' if caption else ""
        return Markup(
            f'<span class="table-wrap">{"".join(other)}{cap}'
            f"<span{_class_attr((*classes, 'as-table'))}{_id_attr(element)}>"
            f"{''.join(rows)}</span></span>"
        )
    cap = f"<caption>{''.join(caption)}</caption>" if caption else ""
    body = f"<tbody>{''.join(rows)}</tbody>" if rows else ""
    tag = "div"
    return Markup(
        f'<{tag} class="table-wrap">{"".join(other)}'
        f"<table{_class_attr(classes)}{_id_attr(element)}>{cap}{body}</table></{tag}>"
    )


def passthrough(
    ctx: RenderContext,
    element: etree._Element,
    classes: tuple[str, ...],
    children: Markup,
    block: bool = False,
) -> Markup:
    """The fallback for elements with no rule: keep the text, name and attributes."""
    name = local_name(element)
    ctx.fallbacks[name] = ctx.fallbacks.get(name, 0) + 1
    tag = "div" if block and not in_phrase(element) else "span"
    return Markup(
        f'<{tag} class="tei-{escape_text(name)}"{attributes_as_data(element)}>{children}</{tag}>'
    )


BEHAVIOURS: dict[str, Behaviour] = {
    "omit": omit,
    "block": block,
    "inline": inline,
    "heading": heading,
    "line_break": line_break,
    "apparatus": apparatus_element,
    "choice": choice,
    "note": note,
    "inline_note": inline_note,
    "page_break": page_break,
    "forme_work": forme_work,
    "mention": mention,
    "link": link,
    "table": table,
    "passthrough": passthrough,
}

#: Behaviours that render (some of) the element's children themselves.
SELF_RENDERING = frozenset({"omit", "choice", "table"})


def call(
    name: str,
    ctx: RenderContext,
    element: etree._Element,
    classes: tuple[str, ...],
    children: Markup,
    **params: Any,
) -> Markup:
    """Apply the behaviour called ``name``."""
    return BEHAVIOURS[name](ctx, element, classes, children, **params)
