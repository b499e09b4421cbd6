"""Behaviours tested alone with a stub context: one element in, HTML out."""

from __future__ import annotations

from lxml import etree
from markupsafe import Markup

from edition.render import behaviours
from edition.render.behaviours import RenderContext

NS = 'xmlns="http://www.tei-c.org/ns/1.0"'


def tei(xml: str) -> etree._Element:
    root = etree.fromstring(f"<wrap {NS}>{xml}</wrap>")
    return root[0]


def test_block_keeps_attributes_as_data_and_rend_as_classes():
    html = behaviours.block(
        RenderContext(), tei('<p n="3" rend="center"/>'), ("tei-p",), Markup("x"), tag="p"
    )
    assert html == '<p class="tei-p rend-center" data-n="3" data-rend="center">x</p>'


def test_block_inside_a_paragraph_becomes_a_block_styled_span():
    list_el = tei("<p><list><item>a</item></list></p>")[0]
    html = behaviours.block(RenderContext(), list_el, ("tei-list",), Markup(""), tag="ul")
    assert html == '<span class="tei-list as-block"></span>'


def test_apparatus_sign_popover_and_entry():
    ctx = RenderContext(responsible={"ed": "Ada Editor"})
    gap = tei('<gap reason="withheld" quantity="1" unit="line" resp="#ed"/>')
    html = behaviours.apparatus_element(ctx, gap, ("tei-gap",), Markup(""), kind="gap")
    assert "[1 line not declassified]" in html
    assert 'aria-describedby="tip-1"' in html and 'role="tooltip" id="tip-1"' in html
    (entry,) = ctx.apparatus
    assert entry.number == 1 and entry.anchor == "app-1"
    assert entry.summary == "Gap; 1 line not declassified; responsible: Ada Editor."
    assert ctx.used == {"gap": {"reason=withheld"}}


def test_numbering_continues_across_kinds():
    ctx = RenderContext()
    behaviours.apparatus_element(ctx, tei("<sic>teh</sic>"), (), Markup("teh"), kind="sic")
    behaviours.page_break(ctx, tei('<pb n="2"/>'), (), Markup(""))
    behaviours.note(ctx, tei("<note>Hi</note>"), (), Markup("Hi"))
    assert [(e.number, e.kind) for e in ctx.apparatus] == [(1, "sic"), (2, "pb"), (3, "note")]


def test_forme_work_is_diplomatic_only():
    ctx = RenderContext()
    html = behaviours.forme_work(ctx, tei('<fw type="pageNum">3</fw>'), ("tei-fw",), Markup("3"))
    assert "dipl-only" in html and ctx.used == {"fw": {"type=pageNum"}}


def test_mention_links_registered_entities_only():
    ctx = RenderContext(register={"pers-a": "../../persons/pers-a/"})
    known = behaviours.mention(
        ctx,
        tei('<persName ref="register.xml#pers-a">A</persName>'),
        ("tei-persName",),
        Markup("A"),
        kind="person",
    )
    unknown = behaviours.mention(
        ctx, tei('<persName ref="#p_X">B</persName>'), ("tei-persName",), Markup("B")
    )
    assert known.startswith(
        '<a class="tei-persName mention mention-person" id="men-1" href="../../persons/pers-a/">'
    )
    assert unknown.startswith("<span") and len(ctx.mentions) == 1


def test_safe_href_refuses_scripts_and_unknown_targets():
    ctx = RenderContext(local_ids={"n1"}, internal={"d5": "../v-d5/"})
    assert behaviours.safe_href(ctx, "https://example.org/") == "https://example.org/"
    assert behaviours.safe_href(ctx, "#n1") == "#n1"
    assert behaviours.safe_href(ctx, "#d5") == "../v-d5/"
    for bad in (
        "javascript:alert(1)",
        "JAVASCRIPT:x",
        "data:text/html,x",
        "#missing",
        'https://x/"onclick',
    ):
        assert behaviours.safe_href(ctx, bad) is None
    assert len(ctx.refused) == 5


def test_passthrough_counts_fallbacks_and_escapes():
    ctx = RenderContext()
    html = behaviours.passthrough(ctx, tei('<odd a="&quot;&lt;">t</odd>'), (), Markup("t"))
    assert html == '<span class="tei-odd" data-a="&#34;&lt;">t</span>'
    assert ctx.fallbacks == {"odd": 1}
