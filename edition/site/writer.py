"""Writing a build into the site folder: only what changed, and never half of it.

Every build writes into a staging folder beside the site. A full build (no
record of the current site) stages every file and swaps the folder in whole.
An incremental build stages only the files whose content changed, listing them
in a file as it stages them (``STAGED``: a build that writes every page again,
a template changed, holds no list of them), then commits: it first writes a
journal (the files to delete, and the state that describes the result) into the
staging folder, and then moves the staged files into place one by one. The
journal is the commit point when the state is a new file (moved into the cache
after the files). A state updated in place (``NewState.in_place``) commits after
the journal, marked with the journal's mark, which is the commit point; the mark
is cleared once the files are in. A build killed before its commit point leaves
the site and its state exactly as they were; one killed after it is finished by
the next build (``recover``), before it does anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import orjson

from edition.cache import digest
from edition.fsutil import remove_tree, swap_in, write_atomic, write_staged
from edition.site.state import NewState, clear_mark, committing_mark, remove_state

JOURNAL = ".edition-journal.json"
#: The files an incremental build staged, one JSON string a line, in the staging folder.
STAGED = ".edition-staged.jsonl"


class SiteWriter:
    """Stages a build's files and commits them into ``site``."""

    def __init__(self, site: Path, incremental: bool) -> None:
        self.site = site
        #: Whether unchanged files stay where they are (else everything is staged).
        self.incremental = incremental and site.is_dir()
        site.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{site.name}.building-", dir=site.parent))
        #: Files written into the staging folder (listed in ``STAGED`` for an incremental commit).
        self.written = 0
        self._staged: IO[bytes] | None = None

    def put(self, relative: str, data: bytes, current: str | None = None) -> str:
        """Stage a file unless the site holds these bytes already (``current``: its hash there)."""
        found = digest(data)
        if not (self.incremental and current == found):
            write_staged(f"{self.staging}/{relative}", data)
            self.staged(relative)
        return found

    def put_chunks(
        self, relative: str, chunks: Iterable[str | bytes], current: str | None = None
    ) -> str:
        """Stage a file written piece by piece (``put`` for files never held whole, as pages).

        Its hash is of the bytes alone (``put`` hashes differently, so a file is
        always staged by the same one of the two).
        """
        target = self.staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        hasher = hashlib.blake2b(digest_size=16, person=b"edition-page")
        try:
            with target.open("wb") as out:
                for chunk in chunks:
                    data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
                    hasher.update(data)
                    out.write(data)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        found = hasher.hexdigest()
        if self.incremental and current == found:
            target.unlink()
        else:
            self.staged(relative)
        return found

    def staged(self, relative: str) -> None:
        """Record a file staged (by ``put``, or by a worker itself)."""
        self.written += 1
        if self.incremental:
            if self._staged is None:
                self._staged = (self.staging / STAGED).open("wb")  # closed by commit or discard
            self._staged.write(orjson.dumps(relative) + b"\n")

    def copy(self, relative: str, source: Path, current: str | None = None) -> str:
        """Stage a copy of a file (static assets)."""
        return self.put(relative, source.read_bytes(), current)

    def commit(
        self, removed: list[str], state: tuple[NewState, Path] | None, done: Callable[[], None]
    ) -> None:
        """Put the staged build in place with its ``state`` and where the state belongs (a
        new file goes there; one updated in place is committed), then ``done()``."""
        if not self.incremental:
            _swap_in(self.staging, self.site, state)
            done()
            return
        if self._staged is not None:
            self._staged.close()
        mark = self.staging.name  # unique to this build
        journal: dict[str, object] = {"removed": sorted(removed), "state": None, "marked": None}
        if state is not None and state[0].in_place:
            journal["marked"] = {"path": str(state[1]), "mark": mark}
        elif state is not None:
            state[0].finish()
            journal["state"] = [str(state[0].path), str(state[1])]
        write_atomic(self.staging / JOURNAL, orjson.dumps(journal))
        if state is not None and state[0].in_place:
            state[0].commit_marked(mark)  # the commit point
        finish(self.staging, self.site, done)

    def discard(self) -> None:
        """Throw the staged build away; the site stays as it was."""
        if self._staged is not None:
            self._staged.close()
        remove_tree(self.staging)


def _swap_in(staging: Path, site: Path, state: tuple[NewState, Path] | None) -> None:
    """Put a whole staged site in place of the last, and its new state file."""
    if state is None:
        swap_in(staging, site)
        return
    new, current = state
    if new.in_place:  # it describes the files this build left where they are
        raise RuntimeError("a state updated in place needs the site it updates")
    new.finish()
    remove_state(current)  # the old description goes before the old site
    swap_in(staging, site)
    new.path.replace(current)


def finish(staging: Path, site: Path, done: Callable[[], None]) -> None:
    """Carry out a committed journal: move files in, delete the removed ones (idempotent).

    A journal whose state was to be committed in place, and was not (the build was
    killed just before), is thrown away with its staging folder: nothing moved yet.
    """
    journal = orjson.loads((staging / JOURNAL).read_bytes())
    marked = journal.get("marked")
    if marked is not None and committing_mark(Path(marked["path"])) != marked["mark"]:
        remove_tree(staging)
        return
    for relative in _staged(staging):
        source = staging / relative
        if source.is_file():
            target = site / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
    for relative in journal["removed"]:
        target = site / relative
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        _remove_empty_parents(target.parent, site)
    if journal["state"] is not None:
        new, current = map(Path, journal["state"])
        if new.is_file():
            remove_state(current)
            new.replace(current)
    if marked is not None:
        clear_mark(Path(marked["path"]))
    done()
    remove_tree(staging)


def _staged(staging: Path) -> Iterator[str]:
    """The files listed in ``STAGED``, one line at a time (none when nothing was staged)."""
    with contextlib.suppress(FileNotFoundError), (staging / STAGED).open("rb") as lines:
        for line in lines:
            yield orjson.loads(line)


def _remove_empty_parents(folder: Path, site: Path) -> None:
    while folder != site and site in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def recover(site: Path, done: Callable[[], None]) -> None:
    """Finish a build that was killed after its commit point; delete other leftovers.

    ``done`` is called after a build was finished so: what described the site before
    it (the key of the build before) no longer does.
    """
    if not site.parent.is_dir():
        return
    for leftover in sorted(site.parent.glob(f".{site.name}.building-*")):
        if (leftover / JOURNAL).is_file() and site.is_dir():
            finish(leftover, site, done)
        else:
            remove_tree(leftover)
    for leftover in site.parent.glob(f".{site.name}.old-*"):
        remove_tree(leftover)
