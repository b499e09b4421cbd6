"""Per-file bookkeeping held packed: a few bytes a file, not a Python object a file.

A build keeps some strings for every file of the edition until its end (paths, shown
paths, content hashes). As Python objects (a ``Path``, a ``str``, a dict entry) they
cost 0.1–0.5 KiB each, which made a build's memory grow with the edition. Packed,
they cost their UTF-8 bytes and an offset (``PackedStrings``), a path its name and
its folder's number (``PackedPaths``), a hash its 16 bytes (``PackedHashes``); each is
made again as an object when it is read, and dropped after use. ``FileList`` is a
folder's files, ``PackedMap`` strings found by path.
"""

from __future__ import annotations

import operator
import os
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload

#: Any ``str`` goes in and comes out the same (file names may hold lone surrogates).
_ERRORS = "surrogatepass"

T = TypeVar("T")


class Hasher(Protocol):
    """What ``hash_into`` feeds: a ``hashlib`` hash."""

    def update(self, data: bytes | bytearray | array[Any], /) -> None: ...


class Indexed(Sequence[T]):
    """A sequence whose items are made as they are read (``item``); a slice is a list."""

    __slots__ = ()

    def item(self, index: int) -> T:
        """The ``index``-th item (``0 <= index < len(self)``)."""
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        count = len(self)
        if isinstance(index, slice):
            return [self.item(i) for i in range(*index.indices(count))]
        if not -count <= index < count:
            raise IndexError(index)
        return self.item(index % count)


class PackedStrings(Sequence[str]):
    """A list of strings stored as one byte array and their end offsets."""

    __slots__ = ("_data", "_ends", "_last", "ascending", "repeats")

    def __init__(self, items: Iterable[str] = ()) -> None:
        self._data = bytearray()
        self._ends = array("Q")
        #: Whether no string came before a smaller one, and whether one came twice in a row.
        self.ascending, self.repeats = True, False
        self._last: str | None = None
        for item in items:
            self.append(item)

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8", _ERRORS)
        self._ends.append(len(self._data))
        self.ascending, self.repeats = _followed(self, self._last, text)
        self._last = text

    def extend_prefixed(self, prefix: str, other: PackedStrings) -> None:
        """Append ``prefix + text`` for each text of ``other``, at once: no string is made
        per text (a folder's names, appended as its paths)."""
        if not other:
            return
        # Taken first: ``other`` may be this one.
        first, last_text = prefix + other[0], prefix + other[-1]
        sort = (other.ascending, other.repeats)
        source, their_ends = bytes(other._data), array("Q", other._ends)
        start, data, ends = len(self._data), self._data, self._ends
        head = prefix.encode("utf-8", _ERRORS)
        if head:
            last = 0
            for end in their_ends:
                data += head
                data += source[last:end]
                last = end
            width = len(head)
            ends.extend(start + end + n * width for n, end in enumerate(their_ends, 1))
        else:
            data += source
            ends.extend(start + end for end in their_ends)
        ascending, repeats = _followed(self, self._last, first)
        # One prefix for all: they sort, and repeat, as the texts of ``other`` do.
        self.ascending, self.repeats = ascending and sort[0], repeats or sort[1]
        self._last = last_text

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if index.__class__ is not int:
            if isinstance(index, slice):
                return [self[i] for i in range(*index.indices(len(self)))]
            index = operator.index(index)
        ends = self._ends
        if index < 0:
            index += len(ends)
        end = ends[index]  # raises IndexError past either end
        return self._data[ends[index - 1] if index else 0 : end].decode("utf-8", _ERRORS)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same strings (a list too)."""
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def raw(self, index: int) -> bytearray:
        """The ``index``-th string's UTF-8 bytes (not negative), not decoded."""
        ends = self._ends
        return self._data[ends[index - 1] if index else 0 : ends[index]]

    def starts_with(self, other: PackedStrings) -> bool:
        """Whether this column's first strings are ``other``'s, in order (compared as held)."""
        count = len(other)
        if count > len(self._ends):
            return False
        if count == 0:
            return True
        ends = self._ends[:count]
        return ends == other._ends and self._data[: ends[-1]] == other._data

    def hash_into(self, hasher: Hasher) -> None:
        """Feed the strings to ``hasher`` as they are held (their ends, then their bytes):
        a pass over the column in C, not a string made per item. Two columns feed the
        same bytes only when they hold the same strings."""
        hasher.update(len(self._ends).to_bytes(8, "little"))
        hasher.update(self._ends)
        hasher.update(self._data)

    def __iter__(self) -> Iterator[str]:
        data, start = self._data, 0
        for end in self._ends:
            yield data[start:end].decode("utf-8", _ERRORS)
            start = end


