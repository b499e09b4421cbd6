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
from edition.tei import make

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
    body = make("body", line=1)
    blocks = split_blocks(lines)
    banners = {
        b.lines[0].strip()
        for b in blocks
        if len(b.lines) == 1 and BANNER.match(b.lines[0].strip()) and not SECTION.search(b.lines[0])
    }
    blocks = _furniture_lines(blocks, banners)
    last_nnn = max((i for i, b in enumerate(blocks) if b.lines[0].strip() == "NNN"), default=-1)
    document = make("div", type="document", line=1)
    attributes: etree._Element | None = None
    section: etree._Element | None = None
    opener: etree._Element | None = None
    quote: etree._Element | None = None
    quote_count = 0
    builder.container = document
    body.append(document)

    def new_section(start: int) -> etree._Element:
        div = make("div", type="section", line=start)
        document.append(div)
        builder.container, builder.open_p, builder.pending = div, None, []
        return div

    for index, block in enumerate(blocks):
        first = block.lines[0].strip()
        if attributes is not None:
            _attribute_block(block, attributes, ctx, meta)
            continue
        heading = HEADING.match(first)
        if heading and len(block.lines) == 1 and "attributes" in heading[2].lower():
            builder.flush()
            ctx.consumed.append(heading[1])
            attributes = make("div", type="attributes", line=block.start)
            body.append(attributes)
            head = make("head", line=block.start)
            attributes.append(head)
            fill(head, [heading[2]], block.start, ctx)
            continue
        if heading and len(block.lines) == 1 and section is None:
            ctx.consumed.append(heading[1])
            head = make("head", line=block.start)
            document.append(head)
            fill(head, [heading[2]], block.start, ctx)
            continue
        if section is None and (first in banners or PAGE.match(first)):
            section = new_section(block.start)
        if first in banners:
            builder.banner(block)
            continue
        if page := PAGE.match(first):
            builder.furniture(make("pb", n=str(int(page["n"])), line=block.start))
            builder.furniture(make("fw", first, type="header", line=block.start))
            continue
        if first == "NNN":
            builder.furniture(make("fw", first, type="routing", line=block.start))
            builder.container = section if section is not None else document
            builder.flush()
            section, opener = None, None
            continue
        if section is None:
            section = new_section(block.start)
        in_header = opener is None or not section.xpath("./*[local-name()='head']")
        if (
            in_header
            and len(block.lines) == 1
            and ROUTING.match(first)
            and not section.xpath("./*[local-name()='head']")
        ):
            builder.furniture(make("fw", block.lines[0], type="routing", line=block.start))
            continue
        if dtg := DTG.match(first):
            builder.flush()
            opener = make("opener", line=block.start)
            section.append(opener)
            dateline = make("dateline", line=block.start)
            opener.append(dateline)
            date = make("date", when=dtg_date(dtg), line=block.start)
            dateline.append(date)
            fill(date, block.lines, block.start, ctx)
            if not meta.date:
                meta.date = dtg_date(dtg)[:10]
            continue
        if (who := FROM_TO.match(first)) and opener is not None and len(block.lines) == 1:
            _text(opener, "\n")
            opener.append(make("lb", line=block.start))
            fill(opener, block.lines, block.start, ctx)
            kind = "sent" if who["kind"] == "FM" else "received"
            name = re.sub(r"\s+\d+$", "", who["who"].strip())
            if not any(c[0] == kind for c in meta.correspondence):
                meta.correspondence.append((kind, name, meta.date if kind == "sent" else ""))
            continue
        if (
            (sec := SECTION.search(first))
            and len(block.lines) == 1
            and not section.xpath("./*[local-name()='head']")
        ):
            builder.flush()
            section.set("n", sec["n"])
            head = make("head", line=block.start)
            section.append(head)
            fill(head, block.lines, block.start, ctx)
            continue
        if (field := FIELD.match(first)) and len(block.lines) == 1:
            builder.flush()
            ab = make("ab", type="field", line=block.start)
            section.append(ab)
            ab.append(make("label", first[: first.index(":") + 1], line=block.start))
            fill(ab, [first[first.index(":") + 1 :]], block.start, ctx)
            _field_metadata(field["label"], field["value"], meta)
            builder.open_p = None
            continue
        if END.match(first) and quote is not None:
            holder = quote.getparent()
            if holder is None:
                holder = section
            _text(holder, "\n")
            fill(holder, block.lines, block.start, ctx)
            builder.container = section
            builder.open_p = holder
            quote = None
            continue
        if (
            SIGNATURE.match(first)
            and len(block.lines) == 1
            and index < last_nnn
            and all(
                b.lines[0].strip() in banners or b.lines[0].strip() == "NNN"
                for b in blocks[index + 1 : last_nnn + 1]
            )
        ):
            builder.flush()
            closer = make("closer", line=block.start)
            section.append(closer)
            signed = make("signed", line=block.start)
            closer.append(signed)
            fill(signed, block.lines, block.start, ctx)
            continue
        if quote is None and builder.container is not section:
            builder.container = section
        if quote is not None and _section_of(quote) is section and builder.container is section:
            builder.container = quote
        preamble = (
            bool(section.xpath("./*[local-name()='head']"))
            and not section.xpath(".//*[local-name()='p'][@n]")
            and not NUMBERED_START.match(first)
        )
        if quote is not None and _section_of(quote) is not section and preamble:
            builder.container = section
        elif quote is not None and _section_of(quote) is not section:
            # the quotation continues in a new section
            quote_count += 1
            holder = make("p", line=block.start)
            section.append(holder)
            builder.flush()
            continued = make(
                "quote",
                line=block.start,
                xml_id=f"quote-{quote_count}",
                prev=f"#quote-{quote_count - 1}",
            )
            previous = quote
            previous.set("next", f"#quote-{quote_count}")
            holder.append(continued)
            quote = continued
            builder.container, builder.open_p = quote, None
        builder.add(block)
        if quote is None and BEGIN.search(" ".join(block.lines)):
            holder = builder.open_p
            if holder is not None:
                quote_count += 1
                quote = make("quote", line=block.start, xml_id=f"quote-{quote_count}")
                holder.append(quote)
                builder.container, builder.open_p = quote, None
    builder.flush()
    return body


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


def _text(element: etree._Element, value: str) -> None:
    """Append text after the last child (or as the element's text); O(1) on long paragraphs."""
    if not value:
        return
    last = next(element.iterchildren(reversed=True), None)
    if last is not None:
        last.tail = (last.tail or "") + value
    else:
        element.text = (element.text or "") + value
