"""Writing files so that a failed or killed run never leaves half-written output."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on a POSIX system: no lock
    fcntl = None  # type: ignore[assignment]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, fallback: str = "item") -> str:
    """A file-name-safe slug of an id: no separators, no dot-files, no traversal."""
    name = _UNSAFE.sub("-", text).strip(".-")
    return name[:120] or fallback


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    The file gets the usual ``rw-r--r--`` mode (mkstemp alone would leave it
    readable by its owner only).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).unlink()
        raise


#: ``write_staged``'s flags: a new file (or one emptied), not inherited by child processes.
_NEW_FILE = (
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)


def write_staged(path: str | Path, data: bytes) -> None:
    """Write a file inside a staging folder (see ``staged_directory`` and ``edition.site.writer``).

    No temporary file and rename per file: the whole folder is swapped in at the
    end, so a half-written file can never be seen; this saves two system calls
    per file on builds of tens of thousands of files. ``path`` may be a string: a build
    writes thousands, and a ``Path`` made for each cost more than writing small ones.
    """
    try:
        handle = os.open(path, _NEW_FILE, 0o666)
    except FileNotFoundError:  # the first file of its folder: one system call less for the rest
        os.makedirs(os.path.dirname(path), exist_ok=True)  # noqa: PTH103, PTH120
        handle = os.open(path, _NEW_FILE, 0o666)
    # os.write, not Path.write_bytes: no buffered file object for one write (9,400 files: -30%).
    try:
        written = os.write(handle, data)
        while written < len(data):
            written += os.write(handle, memoryview(data)[written:])
    finally:
        os.close(handle)


@contextlib.contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``target``; swap it in only if the block succeeds.

    The previous ``target`` stays intact until the very end, so a failed or
    killed build leaves the last good output in place.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        yield staging
    except BaseException:
        remove_tree(staging)
        raise
    swap_in(staging, target)


def remove_tree(path: Path) -> None:
    """Delete a folder and all it holds, as ``shutil.rmtree(path, ignore_errors=True)``,
    with memory that does not grow with a folder's entries.

    ``shutil.rmtree`` lists each folder whole before deleting in it: a site's folder of
    documents (one entry per document) held tens of MB of entries at once, which stayed
    in the build's memory. Here entries are deleted as the listing reads them, through
    descriptors (a symbolic link is deleted, never followed). What cannot be deleted
    is left, silently.
    """
    if not _DESCRIPTORS:
        shutil.rmtree(path, ignore_errors=True)
        return
    try:
        folder = os.open(path, _FOLDER)
    except OSError:
        return
    try:
        _empty(folder)
    finally:
        os.close(folder)
    with contextlib.suppress(OSError):
        path.rmdir()


def _empty(folder: int) -> None:
    """Delete what the open folder holds, a listing at a time until one deletes nothing
    (a listing may miss entries of a folder changed while it is read)."""
    removed = True
    while removed:
        removed = False
        with os.scandir(folder) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        inner = os.open(entry.name, _FOLDER, dir_fd=folder)
                        try:
                            _empty(inner)
                        finally:
                            os.close(inner)
                        os.rmdir(entry.name, dir_fd=folder)
                    else:
                        os.unlink(entry.name, dir_fd=folder)
                    removed = True


#: Opening a folder to list it, never through a symbolic link.
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
#: Whether this system lists and deletes relative to a folder's descriptor (POSIX).
_DESCRIPTORS = (
    os.scandir in os.supports_fd
    and {os.open, os.unlink, os.rmdir} <= os.supports_dir_fd
    and hasattr(os, "O_DIRECTORY")
    and hasattr(os, "O_NOFOLLOW")
)


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames, then delete the old copy."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    staging.rename(target)
    if old is not None:
        remove_tree(old)


def backup_path(path: Path) -> Path:
    """A free backup name beside ``path``: ``x.xml.bak``, then ``x.xml.bak.2``, …"""
    candidate = path.with_name(path.name + ".bak")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak.{counter}")
        counter += 1
    return candidate


@contextlib.contextmanager
def locked(folder: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold ``folder`` alone for the block (an advisory lock on the folder itself: no
    file is left behind); when another process holds it, call ``waiting()`` once and
    wait for it. The lock goes with the process: one that is killed holds nothing.
    Where folders cannot be locked (not POSIX, some network file systems), the block
    runs without."""
    if fcntl is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            pass  # this file system has no such locks
        yield
    finally:
        os.close(handle)


def undecodable(name: str) -> str | None:
    """``name`` as diagnostics show it (each byte written ``\\xNN``) when it is not UTF-8:
    bytes Python keeps as lone surrogates, which the cache cannot store, jing cannot be
    given and no page address can be made of; None when it is UTF-8."""
    if name.isascii():
        return None
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return None
