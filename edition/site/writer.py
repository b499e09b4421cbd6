"""Writing a build into the site folder: only what changed, and never half of it.

Every build writes into a staging folder beside the site. A full build (no
record of the current site) stages every file and swaps the folder in whole.
An incremental build stages only the files whose content changed, then
commits: it first writes a journal (the files to move in, the files to delete,
and the cache state that describes the result) into the staging folder, the
commit point, and then moves the files into place one by one. A build killed
before the journal is written leaves the site exactly as it was; one killed
after it is finished by the next build (``recover``), before it does anything.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from edition.cache import digest
from edition.fsutil import swap_in, write_atomic, write_staged

JOURNAL = ".edition-journal.json"


class SiteWriter:
    """Stages a build's files and commits them into ``site``."""

    def __init__(self, site: Path, previous: dict[str, str] | None) -> None:
        self.site = site
        #: The manifest of the current site (path → content hash), when it can be trusted.
        self.previous = previous if previous is not None and site.is_dir() else None
        site.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{site.name}.building-", dir=site.parent))
        self.manifest: dict[str, str] = {}
        self.changed: list[str] = []

    @property
    def incremental(self) -> bool:
        """Whether unchanged files stay where they are (else everything is staged)."""
        return self.previous is not None

    def is_current(self, relative: str, content_digest: str) -> bool:
        """Whether the site already holds exactly this content at ``relative``."""
        return self.previous is not None and self.previous.get(relative) == content_digest

    def put(self, relative: str, data: bytes) -> None:
        """Stage a file, unless the site already has these bytes there."""
        found = digest(data)
        self.manifest[relative] = found
        if not self.is_current(relative, found):
            write_staged(self.staging / relative, data)
            self.changed.append(relative)

    def staged(self, relative: str, content_digest: str, changed: bool) -> None:
        """Record a file a worker has staged itself (``changed``) or found current."""
        self.manifest[relative] = content_digest
        if changed:
            self.changed.append(relative)

    def copy(self, relative: str, source: Path) -> None:
        """Stage a copy of a file (static assets)."""
        self.put(relative, source.read_bytes())

    def commit(self, state: dict[str, Any], save_state: Callable[[dict[str, Any]], None]) -> None:
        """Put the staged build in place, then record ``state`` (which describes it)."""
        if not self.incremental:
            save_state({})  # the site is about to change: forget the old description first
            swap_in(self.staging, self.site)
            save_state(state)
            return
        removed = sorted(set(self.previous or {}) - set(self.manifest))
        journal = {"changed": sorted(self.changed), "removed": removed, "state": state}
        write_atomic(self.staging / JOURNAL, orjson.dumps(journal))
        finish(self.staging, self.site, save_state)

    def discard(self) -> None:
        """Throw the staged build away; the site stays as it was."""
        shutil.rmtree(self.staging, ignore_errors=True)


def finish(staging: Path, site: Path, save_state: Callable[[dict[str, Any]], None]) -> None:
    """Carry out a committed journal: move files in, delete the removed ones (idempotent)."""
    journal = orjson.loads((staging / JOURNAL).read_bytes())
    for relative in journal["changed"]:
        source = staging / relative
        if source.is_file():
            target = site / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for relative in journal["removed"]:
        target = site / relative
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        _remove_empty_parents(target.parent, site)
    save_state(journal["state"])
    shutil.rmtree(staging, ignore_errors=True)


def _remove_empty_parents(folder: Path, site: Path) -> None:
    while folder != site and site in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def recover(site: Path, save_state: Callable[[dict[str, Any]], None]) -> None:
    """Finish a build that was killed after its commit point; delete other leftovers."""
    if not site.parent.is_dir():
        return
    for leftover in sorted(site.parent.glob(f".{site.name}.building-*")):
        if (leftover / JOURNAL).is_file() and site.is_dir():
            finish(leftover, site, save_state)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in site.parent.glob(f".{site.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)
