"""What an output's edition-wide file is: its bytes, made in pieces, or made only when needed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: A file's bytes, or a function that yields them in pieces (a file as large as the edition).
FileContent = bytes | Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class Keyed:
    """A file with a key of what it is made of besides what all pages share (a page of a
    collection: its window's documents): a build keeps the last build's file when the key
    is the same, without making it."""

    key: str
    content: FileContent
