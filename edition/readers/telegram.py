"""Cable anatomy: banners, page headers, routing, date-time group, sections, quoted text.

Rules that turn a State Department telegram's furniture into ``fw``, ``pb``,
``opener``/``dateline``, ``div[@type="section"]``, ``quote`` and ``closer``;
the text between is encoded by :class:`~edition.readers.prose.ProseBuilder`.
"""

from __future__ import annotations

import re

from lxml import etree

from edition.readers.base import Metadata
from edition.readers.inline import InlineContext, fill
from edition.readers.prose import BANNER, HEADING, Block, ProseBuilder, split_blocks
from edition.tei import append_text, make

PAGE = re.compile(r"^PAGE (?P<n>\d+) (?P<rest>.*)$")
DTG = re.compile(
    r"^(?P<prec>[ROPZ]{1,2}) (?P<d>\d{2})(?P<h>\d{2})(?P<m>\d{2})Z (?P<mon>[A-Z]{3}) (?P<y>\d{2})$"
)
ROUTING = re.compile(r"^(?:ACTION .*|INFO .*|\d{1,3}|/\d+ ?[A-Z]?|-{3,}.*|(?:[A-Z]+-\d\d\s*)+)$")
FROM_TO = re.compile(r"^(?P<kind>FM|TO) (?P<who>.+)$")
SECTION = re.compile(r"SECTION (?P<n>\d+) OF (?P<of>\d+)")
FIELD = re.compile(
    r"^(?P<label>E\.O\.(?: [\d-]+)?|TAGS|SUBJ|REF|SUBJECT|REFS?)\s*:\s*(?P<value>.*)$"
)
BEGIN = re.compile(r"\bBEGIN TEXT\b:?")
END = re.compile(r"^END TEXT\b")
NUMBERED_START = re.compile(r"^\d{1,3}[.)]\s")
ATTRIBUTE = re.compile(r"^\*\*(?P<key>[^*]+?):\*\*\s*(?P<value>.*?)\s*$")
SIGNATURE = re.compile(r"^[A-Z][A-Z'-]{2,}(?: [A-Z][A-Z'-]+){0,2}$")
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def dtg_date(match: re.Match[str]) -> str:
    """``R 131009Z JAN 75`` → ``1975-01-13T10:09:00Z`` (two-digit years read as 19xx)."""
    year = int(match["y"])
    year += 1900 if year >= 40 else 2000
    month = _MONTHS.index(match["mon"]) + 1 if match["mon"] in _MONTHS else 1
    return f"{year}-{month:02d}-{match['d']}T{match['h']}:{match['m']}:00Z"


def _furniture_lines(blocks: list[Block], banners: set[str]) -> list[Block]:
    """Split blocks so that every furniture line stands alone."""
    out: list[Block] = []
    for position, block in enumerate(blocks):
        heading = HEADING.match(block.lines[0].strip())
        if heading and "attributes" in heading[2].lower():
            return out + blocks[position:]  # the archive's metadata is not cable text
        current: list[str] = []
        start = block.start
        for offset, line in enumerate(block.lines):
            stripped = line.strip()
            trailing = next((b for b in banners if stripped.endswith(" " + b)), None)
            if trailing and not BANNER.match(stripped):
                current.append(line.rstrip()[: -len(trailing)].rstrip() + " ")
                out.append(Block(start, current))
                out.append(Block(block.start + offset, [trailing]))
                current, start = [], block.start + offset + 1
                continue
            alone = (
                stripped in banners
                or END.match(stripped)
                or stripped == "NNN"
                or PAGE.match(stripped)
                or _is_signature(stripped, block, offset)
            )
            if alone:
                if current:
                    out.append(Block(start, current))
                out.append(Block(block.start + offset, [line]))
                current, start = [], block.start + offset + 1
            else:
                if not current:
                    start = block.start + offset
                current.append(line)
        if current:
            out.append(Block(start, current))
    return out


def _is_signature(line: str, block: Block, offset: int) -> bool:
    """A last line like ``HODGSON`` after a finished sentence."""
    return (
        offset > 0
        and offset == len(block.lines) - 1
        and bool(SIGNATURE.match(line))
        and line not in ("NNN", "END TEXT")
        and block.lines[offset - 1].rstrip().endswith(".")
    )


def encode(
    lines: list[str], ctx: InlineContext, builder: ProseBuilder, meta: Metadata
) -> etree._Element:
    """The telegram's ``body``."""
    return _Cable(lines, ctx, builder, meta).encode()


def _has_head(section: etree._Element) -> bool:
    return bool(section.xpath("./*[local-name()='head']"))


