"""Hypothesis strategies that build random documents from a RELAX NG grammar (XML syntax).

Walks the simplified grammar trang writes (define, ref, element, attribute, group,
interleave, choice, optional, zeroOrMore, oneOrMore, list, text, empty, data, value): every
document drawn is valid against that grammar by construction, so the tests can ask
whether it is also valid against another schema (tei_all).
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from hypothesis import strategies as st
from lxml import etree

RNG = "{http://relaxng.org/ns/structure/1.0}"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Beyond this element depth only the cheapest alternatives are drawn, so documents stay finite.
MAX_DEPTH = 9

DATA = {
    "anyURI": ["#id1", "register.xml#pers-a", "https://example.org/a", "doc.xml"],
    "date": ["1975-01-13", "1954-03-30", "2000-02-29"],
    "gYearMonth": ["1975-01", "1960-12"],
    "gYear": ["1975", "1954"],
    "dateTime": ["1975-01-13T10:15:00Z", "1960-05-10T08:00:00+03:00"],
    "language": ["en", "ja", "de-CH"],
    "NCName": ["editor", "translator"],
    "nonNegativeInteger": ["0", "1", "12"],
}
TEXT = st.text(alphabet="ab <&é\n", max_size=6)


class Grammar:
    """A parsed RELAX NG grammar with, per define, the least element depth it needs."""

    def __init__(self, path: Path) -> None:
        self.root = etree.parse(str(path)).getroot()
        self.ns = self.root.get("ns", "")
        self.defines = {d.get("name"): d for d in self.root.iter(f"{RNG}define")}
        self.start = self.root.find(f"{RNG}start")
        self.need: dict[str, float] = {name: math.inf for name in self.defines}
        changed = True
        while changed:
            changed = False
            for name, define in self.defines.items():
                value = self._need_seq(list(define))
                if value < self.need[name]:
                    self.need[name], changed = value, True

    def _need_seq(self, patterns: list[etree._Element]) -> float:
        return max((self.cost(p) for p in patterns), default=0)

    def cost(self, p: etree._Element) -> float:
        """Least element depth needed to satisfy pattern ``p``."""
        tag = p.tag.removeprefix(RNG)
        if tag == "element":
            return 1 + self._need_seq(list(p))
        if tag == "ref":
            return self.need[p.get("name")]
        if tag in ("optional", "zeroOrMore"):
            return 0
        if tag == "choice":
            return min(self.cost(c) for c in p)
        if tag in ("group", "oneOrMore", "attribute", "list", "interleave"):
            return self._need_seq(list(p))
        return 0


class _Builder:
    """Builds one document; ``pick(low, high)`` and ``text()`` make the random choices."""

    def __init__(self, grammar: Grammar, pick, text) -> None:
        self.g, self.pick, self.random_text, self.ids = grammar, pick, text, 0

    def content(self, patterns: list[etree._Element], parent: etree._Element, depth: int) -> None:
        for p in patterns:
            self.pattern(p, parent, depth)

    def pattern(self, p: etree._Element, parent: etree._Element, depth: int) -> None:
        tag = p.tag.removeprefix(RNG)
        deep = depth >= MAX_DEPTH
        if tag == "ref":
            self.content(list(self.g.defines[p.get("name")]), parent, depth)
        elif tag == "element":
            child = etree.SubElement(parent, f"{{{self.g.ns}}}{p.get('name')}")
            self.content(list(p), child, depth + 1)
        elif tag == "attribute":
            name = p.get("name")
            if name.startswith("xml:"):
                name = f"{{{XML_NS}}}{name[4:]}"
            parent.set(name, self.value(list(p)))
        elif tag == "group":
            self.content(list(p), parent, depth)
        elif tag == "interleave":
            parts = list(p)
            for i in range(len(parts) - 1, 0, -1):  # any order
                j = self.pick(0, i)
                parts[i], parts[j] = parts[j], parts[i]
            self.content(parts, parent, depth)
        elif tag == "choice":
            options = list(p)
            if deep:
                cheapest = min(self.g.cost(o) for o in options)
                options = [o for o in options if self.g.cost(o) == cheapest]
            self.pattern(options[self.pick(0, len(options) - 1)], parent, depth)
        elif tag in ("optional", "zeroOrMore", "oneOrMore"):
            low = 1 if tag == "oneOrMore" else 0
            high = low if deep else (1 if tag == "optional" else low + 2)
            for _ in range(self.pick(low, high)):
                self.content(list(p), parent, depth)
        elif tag == "text":
            self.text(parent, self.random_text())

    def value(self, patterns: list[etree._Element]) -> str:
        """A lexical value for an attribute's (or list's) content pattern."""
        if not patterns:
            return self.random_text()
        p = patterns[0]
        tag = p.tag.removeprefix(RNG)
        if tag == "value":
            return p.text or ""
        if tag == "data":
            if p.get("type") == "ID":
                self.ids += 1
                return f"id{self.ids}"
            values = DATA[p.get("type")]
            return values[self.pick(0, len(values) - 1)]
        if tag == "text":
            return self.random_text()
        if tag == "ref":
            return self.value(list(self.g.defines[p.get("name")]))
        if tag == "choice":
            options = list(p)
            return self.value([options[self.pick(0, len(options) - 1)]])
        if tag == "list":
            return self.value(list(p))
        if tag in ("oneOrMore", "zeroOrMore"):
            low = 1 if tag == "oneOrMore" else 0
            return " ".join(self.value(list(p)) for _ in range(self.pick(low, 3)))
        raise ValueError(f"unsupported pattern in an attribute: {tag}")

    @staticmethod
    def text(parent: etree._Element, value: str) -> None:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + value
        else:
            parent.text = (parent.text or "") + value


def _build(builder: _Builder) -> bytes:
    holder = etree.Element("holder")
    builder.content(list(builder.g.start), holder, 0)
    return etree.tostring(holder[0], encoding="UTF-8", xml_declaration=True)


@st.composite
def documents(draw: st.DrawFn, grammar: Grammar) -> bytes:
    """One random document valid against ``grammar``, serialised (shrinks well, draws slowly)."""
    return _build(_Builder(grammar, lambda a, b: draw(st.integers(a, b)), lambda: draw(TEXT)))


TEXTS = ["", "word", " a b ", "é & <", "\n"]


def random_documents(grammar: Grammar, seed: int, count: int) -> list[bytes]:
    """``count`` random documents from one seed: fast enough to check in one jing run."""
    rnd = random.Random(seed)  # noqa: S311 (test data, not secrets)
    return [_build(_Builder(grammar, rnd.randint, lambda: rnd.choice(TEXTS))) for _ in range(count)]
