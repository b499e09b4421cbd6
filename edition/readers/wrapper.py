"""An archive's wrapper around a translated document: bold labels, citation, summary, credits.

The wrapper is kept in the text as ``div[@type="wrapper"]`` and its facts go
into the header (citation, archival reference, translator, funder, languages).
"""

from __future__ import annotations

import re

from lxml import etree

from edition.readers.base import Metadata
from edition.readers.inline import InlineContext, fill
from edition.readers.prose import HEADING, Block, iso_date
from edition.tei import make

LABEL = re.compile(r"^\*\*(?P<label>[^*]+?):\*\*\s*$")
BOLD = re.compile(r"^\*\*(?P<text>[^*]+)\*\*\s*$")
ARCHIVAL = re.compile(
    r"(?P<repo>[A-Z][A-Za-z]{2,}), (?P<ref>f\. ?[\w-]+, op\. ?[\w-]+, d\. ?[\w-]+)\s*,?\s*"
    r"(?P<locus>ll?\. ?[\d\w-]+)?"
)
TRANSLATOR = re.compile(r"(?i:translated by) (?P<name>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)+)")
CONTRIBUTOR = re.compile(r"[Cc]ontributed by (?P<name>[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)+)")
URL = re.compile(r"<?(?P<url>https?://[^\s>]+)>?")
FUNDER = re.compile(r"support from (?:the )?(?P<name>[A-Z][^.,;]+)")
_LANGUAGES = {
    "russian": "ru",
    "english": "en",
    "japanese": "ja",
    "german": "de",
    "french": "fr",
    "chinese": "zh",
    "korean": "ko",
    "polish": "pl",
    "czech": "cs",
    "spanish": "es",
}


def is_wrapper_start(blocks: list[Block]) -> int:
    """How many leading blocks form the wrapper (0 when there is none)."""
    last_label = -1
    for index, block in enumerate(blocks[:40]):
        if len(block.lines) == 1 and LABEL.match(block.lines[0].strip()):
            last_label = index
    if last_label < 0:
        return 0
    return min(last_label + 2, len(blocks))  # the last label's value ends the wrapper


def encode(blocks: list[Block], ctx: InlineContext, meta: Metadata) -> etree._Element:
    """The wrapper ``div`` and its facts in ``meta``."""
    div = make("div", type="wrapper", line=blocks[0].start if blocks else 1)
    index = 0
    while index < len(blocks):
        block = blocks[index]
        first = block.lines[0].strip()
        label = LABEL.match(first) if len(block.lines) == 1 else None
        if label:
            value = blocks[index + 1] if index + 1 < len(blocks) else None
            ab = make("ab", type="field", line=block.start)
            div.append(ab)
            ab.append(make("label", f"{label['label']}:", line=block.start))
            ctx.consumed.append("****")
            if value is not None:
                ab.text = None
                ab[-1].tail = "\n"
                ab.append(make("lb", line=value.start))
                fill(ab, value.lines, value.start, ctx)
                _wrapper_fact(label["label"], "\n".join(value.lines), meta)
            index += 2
            continue
        heading = HEADING.match(first) if len(block.lines) == 1 else None
        if heading:
            ctx.consumed.append(heading[1])
            element = make("head" if not len(div) else "ab", line=block.start)
            if len(div):
                element.set("type", "heading")
            div.append(element)
            fill(element, [heading[2]], block.start, ctx)
            meta.title = meta.title or heading[2].strip()
            index += 1
            continue
        p = make("p", line=block.start)
        div.append(p)
        fill(p, block.lines, block.start, ctx)
        bold = BOLD.match(first) if len(block.lines) == 1 else None
        if bold and (when := iso_date(bold["text"])):
            p[0].append(date := make("date", when=when, line=block.start))
            date.text, p[0].text = p[0].text, None
            meta.date = meta.date or when
        elif bold and not meta.title:
            meta.title = bold["text"].strip()
        index += 1
    return div


def _wrapper_fact(label: str, value: str, meta: Metadata) -> None:
    key = label.strip().lower()
    flat = " ".join(value.split())
    if key == "citation":
        meta.citation = URL.sub("", flat).strip()
        if url := URL.search(flat):
            meta.url = url["url"]
            last = url["url"].rstrip("/").rsplit("/", 1)[-1]
            if last.isdigit():
                meta.idnos.append(("archive", last))
        if archival := ARCHIVAL.search(flat):
            meta.repository = archival["repo"]
            meta.idnos.append(("shelfmark", archival["ref"].strip()))
            meta.locus = (archival["locus"] or "").strip()
        if translator := TRANSLATOR.search(flat):
            meta.responsibilities.append(
                ("translator", "Translation", translator["name"].rstrip("."))
            )
        if contributor := CONTRIBUTOR.search(flat):
            meta.responsibilities.append(
                ("contributor", "Contributed by", contributor["name"].rstrip("."))
            )
    elif key == "date" and (when := iso_date(flat)):
        meta.date = meta.date or when
    elif key == "summary":
        meta.abstract = flat.replace("&nbsp;", " ").strip()
    elif key == "credits":
        meta.funders.extend(m["name"].strip() for m in FUNDER.finditer(flat))
    elif key == "original language":
        meta.original_language = _LANGUAGES.get(flat.strip().lower(), meta.original_language)
    elif key == "contents":
        for name, code in _LANGUAGES.items():
            if name in flat.lower():
                meta.language = code