class _Cable:
    """Walks a cable's blocks: each rule method returns True when it placed the block."""

    def __init__(
        self, lines: list[str], ctx: InlineContext, builder: ProseBuilder, meta: Metadata
    ) -> None:
        self.ctx, self.builder, self.meta = ctx, builder, meta
        blocks = split_blocks(lines)
        self.banners = {
            b.lines[0].strip()
            for b in blocks
            if len(b.lines) == 1
            and BANNER.match(b.lines[0].strip())
            and not SECTION.search(b.lines[0])
        }
        self.blocks = _furniture_lines(blocks, self.banners)
        self.last_nnn = max(
            (i for i, b in enumerate(self.blocks) if b.lines[0].strip() == "NNN"), default=-1
        )
        self.body = make("body", line=1)
        self.document = make("div", type="document", line=1)
        self.body.append(self.document)
        self.attributes: etree._Element | None = None
        self.section: etree._Element | None = None
        self.opener: etree._Element | None = None
        self.quote: etree._Element | None = None
        self.quotes = 0
        builder.container = self.document

    def encode(self) -> etree._Element:
        """Place every block, then the pending furniture."""
        for index, block in enumerate(self.blocks):
            first = block.lines[0].strip()
            if self.attributes is not None:
                _attribute_block(block, self.attributes, self.ctx, self.meta)
            elif not (self.heading(block, first) or self.furniture(block, first)):
                section = self.section
                if section is None:  # (an empty lxml element is falsy)
                    section = self.new_section(block.start)
                placed = (
                    self.header_line(block, first, section)
                    or self.end_quote(block, first, section)
                    or self.signature(block, first, section, index)
                )
                if not placed:
                    self.text(block, first, section)
        self.builder.flush()
        return self.body

    def new_section(self, start: int) -> etree._Element:
        """A ``div[@type="section"]`` for the next SECTION n OF m."""
        div = make("div", type="section", line=start)
        self.document.append(div)
        self.builder.container, self.builder.open_p, self.builder.pending = div, None, []
        self.section = div
        return div

    def heading(self, block: Block, first: str) -> bool:
        """``## Message Text`` heads the document; ``## Message Attributes`` opens their div."""
        heading = HEADING.match(first)
        if not heading or len(block.lines) != 1:
            return False
        if "attributes" in heading[2].lower():
            self.builder.flush()
            self.attributes = make("div", type="attributes", line=block.start)
            self.body.append(self.attributes)
            parent = self.attributes
        elif self.section is None:
            parent = self.document
        else:
            return False
        self.ctx.consumed.append(heading[1])
        head = make("head", line=block.start)
        parent.append(head)
        fill(head, [heading[2]], block.start, self.ctx)
        return True

    def furniture(self, block: Block, first: str) -> bool:
        """Banners, page headers and ``NNN``: ``fw`` and ``pb``."""
        if self.section is None and (first in self.banners or PAGE.match(first)):
            self.new_section(block.start)
        if first in self.banners:
            self.builder.banner(block)
        elif page := PAGE.match(first):
            self.builder.furniture(make("pb", n=str(int(page["n"])), line=block.start))
            self.builder.furniture(make("fw", first, type="header", line=block.start))
        elif first == "NNN":
            self.builder.furniture(make("fw", first, type="routing", line=block.start))
            self.builder.container = self.section if self.section is not None else self.document
            self.builder.flush()
            self.section = self.opener = None
        else:
            return False
        return True

    def header_line(self, block: Block, first: str, section: etree._Element) -> bool:
        """Routing, date-time group, FM/TO, SECTION head and E.O./TAGS/SUBJ/REF fields."""
        if len(block.lines) != 1:
            return False
        if ROUTING.match(first) and not _has_head(section):
            self.builder.furniture(make("fw", block.lines[0], type="routing", line=block.start))
        elif dtg := DTG.match(first):
            self.builder.flush()
            self.opener = make("opener", line=block.start)
            section.append(self.opener)
            dateline = make("dateline", line=block.start)
            self.opener.append(dateline)
            date = make("date", when=dtg_date(dtg), line=block.start)
            dateline.append(date)
            fill(date, block.lines, block.start, self.ctx)
            self.meta.date = self.meta.date or dtg_date(dtg)[:10]
        elif (who := FROM_TO.match(first)) and self.opener is not None:
            append_text(self.opener, "\n")
            self.opener.append(make("lb", line=block.start))
            fill(self.opener, block.lines, block.start, self.ctx)
            kind = "sent" if who["kind"] == "FM" else "received"
            name = re.sub(r"\s+\d+$", "", who["who"].strip())
            if not any(c[0] == kind for c in self.meta.correspondence):
                when = self.meta.date if kind == "sent" else ""
                self.meta.correspondence.append((kind, name, when))
        elif (sec := SECTION.search(first)) and not _has_head(section):
            self.builder.flush()
            section.set("n", sec["n"])
            head = make("head", line=block.start)
            section.append(head)
            fill(head, block.lines, block.start, self.ctx)
        elif field := FIELD.match(first):
            self.builder.flush()
            ab = make("ab", type="field", line=block.start)
            section.append(ab)
            ab.append(make("label", first[: first.index(":") + 1], line=block.start))
            fill(ab, [first[first.index(":") + 1 :]], block.start, self.ctx)
            _field_metadata(field["label"], field["value"], self.meta)
            self.builder.open_p = None
        else:
            return False
        return True

    def end_quote(self, block: Block, first: str, section: etree._Element) -> bool:
        """``END TEXT``: close the quotation; the line stays in the paragraph holding it."""
        if not END.match(first) or self.quote is None:
            return False
        holder = self.quote.getparent()
        if holder is None:
            holder = section
        append_text(holder, "\n")
        fill(holder, block.lines, block.start, self.ctx)
        self.builder.container, self.builder.open_p = section, holder
        self.quote = None
        return True

    def signature(self, block: Block, first: str, section: etree._Element, index: int) -> bool:
        """A name alone after the last text, before the final banners and ``NNN``."""
        if not (SIGNATURE.match(first) and len(block.lines) == 1 and index < self.last_nnn):
            return False
        tail = self.blocks[index + 1 : self.last_nnn + 1]
        if not all(b.lines[0].strip() in self.banners | {"NNN"} for b in tail):
            return False
        self.builder.flush()
        closer = make("closer", line=block.start)
        section.append(closer)
        signed = make("signed", line=block.start)
        closer.append(signed)
        fill(signed, block.lines, block.start, self.ctx)
        return True

    def text(self, block: Block, first: str, section: etree._Element) -> None:
        """Running text: into the open quotation (continued across sections) or the section."""
        quote, builder = self.quote, self.builder
        if quote is None:
            builder.container = section
        elif _section_of(quote) is section:
            if builder.container is section:
                builder.container = quote
        else:
            preamble = (
                _has_head(section)
                and not section.xpath(".//*[local-name()='p'][@n]")
                and not NUMBERED_START.match(first)
            )
            if preamble:
                builder.container = section
            else:
                self.continue_quote(block, section)
        builder.add(block)
        if (
            self.quote is None
            and BEGIN.search(" ".join(block.lines))
            and builder.open_p is not None
        ):
            self.quotes += 1
            self.quote = make("quote", line=block.start, xml_id=f"quote-{self.quotes}")
            builder.open_p.append(self.quote)
            builder.container, builder.open_p = self.quote, None

    def continue_quote(self, block: Block, section: etree._Element) -> None:
        """The quotation goes on in a new section: a second ``quote`` linked by next/prev."""
        previous = self.quote
        if previous is None:
            return
        self.quotes += 1
        holder = make("p", line=block.start)
        section.append(holder)
        self.builder.flush()
        continued = make(
            "quote",
            line=block.start,
            xml_id=f"quote-{self.quotes}",
            prev=f"#quote-{self.quotes - 1}",
        )
        previous.set("next", f"#quote-{self.quotes}")
        holder.append(continued)
        self.quote = continued
        self.builder.container, self.builder.open_p = continued, None