class PackedPaths(Indexed[str]):
    """Paths packed as their folder's number and their name: each folder is held once."""

    __slots__ = (
        "_folder_of",
        "_folders",
        "_last",
        "_names",
        "_numbers",
        "_raw_folders",
        "ascending",
        "repeats",
    )

    def __init__(self, items: Iterable[str] = ()) -> None:
        #: As ``PackedStrings``'s.
        self.ascending, self.repeats = True, False
        self._last: str | None = None
        self._numbers: dict[str, int] = {}
        self._folders: list[str] = []
        self._raw_folders: list[bytes] = []
        self._folder_of = array("L")
        self._names = PackedStrings()
        for item in items:
            self.append(item)

    def append(self, text: str) -> None:
        cut = max(text.rfind("/"), text.rfind(os.sep)) + 1
        folder = text[:cut]  # with its separator: the folder and the name give the text back
        number = self._numbers.get(folder)
        if number is None:
            number = self._numbers[folder] = len(self._folders)
            self._folders.append(folder)
            self._raw_folders.append(folder.encode("utf-8", _ERRORS))
        self._folder_of.append(number)
        self._names.append(text[cut:])
        self.ascending, self.repeats = _followed(self, self._last, text)
        self._last = text

    def extend_folder(self, folder: str, names: PackedStrings) -> None:
        """Append ``folder + name`` for each of ``names``, at once (``folder`` ends with
        its separator, as ``append`` cuts a path)."""
        if not names:
            return
        number = self._numbers.get(folder)
        if number is None:
            number = self._numbers[folder] = len(self._folders)
            self._folders.append(folder)
            self._raw_folders.append(folder.encode("utf-8", _ERRORS))
        self._folder_of.extend(array("L", (number,)) * len(names))
        ascending, repeats = _followed(self, self._last, folder + names[0])
        self._names.extend_prefixed("", names)
        # One folder for all: the paths sort, and repeat, as their names do.
        self.ascending, self.repeats = ascending and names.ascending, repeats or names.repeats
        self._last = folder + names[-1]

    def __len__(self) -> int:
        return len(self._names)

    def item(self, index: int) -> str:
        return self._folders[self._folder_of[index]] + self._names[index]

    def raw(self, index: int) -> bytes:
        """The ``index``-th path's UTF-8 bytes (not negative), not decoded."""
        return self._raw_folders[self._folder_of[index]] + self._names.raw(index)

    def starts_with_folder(self, folder: str, names: PackedStrings) -> bool:
        """Whether the first paths are ``folder + name`` for each of ``names``, in order
        (``extend_folder``'s ``folder``), compared as held."""
        count = len(names)
        if count == 0:
            return True
        number = self._numbers.get(folder)
        return (
            number is not None
            and self._folder_of[:count].count(number) == count
            and self._names.starts_with(names)
        )

    def hash_into(self, hasher: Hasher) -> None:
        """Feed the paths to ``hasher`` as they are held (``PackedStrings.hash_into``): the
        folders, each path's folder, the names."""
        PackedStrings(self._folders).hash_into(hasher)
        hasher.update(len(self._folder_of).to_bytes(8, "little"))
        hasher.update(self._folder_of)
        self._names.hash_into(hasher)

    def __iter__(self) -> Iterator[str]:
        folders = self._folders
        for number, name in zip(self._folder_of, self._names, strict=True):
            yield folders[number] + name


