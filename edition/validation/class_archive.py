"""Java class-data sharing for jing: its classes mapped from an archive, not loaded again.

The first jing run of a project writes an archive of the classes it loaded
(``-XX:ArchiveClassesAtExit``, Java 13 and later) into the cache folder; later runs
map it (``-XX:SharedArchiveFile``) instead of reading, parsing and verifying jing's
classes again. One file against tei_all: 0.33 → 0.25 s, medians of 7 runs
alternated. Java itself checks that an archive fits the JVM and the jar (their
versions, sizes and times) and runs without it otherwise; an archive made by
other options or another Java has another name. A damaged archive can crash the
JVM, and a JVM without a base archive refuses to write one: ``Pending`` then
runs jing again without these options (and removes the archive, or leaves a
mark so that this JVM is not asked again).
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from edition.cache import digest

#: Seconds after which an archive still being written is a killed run's, and removed.
STALE = 3600


class ClassArchive:
    """The archive of one Java, jar and set of options, in ``folder``."""

    def __init__(self, folder: Path, runner: str, jing_jar: Path, options: list[str]) -> None:
        java = os.path.realpath(runner)
        key = digest(java, stamp(java), str(jing_jar), stamp(str(jing_jar)), *options)
        self.path = folder / f"jing-{key}.jsa"
        #: Left when this JVM cannot share classes at all (no base archive, -Xshare:off).
        self.unusable = self.path.with_suffix(".unusable")
        self._writing: Path | None = None
        #: Whether the run maps the archive (rather than writing one, or neither).
        self.mapped = False

    def options(self) -> list[str]:
        """The JVM options of a run: map the archive, or write it at exit when there is none."""
        self.mapped = self.path.is_file()
        if self.mapped:
            return [f"-XX:SharedArchiveFile={self.path}"]
        try:
            if self.unusable.exists():
                return []
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return []  # no archive here: jing runs as it would without
        _remove_stale(self.path.parent)
        self._writing = self.path.with_name(f"{self.path.name}.{os.getpid()}-{id(self)}.new")
        return [f"-XX:ArchiveClassesAtExit={self._writing}"]

    def finished(self, ran: bool) -> None:
        """After the run: put a written archive in place (``ran``: jing ran to its end)."""
        written, self._writing = self._writing, None
        if written is None:
            return
        with contextlib.suppress(OSError):
            if ran and written.is_file():
                written.replace(self.path)  # whole or not at all; another run may read it
            else:
                written.unlink(missing_ok=True)

    def failed(self) -> None:
        """The JVM crashed mapping the archive, or refused to start with these options:
        drop the archive, or share no more."""
        with contextlib.suppress(OSError):
            if self.mapped:
                self.path.unlink()  # damaged, or not this JVM's: the next run writes another
            else:
                self.unusable.touch()  # it could not write one: later runs do not try


def _remove_stale(folder: Path) -> None:
    """Remove archives left half written by runs killed an hour ago or more."""
    now = time.time()
    for written in folder.glob("*.new"):
        with contextlib.suppress(OSError):
            if now - written.stat().st_mtime > STALE:
                written.unlink()


def stamp(path: str) -> str:
    """A file's size and time ('' when it cannot be read), so that an update is a new key."""
    try:
        status = os.stat(path)  # noqa: PTH116 (a path string, as the JVM is named)
    except OSError:
        return ""
    return f"{status.st_size}:{status.st_mtime_ns}"
