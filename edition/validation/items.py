"""The files of a validation run, packed: a few bytes a file for the whole run."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from edition.packed import Hasher, Indexed, PackedPaths, PackedStrings
from edition.validation.jobs import JING, LXML, LXML_IF_DOCTYPE, NONE, CheckItem

#: ``CheckItem.relaxng`` as stored: its place in this tuple.
_ENGINES = (LXML, JING, LXML_IF_DOCTYPE, NONE)


class CheckItems(Indexed[CheckItem]):
    """``CheckItem``s held as columns; an item is made when it is read.

    Only an item's engine (``relaxng``) can be set again (``__setitem__``): its path,
    shown path and ``index_only`` stay as appended.
    """

    __slots__ = ("_engines", "_index_only", "_paths", "_shown")

    def __init__(self) -> None:
        self._paths, self._shown = PackedPaths(), PackedStrings()
        self._engines, self._index_only = bytearray(), bytearray()

    def append(self, item: CheckItem) -> None:
        self.add(str(item.path), item.shown, item.relaxng, item.index_only)

    def add(self, path: str, shown: str, relaxng: str = LXML, index_only: bool = False) -> None:
        """Append an item given as strings (no ``CheckItem`` made)."""
        self._paths.append(path)
        self._shown.append(shown)
        self._engines.append(_ENGINES.index(relaxng))
        self._index_only.append(index_only)

    def add_folder(self, folder: str, names: PackedStrings, shown_folder: str) -> None:
        """Append a folder's files at once: each ``folder + name``, shown as ``shown_folder +
        name``, with ``add``'s defaults (``folder`` ends with its separator)."""
        self._paths.extend_folder(folder, names)
        self._shown.extend_prefixed(shown_folder, names)
        self._engines += bytes((_LXML,)) * len(names)
        self._index_only += bytes(len(names))

    def __len__(self) -> int:
        return len(self._engines)

    def item(self, n: int) -> CheckItem:
        engine = _ENGINES[self._engines[n]]
        return CheckItem(Path(self._paths[n]), self._shown[n], engine, bool(self._index_only[n]))

    def __setitem__(self, n: int, item: CheckItem) -> None:
        """Set the ``n``-th file's engine (the item must be that file's)."""
        self.set_engine(n, item.relaxng)

    def set_engine(self, n: int, relaxng: str) -> None:
        """Set who does the ``n``-th file's RELAX NG (``CheckItem.relaxng``)."""
        self._engines[n] = _ENGINES.index(relaxng)

    def row(self, n: int) -> tuple[str, str, str, bool]:
        """The ``n``-th item as strings: its path, shown path, engine and ``index_only``."""
        engine = _ENGINES[self._engines[n]]
        return self._paths[n], self._shown[n], engine, bool(self._index_only[n])

    def listed(self, n: int) -> tuple[str, str, bool]:
        """The ``n``-th file's path (a string), shown path and ``index_only``, without an
        item (making its ``Path`` costs more than the rest of what a run does per file)."""
        return self._paths[n], self._shown[n], bool(self._index_only[n])

    def path_text(self, n: int) -> str:
        return self._paths[n]

    def shown(self, n: int) -> str:
        return self._shown[n]

    def index_only(self, n: int) -> bool:
        return bool(self._index_only[n])

    def columns(self) -> Iterator[tuple[str, str, bool]]:
        """Each file's path (a string), shown path and ``index_only``, without items."""
        return zip(self._paths, self._shown, map(bool, self._index_only), strict=True)

    def path_texts(self) -> Iterator[str]:
        return iter(self._paths)

    def paths_column(self) -> PackedPaths:
        """The paths (as strings), in order: a ``PackedMap`` can be made over them."""
        return self._paths

    def hash_into(self, hasher: Hasher) -> None:
        """Feed what a run's files are to ``hasher``: each one's path, shown path and
        ``index_only``, in order (not the engines: a file's content decides those)."""
        self._paths.hash_into(hasher)
        self._shown.hash_into(hasher)
        hasher.update(self._index_only)

    def sorted_and_unique(self) -> bool:
        """Whether the paths, and the shown paths, came in order, none twice (then no
        file and no shown path comes twice, known without a set of them)."""
        paths, shown = self._paths, self._shown
        return paths.ascending and not paths.repeats and shown.ascending and not shown.repeats

    def shown_by_jing(self) -> Sequence[str]:
        """Each file's shown path if jing checks it, else ``''``."""
        return _ShownByJing(self)

    def shown_paths(self) -> Sequence[str]:
        """The shown paths, in order."""
        return self._shown


class _ShownByJing(Indexed[str]):
    __slots__ = ("_items",)

    def __init__(self, items: CheckItems) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def item(self, n: int) -> str:
        items = self._items
        return items._shown[n] if items._engines[n] == _JING else ""

    def __iter__(self) -> Iterator[str]:
        items = self._items
        for shown, engine in zip(items._shown, items._engines, strict=True):
            yield shown if engine == _JING else ""


_JING, _LXML = _ENGINES.index(JING), _ENGINES.index(LXML)