class PackedHashes(Indexed[str]):
    """Content hashes (``cache.digest``: 32 lowercase hex digits), each held as its 16
    bytes; ``''`` (none) as a mark, and any other string as it is, aside."""

    __slots__ = ("_data", "_kinds", "_other")

    def __init__(self, items: Iterable[str] = ()) -> None:
        self._data = bytearray()
        self._kinds = bytearray()  # _NONE, _HASH or _OTHER
        self._other: dict[int, str] = {}
        for item in items:
            self.append(item)

    def append(self, value: str) -> None:
        packed = _hash_bytes(value)
        if packed is not None:
            self._data += packed
            self._kinds.append(_HASH)
        else:
            self._data += bytes(_HASH_BYTES)
            if value:
                self._other[len(self._kinds)] = value
            self._kinds.append(_OTHER if value else _NONE)

    def __len__(self) -> int:
        return len(self._kinds)

    def item(self, index: int) -> str:
        kind = self._kinds[index]
        if kind == _HASH:
            start = index * _HASH_BYTES
            return self._data[start : start + _HASH_BYTES].hex()
        return self._other[index] if kind == _OTHER else ""

    def __getitem__(self, index: int | slice) -> Any:
        """A hash by place, without ``Indexed``'s checks when the place is in range."""
        if index.__class__ is int and 0 <= index < len(self._kinds):
            return self.item(index)
        return super().__getitem__(index)

    def __iter__(self) -> Iterator[str]:
        # A block of hashes written out at once: a pass over every file's hash is a pass
        # over strings already made, not an item made by ``__getitem__`` each.
        data, kinds, other, width = self._data, self._kinds, self._other, 2 * _HASH_BYTES
        for first in range(0, len(kinds), _BLOCK):
            text = data[first * _HASH_BYTES : (first + _BLOCK) * _HASH_BYTES].hex()
            for i, kind in enumerate(kinds[first : first + _BLOCK]):
                if kind == _HASH:
                    yield text[i * width : (i + 1) * width]
                else:
                    yield other[first + i] if kind == _OTHER else ""

    def filled(self) -> int:
        """How many values are not ``''``."""
        return len(self._kinds) - self._kinds.count(_NONE)

    def as_held(self) -> tuple[bytearray, bytearray] | None:
        """The values as held, not copied: what each is (a byte each) and the hashes (16
        bytes each); ``held`` reads them back. None when one of them is neither a hash
        nor ``''``."""
        if self._other:
            return None
        return self._kinds, self._data

    @classmethod
    def held(cls, kinds: bytes, hashes: bytes) -> PackedHashes | None:
        """Values given as ``as_held`` gives them (None: not such bytes)."""
        count = len(kinds)
        if len(hashes) != count * _HASH_BYTES or kinds.count(_HASH) + kinds.count(_NONE) != count:
            return None
        read = cls()
        read._kinds, read._data = bytearray(kinds), bytearray(hashes)
        return read

    def differing(self, other: PackedHashes) -> list[int] | None:
        """The places whose value is not ``other``'s, in order (None: not as many values).
        Compared a block at a time as held: only a block that differs is read value by
        value."""
        count = len(self._kinds)
        if len(other) != count:
            return None
        aside = self._other.keys() | other._other.keys()  # their bytes say nothing
        places = {n for n in aside if self[n] != other[n]}
        for first in range(0, count, _BLOCK):
            last = min(first + _BLOCK, count)
            kinds, data = slice(first, last), slice(first * _HASH_BYTES, last * _HASH_BYTES)
            if self._kinds[kinds] != other._kinds[kinds] or self._data[data] != other._data[data]:
                places.update(n for n in range(first, last) if self[n] != other[n])
        return sorted(places)

    def head(self, count: int) -> PackedHashes:
        """The first ``count`` values, as a column of their own that shares their hashes'
        bytes (this column must not grow after, and the head cannot grow)."""
        first = PackedHashes()
        first._data = memoryview(self._data)[: count * _HASH_BYTES]  # type: ignore[assignment]
        first._kinds = self._kinds[:count]
        first._other = {n: value for n, value in self._other.items() if n < count}
        return first

    def hash_into(self, hasher: Hasher) -> None:
        """Feed the values to ``hasher`` as they are held (``PackedStrings.hash_into``)."""
        hasher.update(len(self._kinds).to_bytes(8, "little"))
        hasher.update(self._kinds)
        hasher.update(self._data)
        others = sorted(self._other.items())
        PackedStrings(f"{n}\0{value}" for n, value in others).hash_into(hasher)


