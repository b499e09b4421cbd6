"""Guarding hand edits: every generated TEI file records a hash of what was generated.

The first line after the XML declaration is a processing instruction::

    <?edition-generated sha256="…" source="sources/x.txt"?>

The hash covers the whole file without that line. When the file is later
found with a different hash, an editor changed it, and nothing may overwrite
it without ``--force`` (which keeps a backup).
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

from edition.tei import sha256

_PI = re.compile(rb'<\?edition-generated sha256="([0-9a-f]{64})"[^?]*\?>\n')
_DECLARATION = re.compile(rb"^<\?xml[^?]*\?>\n")


class FileState(Enum):
    """What we know about a TEI file before replacing it."""

    ABSENT = "absent"
    GENERATED = "generated"  # exactly as the tool wrote it
    HAND_EDITED = "hand-edited"  # changed since it was generated, or never generated


def stamp(document: bytes, source: str) -> bytes:
    """Insert the generation PI (with the hash of ``document``) after the XML declaration."""
    digest = sha256(document)
    pi = f'<?edition-generated sha256="{digest}" source="{_attr(source)}"?>\n'.encode()
    match = _DECLARATION.match(document)
    cut = match.end() if match else 0
    return document[:cut] + pi + document[cut:]


def state(path: Path) -> FileState:
    """Whether ``path`` is absent, as generated, or edited by hand."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return FileState.ABSENT
    match = _PI.search(data)
    if match is None:
        return FileState.HAND_EDITED
    unstamped = data[: match.start()] + data[match.end() :]
    return FileState.GENERATED if sha256(unstamped) == match[1].decode() else FileState.HAND_EDITED


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace("?>", "?&gt;")
    )
