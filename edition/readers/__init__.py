"""The table of readers: profile name → reader."""

from __future__ import annotations

from edition.diagnostics import error
from edition.errors import UsageError
from edition.readers.base import Reader, Reading, Transcription
from edition.readers.plain import PlainReader

READERS: dict[str, Reader] = {reader.name: reader for reader in (PlainReader(),)}


def get_reader(name: str) -> Reader:
    """The reader called ``name``; an unknown name is a usage error listing the known ones."""
    try:
        return READERS[name]
    except KeyError:
        raise UsageError(
            error("C010", f"unknown profile '{name}'", None, f"known profiles: {', '.join(READERS)}")
        ) from None


def choose_reader(transcription: Transcription) -> tuple[Reader, str]:
    """Pick the reader for a transcription and say why."""
    return READERS["transcription"], "no more specific profile matched"


__all__ = ["READERS", "Reader", "Reading", "Transcription", "choose_reader", "get_reader"]