def _followed(
    column: PackedStrings | PackedPaths, last: str | None, text: str
) -> tuple[bool, bool]:
    """A column's ``ascending`` and ``repeats`` once ``text`` followed ``last``."""
    if last is None:
        return column.ascending, column.repeats
    return column.ascending and last <= text, column.repeats or last == text


def _hash_bytes(value: str) -> bytes | None:
    """The 16 bytes a hash is written with (None: not such a hash)."""
    if len(value) != 2 * _HASH_BYTES:
        return None
    try:
        packed = bytes.fromhex(value)
    except ValueError:
        return None
    return packed if packed.hex() == value else None  # lowercase, no spaces


#: How ``PackedHashes`` holds a value.
_NONE, _HASH, _OTHER = 0, 1, 2
_HASH_BYTES = 16
#: Hashes written out at a time by ``PackedHashes.__iter__``.
_BLOCK = 1024


class FileList(Indexed[Path]):
    """Files of one folder, in the order of their names, held as their names.

    Reading an item makes its ``Path`` (``folder / name``); ``texts`` gives the
    paths as strings, without ``Path`` objects.
    """

    __slots__ = ("_names", "_prefix", "folder")

    def __init__(self, folder: Path, names: Iterable[str]) -> None:
        self.folder = folder
        self._prefix = os.path.join(folder, "")  # noqa: PTH118 (a string: a separator added)
        self._names = PackedStrings(sorted(names))

    def __len__(self) -> int:
        return len(self._names)

    def item(self, index: int) -> Path:
        return self.folder / self._names[index]

    def __iter__(self) -> Iterator[Path]:
        folder = self.folder
        for name in self._names:
            yield folder / name

    def __contains__(self, path: object) -> bool:
        return isinstance(path, Path) and self.holds(str(path))

    def holds(self, text: str) -> bool:
        """Whether the path written ``text`` (``str(path)``) is one of the files."""
        prefix = self._prefix
        if not text.startswith(prefix):
            return False
        name, names = text[len(prefix) :], self._names
        place = bisect_left(names, name)
        return place < len(names) and names[place] == name

    @property
    def prefix(self) -> str:
        """Each file's path as a string, less its name (the folder and a separator)."""
        return self._prefix

    def names(self) -> Iterator[str]:
        """The files' names, in order."""
        return iter(self._names)

    def names_column(self) -> PackedStrings:
        """The files' names, in order, as held (not to be changed)."""
        return self._names

    def texts(self) -> Iterator[str]:
        """The files' paths as strings (``str(path)``), in order."""
        prefix = self._prefix
        for name in self._names:
            yield prefix + name


class Column(Protocol):
    """Strings that ``PackedMap`` can search: ``PackedStrings``, ``PackedPaths``."""

    #: Whether no string came before a smaller one, and whether one came twice in a row.
    ascending: bool
    repeats: bool

    def __len__(self) -> int: ...
    def __getitem__(self, index: int) -> str: ...
    def __iter__(self) -> Iterator[str]: ...
    def raw(self, index: int) -> bytes | bytearray: ...


