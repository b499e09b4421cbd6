"""A schema and the files it includes: everything a compiled schema depends on.

A schema generated from an ODD is often one file; one written by hand may include
others: RELAX NG's ``include`` and ``externalRef`` in the XML syntax, ``include "…"``
and ``external "…"`` in the compact one; Schematron's ``include`` and ``extends``.
What is kept by schema (validation results, the jing servers, lxml's compiled
RELAX NG and Schematron) is keyed by all of these files, so that an edited included
file is seen at once; a deposit package carries them all. References are found by pattern, not by
parsing: a reference inside a comment only adds a file to the key, which is harmless,
and a remote one (``http:``) is left out, since nothing here fetches it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

from edition.cache import digest

_XML_REFERENCE = re.compile(
    rb"<(?:[\w.-]+:)?(?:include|externalRef|extends)\b[^>]*?\bhref\s*=\s*([\"'])(.*?)\1", re.S
)
_COMPACT_REFERENCE = re.compile(rb"\b(?:include|external)\s+([\"'])(.*?)\1")
#: A URL scheme (``http:``, ``urn:``); a single letter is a Windows drive.
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")

#: What ``files`` found last, by schema: the stamps of those files, and the files.
_known: dict[str, tuple[tuple[tuple[int, int], ...], list[Path]]] = {}
#: What ``content_digest`` found last, by schema: the stamps of its files, and the hash.
_digests: dict[str, tuple[tuple[tuple[int, int], ...], str]] = {}


def files(schema: Path) -> list[Path]:
    """The schema, then every file it includes at any depth, each once (missing ones too:
    the validator reports them)."""
    return _current(schema)[0]


def stamps_of(schema: Path) -> tuple[tuple[int, int], ...]:
    """The ``file_stamp`` of each of the schema's ``files`` now (what compiled schemas are
    kept by)."""
    return _current(schema)[1]


def _current(schema: Path) -> tuple[list[Path], tuple[tuple[int, int], ...]]:
    """The schema's files and their stamps, each file stamped once; its references read
    again only when one of them changed."""
    key = str(schema.absolute())
    known = _known.get(key)
    if known is not None:
        now = _stamps(known[1])
        if now == known[0]:
            return known[1], now
    found: list[Path] = []
    seen: set[str] = set()
    todo = [Path(key)]
    while todo:
        path = todo.pop(0)
        if str(path) in seen:
            continue
        seen.add(str(path))
        found.append(path)
        todo += [Path(os.path.normpath(path.parent / href)) for href in _references(path)]
    now = _stamps(found)
    _known[key] = (now, found)
    return found, now


def _stamps(paths: list[Path]) -> tuple[tuple[int, int], ...]:
    """Each file's ``file_stamp``."""
    return tuple(file_stamp(path) for path in paths)


def file_stamp(path: Path) -> tuple[int, int]:
    """Modification time and size ((0, 0) when missing): a changed file (``edition serve``)
    is compiled again."""
    try:
        status = path.stat()
    except OSError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_size)


def content_digest(schema: Path) -> str:
    """A hash of the contents of the schema and of every file it includes (read again only
    when one of them changed: a run asks for it for its cache key and for its jing)."""
    key, (found, now) = str(schema.absolute()), _current(schema)
    known = _digests.get(key)
    if known is not None and known[0] == now:
        return known[1]
    parts: list[str | bytes] = []
    for path in found:
        try:
            parts += [str(path), path.read_bytes()]
        except OSError:
            parts += [str(path), b""]
    _digests[key] = (now, digest(*parts))
    return _digests[key][1]


def _references(path: Path) -> list[str]:
    """The local files ``path`` refers to, as written (relative to its folder)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    pattern = _COMPACT_REFERENCE if path.suffix == ".rnc" else _XML_REFERENCE
    found = []
    for match in pattern.finditer(data):
        href = match.group(2).decode("utf-8", "replace").strip()
        if href.startswith("file:"):
            href = unquote(href.removeprefix("file:").removeprefix("//"))
        elif _REMOTE.match(href) or not href:
            continue
        found.append(unquote(href))
    return found
