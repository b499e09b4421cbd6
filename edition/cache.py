"""The build cache (``.edition-cache/``): what earlier runs computed, keyed by content hashes.

Each section is one JSON file (never pickle: a cache that came with a cloned
project must not be able to run code). A section written by another version of
the tool, or that cannot be read, is treated as empty: the cache only ever
saves work, it never changes a result.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from functools import cache as memoise
from pathlib import Path
from typing import Any

import orjson

from edition import __version__
from edition.fsutil import write_atomic

#: Bumped when the layout of a section changes.
FORMAT = 1
#: Stat entries younger than this (seconds) are re-hashed: a file changed twice within
#: the file system's timestamp granularity would otherwise look unchanged ("racy git").
_RACY = 2.0


def digest(*parts: bytes | str) -> str:
    """A short content hash (BLAKE2b, 128 bits) of the parts, in order."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def json_digest(value: Any) -> str:
    """The hash of a JSON-serialisable value (keys sorted, so dict order does not matter)."""
    return digest(orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


@memoise
def tool_digest() -> str:
    """The tool's version and the hash of its own code and data: any change invalidates."""
    package = Path(__file__).resolve().parent
    parts: list[bytes | str] = [__version__]
    for path in sorted(package.rglob("*")):
        if (
            path.suffix in {".py", ".toml", ".rng", ".rnc", ".sch"}
            and "__pycache__" not in path.parts
        ):
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


class Cache:
    """Sections of cached results in a folder; ``Cache(None)`` caches nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._sections: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def section(self, name: str) -> dict[str, Any]:
        """The entries of a section (empty when absent, unreadable or from another tool)."""
        if name not in self._sections:
            self._sections[name] = self._load(name)
        return self._sections[name]

    def replace(self, name: str, entries: dict[str, Any]) -> None:
        """Set a section's entries (written by ``save``)."""
        self._sections[name] = entries
        self._dirty.add(name)

    def forget(self, name: str) -> None:
        """Drop a saved section from memory (it is read again from disk when asked for)."""
        if name not in self._dirty:
            self._sections.pop(name, None)

    def save(self) -> None:
        """Write the changed sections, each atomically."""
        if self.folder is None:
            return
        for name in sorted(self._dirty):
            data = {"format": FORMAT, "tool": tool_digest(), "entries": self._sections[name]}
            write_atomic(self.folder / f"{name}.json", orjson.dumps(data, default=_plain))
        if self._dirty and not (self.folder / "CACHEDIR.TAG").exists():
            write_atomic(
                self.folder / "CACHEDIR.TAG",
                b"Signature: 8a477f597d28d172789f06886806bc55\n"
                b"# The build cache of `edition`: safe to delete, rebuilt when missing.\n",
            )
        self._dirty.clear()

    def _load(self, name: str) -> dict[str, Any]:
        if self.folder is None:
            return {}
        try:
            data = orjson.loads((self.folder / f"{name}.json").read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return {}
        if data.get("tool") != tool_digest() or not isinstance(data.get("entries"), dict):
            return {}
        entries: dict[str, Any] = data["entries"]
        return entries


def file_digests(cache: Cache, group: str, paths: Iterable[Path]) -> dict[Path, str]:
    """Content hashes of files, re-reading only those whose size or time changed.

    ``group`` names the set of files (``documents``, ``templates``): each group is
    remembered as a whole, so files that disappeared are forgotten.
    """
    section = f"files-{group}"
    known = cache.section(section)
    now = time.time()
    found: dict[Path, str] = {}
    fresh: dict[str, Any] = {}
    for path in paths:
        key = str(path)
        try:
            status = path.stat()
        except OSError:
            continue
        stamp = [status.st_size, status.st_mtime_ns, status.st_ino]
        entry = known.get(key)
        if entry is not None and entry[0] == stamp and now - status.st_mtime > _RACY:
            found[path] = entry[1]
        else:
            found[path] = digest(path.read_bytes())
        fresh[key] = [stamp, found[path]]
    if fresh != known:
        cache.replace(section, fresh)
    return found
