"""What every reader shares: loading a transcription safely, and the ``Reader`` protocol."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lxml import etree

from edition.diagnostics import Diagnostic, Location, error
from edition.errors import SourceError

#: Characters XML 1.0 cannot hold (C0 controls except tab and newline, surrogates, U+FFFE/F).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Transcriptions larger than this are refused (a book-length text is about 2 MB).
MAX_SOURCE_BYTES = 50 * 1024 * 1024


@dataclass
class Transcription:
    """A decoded source file: text with normalised newlines, and where it came from."""

    path: Path
    shown: str
    text: str
    sidecar: dict[str, object] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)  # registered person names → ids

    @classmethod
    def load(cls, path: Path, shown: str) -> Transcription:
        """Read a transcription; refuse empty, binary, oversized and non-UTF-8 files."""
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise SourceError(
                error(
                    "S101",
                    f"the file is {size / 1024 / 1024:.0f} MB; transcriptions over "
                    f"{MAX_SOURCE_BYTES // 1024 // 1024} MB are not imported",
                    Location(shown),
                    "split the transcription into one file per document",
                )
            )
        data = path.read_bytes()
        if b"\x00" in data[:65536]:
            raise SourceError(
                error(
                    "S102",
                    "the file is binary, not a text transcription",
                    Location(shown),
                    "save the transcription as UTF-8 plain text or Markdown",
                )
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
            raise SourceError(
                error(
                    "S103",
                    f"the file is not UTF-8 text (byte 0x{data[err.start]:02x} cannot be decoded)",
                    Location(shown, line, column),
                    "re-save the file as UTF-8 (for example: iconv -f cp1252 -t utf-8)",
                )
            ) from err
        if not text.strip():
            raise SourceError(
                error("S104", "the transcription is empty", Location(shown), "add its text")
            )
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if match := NOT_XML.search(text):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise SourceError(
                error(
                    "S106",
                    f"the file contains the control character U+{ord(match.group()):04X}, "
                    "which XML cannot hold",
                    Location(shown, line, column),
                    "remove it or replace it with what the source shows (it is not imported)",
                )
            )
        return cls(path, shown, text, _load_sidecar(path, shown))


def _load_sidecar(path: Path, shown: str) -> dict[str, object]:
    sidecar = path.with_name(f"{path.stem}.meta.toml")
    if not sidecar.is_file():
        return {}
    try:
        return tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SourceError(
            error(
                "S105",
                f"the metadata sidecar {sidecar.name} is not valid TOML: {err}",
                Location(
                    shown.rsplit("/", 1)[0] + "/" + sidecar.name if "/" in shown else sidecar.name
                ),
            )
        ) from err


@dataclass
class Metadata:
    """What a reader learned about the document, for its teiHeader."""

    title: str = ""
    date: str = ""  # ISO 8601
    kind: str = ""  # document kind: telegram, report, record of conversation, …
    source_description: str = ""
    source_idno: str = ""
    language: str = "en"
    keywords: list[str] = field(default_factory=list)
    original_language: str = ""  # of a translation (ISO 639-1)
    citation: str = ""
    url: str = ""
    idnos: list[tuple[str, str]] = field(default_factory=list)  # (type, value)
    repository: str = ""
    collection: str = ""
    locus: str = ""
    responsibilities: list[tuple[str, str, str]] = field(default_factory=list)  # (id, resp, name)
    funders: list[str] = field(default_factory=list)
    abstract: str = ""
    notes: list[tuple[str, str]] = field(default_factory=list)  # (type, text) about the source
    correspondence: list[tuple[str, str, str]] = field(default_factory=list)  # (type, name, when)
    hands: dict[str, str] = field(default_factory=dict)  # hand id → description


@dataclass
class Reading:
    """A reader's result: the TEI ``text`` element, metadata and problems found."""

    text: etree._Element
    metadata: Metadata
    profile: str
    reason: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    consumed: list[str] = field(default_factory=list)  # source markup read as apparatus
    quality: float = 1.0  # OCR quality score of the source text
    source_text: str = ""  # the text the reader encoded, when it is not the file's text (HTML)


class Reader(Protocol):
    """Turns a transcription into TEI."""

    name: str
    description: str

    def read(self, transcription: Transcription) -> Reading:
        """Encode the transcription."""
        ...
