"""The generic transcription reader: paragraphs separated by blank lines, line breaks kept."""

from __future__ import annotations

import re

from lxml import etree

from edition.readers.base import Metadata, Reading, Transcription
from edition.tei import make, sub

_STEM = re.compile(r"^(?P<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)[_ -]+(?P<rest>.+)$")


def metadata_from_name(transcription: Transcription, *, apply_sidecar: bool = True) -> Metadata:
    """Guess date and title from a file name like ``1954-03-30_cia-report_ussr-japan``."""
    stem = transcription.path.stem
    meta = Metadata(title=stem)
    if match := _STEM.match(stem):
        meta.date = match["date"]
        words = re.split(r"[_-]+", match["rest"])
        meta.title = " ".join(words).capitalize()
    sidecar = transcription.sidecar if apply_sidecar else {}
    for key in ("title", "date", "kind", "source_description", "source_idno", "language"):
        if isinstance(sidecar.get(key), str):
            setattr(meta, key, sidecar[key])
    return meta


def paragraphs(text: str) -> list[tuple[int, list[str]]]:
    """Blocks of non-blank lines with the 1-based line number where each starts."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def lines_into(element: etree._Element, lines: list[str], first_line: int) -> None:
    """Put the lines into ``element`` with ``lb`` between them, keeping every character."""
    element.text = lines[0]
    for offset, line in enumerate(lines[1:], start=1):
        lb = sub(element, "lb", line=first_line + offset)
        lb.tail = line


class PlainReader:
    """Plain text: one ``p`` per block, source line breaks as ``lb``."""

    name = "transcription"
    description = "plain text or Markdown with editorial brackets"

    def read(self, transcription: Transcription) -> Reading:
        """Encode every block as a paragraph."""
        body = make("body", line=1)
        for start, lines in paragraphs(transcription.text):
            p = sub(body, "p", line=start)
            lines_into(p, lines, start)
        text = make("text", None, body, line=1)
        return Reading(
            text,
            metadata_from_name(transcription),
            profile=self.name,
            reason="the generic profile for plain text",
        )
