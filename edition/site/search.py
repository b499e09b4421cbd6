"""The Pagefind full-text index of the site, in parts indexed apart.

The index holds the document pages and the edition-wide pages whose template marks
them with ``data-pagefind-body`` (``MarkFinder``; none of the bundled ones does).
Pagefind cannot update an index: it makes one from a set of pages. So these pages
are divided into parts (``part_of``: by a hash of the page's path, so that a
document stays in its part as others come and go), and each part is indexed on its
own into ``pagefind/<part>/``: an edit indexes again only the part its page is in.
The search page merges the parts: ``pagefind/parts.json`` lists them, and
``edition.js`` opens the first as Pagefind's index and merges the others into it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import orjson

from edition.diagnostics import Reporter, error

#: The folder of the index in the site, and its list of parts.
FOLDER = "pagefind"
MANIFEST = "parts.json"
#: At most this many parts: the search page fetches a piece of each part's index for
#: every word searched, so past this the parts grow instead.
MAX_PARTS = 64
#: The files of Pagefind's search box, which the search page loads from ``pagefind/``.
_UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
#: The start of the names of a build's indexing folder beside the site (or beside its
#: staging folder) and of a folder of links to a part's pages, before its process's id.
_WORK = ".pagefind-"
_LINKS = "edition-pages-"
#: The attribute by which a template marks a page's text for the index (Pagefind's own).
MARK = "data-pagefind-body"


class MarkFinder:
    """A page's pieces as they are written, noting whether the page carries ``MARK``
    (``found``): an edition-wide page whose template marks it is indexed too."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = chunks
        self.found = False

    def __iter__(self) -> Iterator[str]:
        tail = ""  # the end of the pieces so far, for a mark cut in two
        for chunk in self._chunks:
            if not self.found:
                # Looked at as a plain string: a template's pieces are ``Markup``, whose
                # slicing and adding escape (a quarter of a list page's writing).
                text = str(chunk)
                self.found = MARK in tail + text[: len(MARK)] or MARK in text
                tail = (tail + text[-len(MARK) :])[-len(MARK) :]
            yield chunk


@dataclass
class IndexKeys:
    """What an index was made of: a key of the whole (the pages it reads, the language and
    the parts' size, so that a build whose pages did not change need not key the parts)
    and each part's key (``part_keys``)."""

    whole: str = ""
    parts: dict[int, str] = field(default_factory=dict)

    @classmethod
    def read(cls, value: str) -> IndexKeys:
        """As ``to_value`` wrote them (none when they cannot be read)."""
        try:
            data = orjson.loads(value)
            return cls(str(data["key"]), {int(p): str(k) for p, k in data["parts"].items()})
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            return cls()

    def to_value(self) -> str:
        """As a build's state keeps them (JSON)."""
        data = {"key": self.whole, "parts": self.parts}
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()


def part_count(pages: int, per_part: int) -> int:
    """How many parts ``pages`` pages are indexed in: a power of two, so that
    each has about ``per_part`` pages at most (fewer past ``MAX_PARTS``)."""
    count = 1
    while count < MAX_PARTS and count * max(per_part, 1) < pages:
        count *= 2
    return count