class PackedMap(Mapping[Path, str]):
    """Strings by file path (content hashes, shown paths), packed.

    Kept in the order given (``at(n)`` reads the ``n``-th value), and found by path
    too (``str(path)``, a binary search over a sorted permutation, none when the
    paths came sorted). A value ``''`` stands for a file left out: it is not a key.
    A path given twice maps to its last value.
    """

    __slots__ = ("_count", "_next", "_order", "_paths", "_repeats", "_values")

    def __init__(self, pairs: Iterable[tuple[str, str]] = (), *, hashes: bool = False) -> None:
        """``hashes``: the values are content hashes (held as ``PackedHashes``)."""
        paths = PackedPaths()
        values: PackedHashes | PackedStrings = PackedHashes() if hashes else PackedStrings()
        for text, value in pairs:
            paths.append(text)
            values.append(value)
        self._take(paths, values)

    @classmethod
    def over(cls, paths: Column, values: Sequence[str]) -> PackedMap:
        """A map over columns held already (``values[n]`` is the value of ``paths[n]``)."""
        found = cls.__new__(cls)
        found._take(paths, values)
        return found

    def _take(self, paths: Column, values: Sequence[str]) -> None:
        """Take the columns (complete: they do not grow after)."""
        self._paths, self._values, self._count = paths, values, len(paths)
        #: The places by path, when the paths did not come sorted (a stable sort).
        self._order: array[int] | None = None
        #: Whether a path may come twice.
        self._repeats = paths.repeats
        #: Where a search starts: just after the last entry found (in sorted order).
        self._next = 0
        if not paths.ascending:
            self._order = array("I", sorted(range(self._count), key=paths.__getitem__))
            self._repeats = True  # not looked for

    def column_for(self, files: FileList) -> PackedHashes | None:
        """The hashes of ``files``, in their order, as a column, when this map's first
        paths are those files (validation's hashes of the edition, a build's own): taken
        as held, no path looked up. None otherwise, or when the values are not hashes."""
        paths, values = self._paths, self._values
        if not isinstance(paths, PackedPaths) or not isinstance(values, PackedHashes):
            return None
        count = len(files)
        if not paths.starts_with_folder(files.prefix, files.names_column()):
            return None
        # A file given again after them maps to its last value (the register, given after
        # the documents, may come before some of them in order: then only these are read).
        if self._repeats and any(files.holds(paths[n]) for n in range(count, self._count)):
            return None
        return values.head(count)

    @property
    def values_column(self) -> Sequence[str]:
        """The values, in the order given."""
        return self._values

    def at(self, n: int) -> str:
        """The value given ``n``-th (``''``: left out)."""
        return self._values[n]

    def __len__(self) -> int:
        return sum(1 for _ in self.items_as_text())

    def __bool__(self) -> bool:
        return any(True for _ in self.items_as_text())

    def _place(self, key: object) -> int:
        """The place of the last entry of ``key`` (-1: none).

        Looked for first just after the last one found: reading the paths in their
        order (as each pass over the edition's files does) costs no search.
        """
        if not isinstance(key, (Path, str)):
            return -1
        query = str(key).encode("utf-8", _ERRORS)  # UTF-8 sorts as the code points do
        raw: Callable[[int], Any] = self._paths.raw
        order = self._order
        count, at = self._count, self._next
        if at < count:
            place = at if order is None else order[at]
            if raw(place) == query and (
                not self._repeats or at + 1 == count or raw(_at(order, at + 1)) != query
            ):
                self._next = at + 1
                return place
        after = bisect_right(range(count), query, key=lambda i: raw(_at(order, i)))
        place = _at(order, after - 1) if after else -1
        if place >= 0 and raw(place) == query:
            self._next = after
            return place
        return -1

    def get_text(self, text: str) -> str | None:
        """The value of the path written ``text`` (None: not a key)."""
        place = self._place(text)
        value = self._values[place] if place >= 0 else ""
        return value or None

    def values_for(self, texts: Iterable[str]) -> Iterator[str]:
        """The value of each path written in ``texts`` ('' for one that is not a key), in
        their order. Read along the values while the texts are this map's paths in the
        order given (the edition's files, as validation hashed them): no search then."""
        along: Iterator[tuple[str, str]] = (
            iter(()) if self._repeats else zip(self._paths, self._values, strict=True)
        )
        for text in texts:
            pair = next(along, None)
            if pair is not None and pair[0] == text:
                yield pair[1]
            else:
                along = iter(())  # the rest looked up
                yield self.get_text(text) or ""

    def get(self, key: object, default: str | None = None) -> str | None:  # type: ignore[override]
        value = self.get_text(str(key)) if isinstance(key, (Path, str)) else None
        return default if value is None else value

    def __getitem__(self, key: Path) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, (Path, str)) and self.get_text(str(key)) is not None

    def __iter__(self) -> Iterator[Path]:
        return (Path(text) for text, _ in self.items_as_text())

    def items_as_text(self) -> Iterator[tuple[str, str]]:
        """Each key (as a string) with its value, in the order given (a path given twice:
        where it came last)."""
        paths, count = self._paths, self._count
        for n, (text, value) in enumerate(zip(paths, self._values, strict=True)):
            if not self._repeats:
                last = True
            elif self._order is None:  # sorted: a path given twice, given again next
                last = n + 1 == count or paths[n + 1] != text
            else:
                last = self._place(text) == n
            if value and last:
                yield text, value


def _at(order: array[int] | None, i: int) -> int:
    """The ``i``-th place in sorted order."""
    return i if order is None else order[i]
