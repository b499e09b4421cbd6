"""Metadata guessed from a source's file name (every profile starts from it)."""

from __future__ import annotations

import re

from edition.readers.base import Metadata, Transcription

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