def part_of(page: str, count: int) -> int:
    """The part a page (its path in the site) is indexed in, of ``count``."""
    hashed = hashlib.blake2b(page.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(hashed, "little") % count


def part_keys(pages: Iterable[tuple[str, str]], count: int, language: str) -> dict[int, str]:
    """A key for each part that has pages: a hash of its pages (path and content hash,
    in the order given), the language and the Pagefind run (``_pagefind_identity``)."""
    hashers: dict[int, hashlib.blake2b] = {}
    for page, found in pages:
        part = part_of(page, count)
        hasher = hashers.get(part)
        if hasher is None:
            hasher = hashlib.blake2b(digest_size=16, person=b"search-part")
            hasher.update(f"{language}\0{_pagefind_identity()}\0".encode("utf-8", "surrogatepass"))
            hashers[part] = hasher
        hasher.update(f"{page}\0{found}\0".encode("utf-8", "surrogatepass"))
    return {part: hasher.hexdigest() for part, hasher in sorted(hashers.items())}


def update(
    site: Path,
    pages: Callable[[], Iterable[tuple[str, str]]],
    per_part: int,
    language: str,
    indexed: Mapping[int, str],
    reporter: Reporter,
    jobs: int = 1,
) -> dict[int, str] | None:
    """Bring ``site/pagefind`` up to date with the site's searched pages.

    ``pages()`` gives each searched page's path in the site and its content hash, in a
    stable order (it is asked up to three times: to count, to key, to link); ``indexed``
    is each part's key when it was last indexed. The parts whose key differs (or whose
    folder is missing) are indexed again, ``jobs`` at once, each into a temporary folder,
    and swapped in only when all succeeded; parts left without pages are removed, and the
    list of parts written. Returns the keys now indexed, or None when Pagefind failed
    (reported; the index as it was stays).
    """
    remove_leftovers(site)
    count = part_count(sum(1 for _ in pages()), per_part)
    keys = part_keys(pages(), count, language)
    index = site / FOLDER
    todo = {
        part
        for part, key in keys.items()
        if indexed.get(part) != key or not (index / str(part) / "pagefind.js").is_file()
    }
    prefix = f"{_WORK}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=site.parent) as scratch:
        work = Path(scratch)
        if todo:
            try:
                _list_pages(site, pages(), count, todo, work)
            except OSError as err:  # a page the state lists is not in the site
                reporter.report(
                    error(
                        "R520",
                        f"the search index could not be built: {err}",
                        None,
                        "build the site again with --clean",
                    )
                )
                return None
            if not _index_all(sorted(todo), site, work, language, reporter, jobs):
                return None
        index.mkdir(exist_ok=True)
        for part in sorted(todo):
            place = index / str(part)
            if place.exists():
                place.rename(work / f"old-{part}")  # deleted with the temporary folder
            (work / str(part)).rename(place)
        for gone in sorted(index.iterdir()):
            if gone.is_dir() and gone.name.isdigit() and int(gone.name) not in keys:
                shutil.rmtree(gone)
        _write_manifest(index, sorted(keys))
    return keys


def _index_all(
    parts: list[int], site: Path, work: Path, language: str, reporter: Reporter, jobs: int
) -> bool:
    """Index each part's pages (listed in ``work/<part>.txt``) into ``work/<part>``,
    ``jobs`` at once (a build's ``--jobs``): one Pagefind leaves a core idle much of its
    time (two parts of 400 pages: 1.2 s at once, 2.0 s one after the other, on 2 cores)."""

    def one(part: int) -> Reporter:
        found = Reporter()
        try:
            with _linked(site, work / f"{part}.txt", work) as pages:
                build_index(pages, language, found, work / str(part))
        except OSError as err:
            found.report(error("R520", f"the search index could not be built: {err}", None))
        return found

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(one, parts))
    seen: set[str] = set()
    for found in outcomes:  # each problem once (Pagefind missing fails every part alike)
        for diagnostic in found.diagnostics:
            if diagnostic.message not in seen:
                seen.add(diagnostic.message)
                reporter.report(diagnostic)
    return not any(found.has_errors for found in outcomes)


def _list_pages(
    site: Path, pages: Iterable[tuple[str, str]], count: int, todo: set[int], work: Path
) -> None:
    """The pages of each part to index, a line each, in ``work/<part>.txt``. Raises
    ``FileNotFoundError`` for a page that is not in the site."""
    lists: dict[int, IO[str]] = {}
    try:
        for page, _ in pages:
            part = part_of(page, count)
            if part not in todo:
                continue
            if not (site / page).is_file():
                raise FileNotFoundError(f"{page} is not in the site")
            if part not in lists:
                path = work / f"{part}.txt"
                lists[part] = path.open("w", encoding="utf-8", errors="surrogatepass")
            lists[part].write(page + "\n")
    finally:
        for listed in lists.values():
            listed.close()


@contextlib.contextmanager
def _linked(site: Path, listed: Path, work: Path) -> Iterator[Path]:
    """A folder of symbolic links to the listed pages, each at its path in the site (so
    that Pagefind, which follows them, gives it the same URL), removed after use. Made on
    a RAM disk when there is one, and beside the site when it is full: made on this
    machine's disk, the folders and links cost more than the indexing itself (1,567
    pages: 3.4 s for half of them, against 2.0 s for one index of them all). A part's
    links only, so that a RAM disk of a few megabytes is enough."""
    site = site.resolve()
    for place in (_links_folder(), str(work)):
        folder = None
        try:
            folder = Path(tempfile.mkdtemp(prefix=f"{_LINKS}{os.getpid()}-", dir=place))
            with listed.open(encoding="utf-8", errors="surrogatepass") as lines:
                for line in lines:
                    page = line.rstrip("\n")
                    target = folder / page
                    target.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        target.symlink_to(site / page)
                    except OSError as err:
                        if err.errno == errno.ENOSPC:
                            raise
                        shutil.copyfile(site / page, target)  # no links here: a copy
        except OSError as err:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            if err.errno == errno.ENOSPC and place != str(work):
                continue  # the RAM disk is full: beside the site
            raise
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return


