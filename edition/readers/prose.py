"""Paragraph-level encoding shared by every profile: blocks of lines → TEI block elements.

Recognises headings, numbered paragraphs, classification banners, dialogue
turns, closing signatures and dates, inferred page breaks and (for OCR
sources) noise lines, margin columns and form fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from edition import ocr
from edition.readers.inline import InlineContext, fill
from edition.readers.ocr_lines import match_form_label, split_margins
from edition.tei import append_text, local_name, make

BANNER = re.compile(
    r"^(?:TOP SECRET|SECRET|CONFIDENTIAL|LIMITED OFFICIAL USE|UNCLASSIFIED|RESTRICTED)"
    r"(?:[/ ][A-Z0-9 .,/-]*)?$"
)
PAGE_NUMBER = re.compile(r"^\s*(?:-\s*(\d{1,4})\s*-|\[?(?:Page|p\.) (\d{1,4})\]?)\s*$", re.I)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
NUMBERED = re.compile(r"^\s*(\d{1,3}|[A-Z](?=\. [A-Z]{2,}\b))[.)]\s+\S")
SIGNATURE = re.compile(r"^(?:Signature|Signed)\s*:", re.I)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(
    rf"^\s*(?:({_MONTHS}) (\d{{1,2}}), (\d{{4}})|(\d{{1,2}}) ({_MONTHS}) (\d{{4}}))\s*$"
)
_SPEAKER = re.compile(r"^(?P<name>(?:[A-Z]\.){0,3} ?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\. +(?=[A-Z\"“])")
_NOT_SPEAKERS = {"Mr", "Mrs", "Ms", "Dr", "St", "No", "Comrade", "Note", "Gen", "Col"}
_PERSONAL = re.compile(r"\b(?:I|we|We|you|You|our|Our|us|my|My|your|Your)\b")
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”')\]]\s*$")


@dataclass
class Block:
    """Consecutive non-blank lines and the line number of the first."""

    start: int
    lines: list[str]


def split_blocks(lines: list[str], first_line: int = 1) -> list[Block]:
    """Blocks separated by blank lines."""
    blocks: list[Block] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(lines, start=first_line):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append(Block(start, current))
            current = []
    if current:
        blocks.append(Block(start, current))
    return blocks


def iso_date(text: str) -> str | None:
    """``May 12, 1960`` or ``30 March 1954`` → ``1960-05-12``."""
    match = DATE.match(text)
    if not match:
        return None
    months = _MONTHS.split("|")
    if match[1]:
        month, day, year = match[1], match[2], match[3]
    else:
        day, month, year = match[4], match[5], match[6]
    return f"{year}-{months.index(month) + 1:02d}-{int(day):02d}"


class ProseBuilder:
    """Encodes blocks into a container element, keeping paragraphs open across page furniture."""

    def __init__(
        self,
        ctx: InlineContext,
        *,
        infer_page_breaks: bool,
        speaker_turns: bool,
        numbered: bool,
        form_labels: list[str] | None = None,
        speakers: dict[str, str] | None = None,
    ) -> None:
        self.ctx = ctx
        self.infer_page_breaks = infer_page_breaks
        self.speaker_turns = speaker_turns
        self.numbered = numbered
        self.form_labels = form_labels or []
        self.speakers = speakers or {}  # name as written → register id
        self.container: etree._Element = make("body")
        self.open_p: etree._Element | None = None
        self.open_sp: etree._Element | None = None
        self.closer: etree._Element | None = None
        self.pending: list[etree._Element] = []
        self.seen_text = False

    # ------------------------------------------------------------ furniture
    def furniture(self, element: etree._Element) -> None:
        """Page furniture (fw, pb): kept inside an unfinished paragraph if it continues."""
        self.pending.append(element)

    def flush(self) -> None:
        """Place pending furniture at container level."""
        target = self.closer if self.closer is not None else self.container
        for element in self.pending:
            target.append(element)
        self.pending = []

    def _continues(self, block: Block) -> bool:
        """Whether ``block`` continues the open paragraph (it was broken mid-sentence)."""
        if self.open_p is None:
            return False
        first = block.lines[0].lstrip()
        last = "".join(self.open_p.itertext()).rstrip()
        if not last or _ENDS_SENTENCE.search(last) or NUMBERED.match(first):
            return False
        if self.pending:
            return True
        return self.infer_page_breaks and first[:1].islower()

    # ------------------------------------------------------------ blocks
    def add(self, block: Block) -> None:
        """Encode one block."""
        first = block.lines[0].strip()
        if len(block.lines) == 1 and BANNER.match(first) and first.upper() == first:
            self.banner(block)
            return
        if len(block.lines) == 1 and (page := PAGE_NUMBER.match(first)):
            self.furniture(make("pb", n=page[1] or page[2], line=block.start))
            self.furniture(make("fw", block.lines[0], type="pageNum", line=block.start))
            return
        open_p = self.open_p
        if open_p is not None and self._continues(block):
            for element in self.pending:
                open_p.append(element)
            if not self.pending:
                open_p.append(make("pb", line=block.start))
            self.pending = []
            append_text(open_p, "\n")
            self.lines_into(open_p, block)
            return
        self.flush()
        heading = HEADING.match(first)
        if heading and len(block.lines) == 1:
            self.heading(block, heading)
            return
        if self.ctx.ocr and self.ocr_block(block):
            return
        if SIGNATURE.match(first) or (self.closer is not None and self.closing(block)):
            self.closing(block, force=True)
            return
        if self.closer is not None:
            self.closer = None
        self.paragraph(block)

    def banner(self, block: Block) -> None:
        """A classification banner; in running prose it ends a page."""
        fw = make("fw", block.lines[0], type="classification", line=block.start)
        self.furniture(fw)
        if self.seen_text and self.infer_page_breaks is False and self.ctx.ocr:
            self.furniture(make("pb", line=block.start))

    def heading(self, block: Block, match: re.Match[str]) -> None:
        """A Markdown heading: ``head`` opening a division (``ab`` inside a quotation)."""
        self.ctx.consumed.append(match[1])
        self.closer = self.open_sp = None
        if local_name(self.container) == "quote":
            element = make("ab", type="heading", line=block.start)
            self.container.append(element)
        else:
            if len(self.container) or local_name(self.container) == "body":
                parent = (
                    self.container
                    if local_name(self.container) == "body"
                    else self.container.getparent()
                )
                div = make("div", type="section", line=block.start)
                (parent if parent is not None else self.container).append(div)
                self.container = div
            element = make("head", line=block.start)
            self.container.append(element)
        fill(element, [match[2]], block.start, self.ctx)
        self.open_p = None

    def paragraph(self, block: Block) -> None:
        """A paragraph, a dialogue turn, or the continuation of one."""
        self.seen_text = True
        first = block.lines[0].lstrip()
        n = None
        if self.numbered and (number := NUMBERED.match(first)):
            n = number[1]
        speaker = _SPEAKER.match(first) if self.speaker_turns else None
        if speaker and speaker["name"] in self.speakers:
            ident = self.speakers[speaker["name"]]
            sp = make("sp", line=block.start, who=f"register.xml#{ident}")
            self.container.append(sp)
            label = make("speaker", speaker.group()[: len(speaker["name"]) + 1], line=block.start)
            sp.append(label)
            p = make("p", line=block.start)
            sp.append(p)
            rest = Block(block.start, [block.lines[0].lstrip()[speaker.end() :], *block.lines[1:]])
            label.tail = first[len(speaker["name"]) + 1 : speaker.end()]
            self.lines_into(p, rest)
            self.open_sp, self.open_p = sp, p
            return
        if (
            self.open_sp is not None
            and _PERSONAL.search(" ".join(block.lines))
            and not any(first.startswith(name) for name in self.speakers)
        ):
            p = make("p", line=block.start, n=n)
            self.open_sp.append(p)
            self.lines_into(p, block)
            self.open_p = p
            return
        self.open_sp = None
        p = make("p", line=block.start, n=n)
        self.container.append(p)
        self.lines_into(p, block)
        self.open_p = p

    def closing(self, block: Block, force: bool = False) -> bool:
        """Signatures, dates and registry lines after the text → ``closer``."""
        if not force:
            return bool(
                SIGNATURE.match(block.lines[0])
                or "[signature]" in " ".join(block.lines)
                or len(" ".join(block.lines)) < 40
            )
        if self.closer is None:
            self.closer = make("closer", line=block.start)
            self.container.append(self.closer)
            self.open_p = self.open_sp = None
        for offset, line in enumerate(block.lines):
            number = block.start + offset
            if len(self.closer):
                append_text(self.closer, "\n")
                self.closer.append(make("lb", line=number))
            if SIGNATURE.match(line) or "[signature]" in line.lower():
                element = make("signed", line=number)
            elif when := iso_date(line):
                element = make("dateline", line=number)
                date = make("date", when=when, line=number)
                element.append(date)
                fill(date, [line], number, self.ctx)
                self.closer.append(element)
                continue
            else:
                element = make("seg", type="registry", line=number)
            self.closer.append(element)
            fill(element, [line], number, self.ctx)
        return True

    def lines_into(self, parent: etree._Element, block: Block) -> None:
        """The block's text into ``parent`` (OCR sources line by line, with margins split off)."""
        if not self.ctx.ocr:
            fill(parent, block.lines, block.start, self.ctx)
            return
        for offset, line in enumerate(block.lines):
            number = block.start + offset
            if offset:
                append_text(parent, "\n")
                previous = "".join(parent.itertext()).rstrip(" \t")
                joined = re.search(r"[a-z]-$", previous) and line.lstrip()[:1].islower()
                parent.append(make("lb", line=number, break_="no" if joined else None))
            if ocr.is_noise_line(line, in_text=True):
                fw = make("fw", type="margin", line=number)
                parent.append(fw)
                fw.append(make("unclear", line, reason="ocr", cert="low", line=number))
                continue
            left, text, right = split_margins(line)
            if left:
                parent.append(make("fw", left, type="margin", line=number))
            holder = make("seg")
            fill(holder, [text], number, self.ctx)
            _move_content(holder, parent)
            if right:
                parent.append(make("fw", right, type="margin", line=number))

    def ocr_block(self, block: Block) -> bool:
        """Blocks of noise lines and form fields; False when the block is running text."""
        kinds = []
        for line in block.lines:
            segment = line.strip()
            if self.form_labels and match_form_label(segment, self.form_labels):
                kinds.append("field")
            elif ocr.is_noise_line(line):
                kinds.append("noise")
            else:
                kinds.append("text")
        if "text" in kinds:
            return False
        for offset, (line, kind) in enumerate(zip(block.lines, kinds, strict=True)):
            number = block.start + offset
            if kind == "noise":
                ab = make("ab", type="noise", line=number)
                ab.append(make("unclear", line, reason="ocr", cert="low", line=number))
            else:
                ab = make("ab", type="field", line=number)
                stripped = line.strip()
                cut = match_form_label(stripped, self.form_labels)
                lead = line[: len(line) - len(line.lstrip())]
                ab.text = lead or None
                label = make("label", stripped[:cut], line=number)
                ab.append(label)
                holder = make("seg")
                fill(holder, [stripped[cut:] + line[len(line.rstrip()) :]], number, self.ctx)
                _move_content(holder, ab)
            self.container.append(ab)
        return True


def speaker_id(name: str) -> str:
    """``N.S. Khrushchev`` → ``pers-khrushchev`` (the last name, as the register spells ids)."""
    last = name.replace(".", " ").split()[-1]
    return "pers-" + re.sub(r"[^a-z0-9]+", "-", last.lower()).strip("-")


def find_speakers(text: str, people: dict[str, str] | None = None) -> dict[str, str]:
    """The dialogue's speakers (name as written → register id).

    A speaker is a name opening paragraphs as ``Name. text``, either twice or
    more, or once when the register knows the person (``people``: name → id).
    """
    people = people or {}
    counts: dict[str, int] = {}
    for block in re.split(r"\n\s*\n", text):
        match = _SPEAKER.match(block.lstrip())
        if match and match["name"].split()[-1].rstrip(".") not in _NOT_SPEAKERS:
            counts[match["name"]] = counts.get(match["name"], 0) + 1
    return {
        name: people.get(name, speaker_id(name))
        for name, count in counts.items()
        if count >= 2 or name in people
    }


def _move_content(source: etree._Element, target: etree._Element) -> None:
    if source.text:
        append_text(target, source.text)
    for child in list(source):
        target.append(child)
