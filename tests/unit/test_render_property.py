"""Property: rendering never loses text, except what a view hides and the legend says so."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from site_checks import norm, views_of

from edition.render.behaviours import RenderContext
from edition.render.html import HTMLRenderer
from edition.render.legend import legend

TEI = "http://www.tei-c.org/ns/1.0"
words = st.text(alphabet="abcXYZ <&\"'-", min_size=0, max_size=8)
INLINE = [
    "hi",
    "supplied",
    "unclear",
    "add",
    "del",
    "sic",
    "persName",
    "q",
    "foreign",
    "note",
    "seg",
]
EMPTY = ["gap", "lb", "lb-no", "pb"]


@st.composite
def inline_tree(draw, depth=0):
    name = draw(st.sampled_from(INLINE + EMPTY + (["fw"] if depth == 0 else [])))
    if name == "lb-no":
        element = etree.Element(f"{{{TEI}}}lb", {"break": "no"})
    else:
        element = etree.Element(f"{{{TEI}}}{name}")
    if name == "gap":
        element.set("reason", draw(st.sampled_from(["illegible", "withheld", "odd"])))
    if name in INLINE or name == "fw":
        element.text = draw(words)
        if depth < 2:
            for child in draw(st.lists(inline_tree(depth + 1), max_size=2)):
                element.append(child)
    element.tail = draw(words)
    return element


@st.composite
def paragraph(draw):
    p = etree.Element(f"{{{TEI}}}p")
    p.text = draw(words)
    for child in draw(st.lists(inline_tree(), max_size=4)):
        p.append(child)
    return p


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph())
def test_rendering_never_loses_text(p):
    ctx = RenderContext()
    html = str(HTMLRenderer().render(p, ctx))
    entries = "".join(f"<div>{e.content}</div>" for e in ctx.apparatus)
    page = f'<article class="document">{html}{entries}</article>'
    reading, diplomatic = views_of(page)
    hidden_in_reading = any(row.hidden_in == "reading" for row in legend(ctx.used))
    for node in p.iter():
        for text in (node.text, node.tail if node is not p else None):
            fragment = norm(text or "")
            if not fragment or fragment in reading:
                continue
            assert fragment in diplomatic and hidden_in_reading, (fragment, reading, diplomatic)