def remove_leftovers(site: Path) -> None:
    """Delete what the indexing of a build that was killed left: its folder beside the
    site and its links on the RAM disk (each named with the id of its process, and
    deleted once that process has ended: another build may be indexing now)."""
    places = [(str(site.parent), _WORK)]
    shm = _links_folder()
    if shm is not None:
        places.append((shm, _LINKS))
    for place, prefix in places:
        try:
            with os.scandir(place) as entries:
                found = [e.path for e in entries if e.name.startswith(prefix) and e.is_dir()]
        except OSError:
            continue
        for path in found:
            owner = os.path.basename(path)[len(prefix) :].split("-", 1)[0]  # noqa: PTH119
            if owner.isdigit() and not _running(int(owner)):
                shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether a process of this id runs (as far as this user can tell)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: it runs
        return True
    return True


def _links_folder() -> str | None:
    """Where the links to the pages are made first: a RAM disk, when there is one."""
    shm = Path("/dev/shm")  # noqa: S108 (only the parent of a private mkdtemp folder)
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _write_manifest(index: Path, parts: list[int]) -> None:
    """``parts.json`` (the parts' folders, the first one Pagefind's own index) and the
    search box's files, copied from the first part."""
    folders = [f"{part}/" for part in parts]
    if parts:
        for name in _UI_FILES:
            source = index / str(parts[0]) / name
            if source.is_file():
                shutil.copyfile(source, index / f".{name}.new")
                (index / f".{name}.new").replace(index / name)
    staged = index / f".{MANIFEST}.new"
    staged.write_bytes(orjson.dumps({"parts": folders}))
    staged.replace(index / MANIFEST)


@functools.cache
def _pagefind_identity() -> str:
    """What tells one Pagefind from another in a part's key: the binary started, its size
    and its modification time (an upgrade installs a new one). Not the package's version:
    ``importlib.metadata`` takes 60–85 ms to load, a tenth of a one-document rebuild."""
    command = pagefind_command()
    try:
        found = Path(command[0]).stat() if len(command) == 1 else None
    except OSError:
        found = None
    if found is None:
        return " ".join(command)
    return f"{command[0]}\0{found.st_size}\0{found.st_mtime_ns}"


@functools.cache
def pagefind_command() -> tuple[str, ...]:
    """How Pagefind is started: its binary, found as the ``pagefind`` package's own
    ``python -m pagefind`` finds it (``PAGEFIND_BINARY_PATH``, else the binary of the
    ``pagefind_bin_extended`` or the ``pagefind_bin`` package), else that command itself
    (which then says what is missing). Started directly, each run saves the Python
    interpreter that only starts the binary (0.12–0.17 s a run on this machine: half a
    one-document rebuild's search update)."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        return (configured,)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = importlib.import_module(package).get_executable()
        except (ImportError, OSError, AttributeError):  # not installed, or no binary in it
            continue
        return (str(Path(found).resolve()),)
    return (sys.executable, "-m", "pagefind")


def build_index(site: Path, language: str, reporter: Reporter, output: Path | None = None) -> bool:
    """Run the Pagefind binary shipped by the ``pagefind[bin]`` package over ``site``.

    The index goes to ``site/pagefind``, or to ``output`` when given.
    """
    output = output if output is not None else site / "pagefind"
    command = [
        *pagefind_command(),
        "--site",
        str(site),
        "--silent",
        "--force-language",
        language or "en",
        "--output-path",
        str(output),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        reporter.report(
            error(
                "R520",
                f"the search index could not be built: {err}",
                None,
                "install pagefind with: pip install 'pagefind[bin]'",
            )
        )
        return False
    if done.returncode != 0 or not (output / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()
        reporter.report(
            error(
                "R520",
                "the search index could not be built: "
                + (detail[-1] if detail else f"exit status {done.returncode}"),
                None,
                "install pagefind with: pip install 'pagefind[bin]', or set site.search = false",
            )
        )
        return False
    return True
