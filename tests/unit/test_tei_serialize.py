"""Serialisation is deterministic and indentation never changes mixed content."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

import edition
from edition.tei import indent, make, parse_xml, serialize, sub

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


@st.composite
def documents(draw: st.DrawFn) -> etree._Element:
    body = make("body")
    for _ in range(draw(st.integers(1, 4))):
        p = sub(body, "p")
        p.text = draw(words) or None
        for _ in range(draw(st.integers(0, 3))):
            child = sub(p, draw(st.sampled_from(["hi", "lb", "unclear", "supplied"])))
            child.text = draw(words) or None
            child.tail = draw(words) or None
    return make("TEI", None, make("text", None, body))


@given(documents())
def test_indenting_keeps_the_text_of_every_paragraph(root: etree._Element) -> None:
    before = ["".join(p.itertext()) for p in root.iter("{*}p")]
    indent(root)
    after = ["".join(p.itertext()) for p in root.iter("{*}p")]
    assert after == before


@given(documents())
def test_serialising_twice_gives_identical_bytes(root: etree._Element) -> None:
    indent(root)
    once = serialize(root)
    again = serialize(parse_xml(once, "x.xml"))
    assert once == again


def test_public_facade_lists_exactly_its_names() -> None:
    assert edition.__all__ == sorted(edition.__all__)
    public = {n for n in vars(edition) if not n.startswith("_")} - {"api", "annotations"}
    modules = {n for n in public if type(getattr(edition, n)).__name__ == "module"}
    assert set(edition.__all__) - {"__version__"} == public - modules
