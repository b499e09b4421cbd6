"""The table of readers: profile name → reader (one ``ProfileReader`` per profile)."""

from __future__ import annotations

from edition import ocr, profiles
from edition.readers.base import Reader, Reading, Transcription
from edition.readers.html import read_html
from edition.readers.text import ProfileReader


class HTMLReader:
    """A profile whose sources are HTML pages: converted first, then read as text."""

    def __init__(self, profile: profiles.Profile) -> None:
        self.inner = ProfileReader(profile)
        self.name = profile.name
        self.description = profile.description

    def read(self, transcription: Transcription) -> Reading:
        """Convert the page and read it."""
        return read_html(self.inner, transcription)


def _reader(profile: profiles.Profile) -> Reader:
    return HTMLReader(profile) if profile.reader == "html" else ProfileReader(profile)


def get_reader(name: str) -> Reader:
    """The reader for profile ``name``; an unknown name is a usage error listing the known ones."""
    return _reader(profiles.load(name))


def choose_reader(transcription: Transcription) -> tuple[Reader, str]:
    """Pick the reader for a transcription and say why."""
    quality = ocr.text_quality(transcription.text)
    profile, reason = profiles.detect(transcription.text, transcription.path.suffix, quality)
    return _reader(profile), reason


__all__ = ["Reader", "Reading", "Transcription", "choose_reader", "get_reader"]