def _section_of(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors():
        if ancestor.get("type") == "section":
            return ancestor
    return None


def _field_metadata(label: str, value: str, meta: Metadata) -> None:
    if label in ("SUBJ", "SUBJECT") and value:
        meta.title = meta.title or value.strip()
    elif label == "TAGS":
        meta.keywords.extend(
            t.strip() for t in value.split(",") if t.strip() and t.strip() not in meta.keywords
        )


#: Message Attributes that go into the header as identifiers or notes.
_IDNOS = {
    "Document Number": "document",
    "Film Number": "film",
    "Legacy Key": "legacy",
    "Reference": "reference",
}
_NOTES = {
    "Original Classification": "classification",
    "Previous Classification": "classification",
    "Current Classification": "classification",
    "Review Date": "review",
    "Review History": "review",
    "Disposition Date": "review",
    "Disposition Comment": "review",
    "Review Action": "review",
    "Capture Date": "capture",
    "Draft Date": "drafted",
}


def _attribute_block(block: Block, div: etree._Element, ctx: InlineContext, meta: Metadata) -> None:
    """A block of ``**Key:** value`` lines (or plain lines) in the Message Attributes."""
    if not all(ATTRIBUTE.match(line.strip()) for line in block.lines):
        p = make("p", line=block.start)
        div.append(p)
        fill(p, block.lines, block.start, ctx)
        return
    for offset, line in enumerate(block.lines):
        number = block.start + offset
        match = ATTRIBUTE.match(line.strip())
        if match is None:
            continue
        key, value = match["key"], match["value"]
        ab = make("ab", type="field", line=number)
        div.append(ab)
        ab.append(make("label", f"{key}:", line=number))
        if value:
            fill(ab, [" " + value], number, ctx)
        ctx.consumed.append(match.group()[:2] + match.group()[len(key) + 3 : len(key) + 5])
        if not value or value.lower() == "n/a":
            continue
        if key in _IDNOS:
            meta.idnos.append((_IDNOS[key], value))
        elif key in _NOTES:
            meta.notes.append((_NOTES[key], f"{key}: {value}"))
        elif key in ("TAGS", "Concepts"):
            for term in value.split(","):
                term = term.strip().strip("()")
                if term and term not in meta.keywords:
                    meta.keywords.append(term)
        elif key == "Subject" and not meta.title:
            meta.title = value
