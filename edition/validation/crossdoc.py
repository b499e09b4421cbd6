"""Checks no schema can make: across the edition's files, and on values and order within one.

Codes: V420 duplicate xml:id, V421 unresolved pointer, V422 URI scheme not allowed,
V430 invalid ISO 8601 date, V431 reversed date range, V432 document date outside the
header's range, V433 date later than the document, V440 page numbers out of order,
V450 empty apparatus element.

Checks within one file (``local_checks``, and pointers to its own ids) run on its
tree. Each file is also summed up in a small ``FileIndex``; the checks across files
(``check_across``: V420–V422) need only that index and answers about the other files
(an ``EditionIndex``: the indexes in memory, or a validation run's ``results`` on disk),
so no tree is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

from edition.diagnostics import Diagnostic, Location, error, warning
from edition.tei import TEI_NS, XML_ID, local_name

POINTER_ATTRIBUTES = ("ref", "corresp", "who", "hand", "resp", "target", "next", "prev")
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "doi", "urn", "hdl", "info"})
DATE_ATTRIBUTES = ("when", "notBefore", "notAfter", "from", "to")
#: Elements of the transcription apparatus that mean nothing when empty.
APPARATUS = frozenset({"supplied", "sic", "add", "unclear", "hi", "note", "fw", "label", "quote"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_ISO = re.compile(
    r"^(?P<year>-?\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?)?)?)?"
    r"(?:Z|[+\-]\d{2}:\d{2})?$"
)
_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m*(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.I)


@dataclass(frozen=True)
class Pointer:
    """A pointer its own file cannot settle: into another file, or already unresolvable."""

    attribute: str
    token: str
    #: The local name of the element that carries it.
    element: str
    line: int | None


@dataclass
class FileIndex:
    """What the checks across files need to know of one file (small, JSON-able)."""

    path: Path
    shown: str
    #: Every xml:id and its line.
    ids: dict[str, int | None] = field(default_factory=dict)
    #: The xml:ids outside the teiHeader, which must be unique across the edition.
    global_ids: dict[str, int | None] = field(default_factory=dict)
    #: In document order; pointers to this file's own ids that resolve are left out.
    pointers: list[Pointer] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """A plain JSON-able form (for the cache); ``from_data`` reads it back."""
        return {
            "path": str(self.path),
            "shown": self.shown,
            "ids": self.ids,
            "global_ids": self.global_ids,
            "pointers": [[p.attribute, p.token, p.element, p.line] for p in self.pointers],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FileIndex:
        """The index ``to_data`` wrote."""
        return cls(
            Path(data["path"]),
            str(data["shown"]),
            dict(data["ids"]),
            dict(data["global_ids"]),
            [Pointer(*entry) for entry in data["pointers"]],
        )


@dataclass
class Marked:
    """The elements of a tree that carry an xml:id, a pointer or a date, in document order."""

    with_id: list[etree._Element] = field(default_factory=list)
    with_pointer: list[etree._Element] = field(default_factory=list)
    with_date: list[etree._Element] = field(default_factory=list)


def marked(tree: etree._ElementTree) -> Marked:
    """The elements ``index`` and ``local_checks`` look at, found in one pass.

    A Python loop over the elements: libxml2 evaluates ``//*[@a or @b …]`` six
    times slower (the FRUS benchmark's 1,567 files: 0.22 s for the three XPaths,
    0.03 s for this).
    """
    found = Marked()
    for element in tree.iter(etree.Element):
        names = element.keys()
        if not names:
            continue
        if XML_ID in names:
            found.with_id.append(element)
        if not _POINTER_NAMES.isdisjoint(names):
            found.with_pointer.append(element)
        if not _DATE_NAMES.isdisjoint(names):
            found.with_date.append(element)
    return found


def index(
    tree: etree._ElementTree, path: Path, shown: str, elements: Marked | None = None
) -> FileIndex:
    """The ids of a parsed file, and the pointers only the other files can settle.

    ``elements``: the tree's ``marked`` elements, when they were found already.
    """
    elements = elements if elements is not None else marked(tree)
    found = FileIndex(path, shown)
    for element in elements.with_id:
        ident = element.get(XML_ID)
        if ident is not None:
            found.ids.setdefault(ident, element.sourceline)
            if next(element.iterancestors("{*}teiHeader"), None) is None:
                found.global_ids.setdefault(ident, element.sourceline)
    for element in elements.with_pointer:
        for name in POINTER_ATTRIBUTES:
            for token in (element.get(name) or "").split():
                if not _settled_here(token, found.ids):
                    found.pointers.append(
                        Pointer(name, token, local_name(element), element.sourceline)
                    )
    return found


def _settled_here(token: str, ids: Mapping[str, int | None]) -> bool:
    """Whether a pointer resolves without the other files: an allowed URI or one of ``ids``."""
    scheme = _SCHEME.match(token)
    if scheme:
        return scheme[1].lower() in ALLOWED_SCHEMES
    target, _, fragment = token.partition("#")
    return not target and fragment in ids


def local_checks(
    tree: etree._ElementTree, shown: str, elements: Marked | None = None
) -> list[Diagnostic]:
    """The value and order checks within one file: dates, page breaks, empty apparatus.

    ``elements``: the tree's ``marked`` elements, when they were found already.
    """
    dated = (elements if elements is not None else marked(tree)).with_date
    return [*_dates(dated, shown), *_pages(tree, shown), *_empty_apparatus(tree, shown)]


class EditionIndex(Protocol):
    """What the checks across files ask about the edition's files."""

    def elsewhere(self, doc: FileIndex) -> Mapping[str, Location]:
        """Where another file defines each of ``doc``'s global ids (the first by shown path)."""
        ...

    def shown(self, path: Path) -> str | None:
        """The shown path of the edition's file at ``path`` (None: not a file of the edition)."""
        ...

    def has_id(self, path: Path, ident: str) -> bool:
        """Whether the edition's file at ``path`` has the xml:id ``ident``."""
        ...


def check_across(doc: FileIndex, edition: EditionIndex) -> list[Diagnostic]:
    """The ids and pointers of one file against the rest of the edition (V420–V422)."""
    return [*_duplicate_ids(doc, edition), *_pointers(doc, edition)]


def cross_checks(
    checked: Sequence[FileIndex], edition: Mapping[Path, FileIndex]
) -> list[list[Diagnostic]]:
    """Ids and pointers of each of ``checked`` against ``edition`` (every file by path)."""
    in_memory = _InMemory(edition)
    return [check_across(doc, in_memory) for doc in checked]


class _InMemory:
    """The ``EditionIndex`` of indexes held in memory."""

    def __init__(self, edition: Mapping[Path, FileIndex]) -> None:
        self.edition = edition
        self.owners: dict[str, list[FileIndex]] = {}
        for doc in sorted(edition.values(), key=lambda d: d.shown):
            for ident in doc.global_ids:
                self.owners.setdefault(ident, []).append(doc)

    def elsewhere(self, doc: FileIndex) -> dict[str, Location]:
        found: dict[str, Location] = {}
        for ident in doc.global_ids:
            other = next((d for d in self.owners.get(ident, []) if d.path != doc.path), None)
            if other is not None:
                found[ident] = Location(other.shown, other.global_ids[ident])
        return found

    def shown(self, path: Path) -> str | None:
        other = self.edition.get(path)
        return other.shown if other is not None else None

    def has_id(self, path: Path, ident: str) -> bool:
        other = self.edition.get(path)
        return other is not None and ident in other.ids


@dataclass
class Document:
    """One parsed file of the edition, held in memory with its index."""

    path: Path
    shown: str
    tree: etree._ElementTree
    index: FileIndex = field(init=False)

    def __post_init__(self) -> None:
        self.index = index(self.tree, self.path, self.shown)


def check(checked: list[Document], edition: Mapping[Path, Document]) -> dict[str, list[Diagnostic]]:
    """All cross-document and value checks on ``checked``; ``edition`` is every file by path."""
    indexes = {path: doc.index for path, doc in edition.items()}
    results: dict[str, list[Diagnostic]] = {doc.shown: [] for doc in checked}
    across = cross_checks([doc.index for doc in checked], indexes)
    for doc, found in zip(checked, across, strict=True):
        results[doc.shown].extend([*found, *local_checks(doc.tree, doc.shown)])
    return results


_POINTER_NAMES = frozenset(POINTER_ATTRIBUTES)
_DATE_NAMES = frozenset(DATE_ATTRIBUTES)
_APPARATUS_TAGS = tuple(f"{{{TEI_NS}}}{name}" for name in sorted(APPARATUS))


def _at(shown: str, element: etree._Element) -> Location:
    return Location(shown, element.sourceline)


def _duplicate_ids(doc: FileIndex, edition: EditionIndex) -> Iterator[Diagnostic]:
    """xml:ids of texts, documents and register entries are unique across files.

    Header ids (``#translator``, ``#hand-1``) are local to their document by
    the encoding contract, and duplicates within one file are the schema's job.
    """
    elsewhere = edition.elsewhere(doc)
    for ident, line in doc.global_ids.items():
        if ident in elsewhere:
            yield error(
                "V420",
                f'xml:id "{ident}" is also used in {elsewhere[ident]}',
                Location(doc.shown, line),
                "xml:ids must be unique across the edition: rename one of them "
                "and update the pointers to it",
            )


def _pointers(doc: FileIndex, edition: EditionIndex) -> Iterator[Diagnostic]:
    """Every pointer names an id of this file, a file of the edition, or an allowed URI."""
    for pointer in doc.pointers:
        problem = _resolve(pointer.token, doc, edition)
        if problem is not None:
            code, reason, hint = problem
            where = f'@{pointer.attribute}="{pointer.token}" on <{pointer.element}>'
            yield error(code, f"{where}: {reason}", Location(doc.shown, pointer.line), hint)


def _resolve(token: str, doc: FileIndex, edition: EditionIndex) -> tuple[str, str, str] | None:
    """None when the pointer resolves, else (code, reason, hint)."""
    scheme = _SCHEME.match(token)
    if scheme:
        if scheme[1].lower() in ALLOWED_SCHEMES:
            return None
        allowed = ", ".join(sorted(ALLOWED_SCHEMES))
        return (
            "V422",
            f'the URI scheme "{scheme[1]}" is not allowed',
            f'use {allowed}, or a pointer into the edition ("register.xml#pers-x", "#id")',
        )
    target, _, fragment = token.partition("#")
    if not target:
        if fragment in doc.ids:
            return None
        return (
            "V421",
            f'no xml:id "{fragment}" in this file',
            f'add xml:id="{fragment}" to the element meant, or correct the pointer',
        )
    path = (doc.path.parent / target).resolve()
    other = edition.shown(path)
    if other is None:
        return (
            "V421",
            f'"{target}" is not a file of the edition',
            "point into the register (register.xml#pers-x) or to another document of the edition",
        )
    if fragment and not edition.has_id(path, fragment):
        return (
            "V421",
            f'no xml:id "{fragment}" in {other}',
            f"add the entry to {other}, or correct the pointer",
        )
    return None


def iso_interval(value: str) -> tuple[dt.date, dt.date] | None:
    """First and last day an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD, dateTime) covers."""
    match = _ISO.match(value)
    if match is None:
        return None
    year = int(match["year"])
    if not 1 <= year <= 9999:
        return None
    try:
        if match["day"]:
            if match["hour"] and (
                int(match["hour"]) > 24
                or int(match["minute"]) > 59
                or int(match["second"] or 0) > 59
            ):
                return None
            day = dt.date(year, int(match["month"]), int(match["day"]))
            return day, day
        if match["month"]:
            first = dt.date(year, int(match["month"]), 1)
            following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, following - dt.timedelta(days=1)
    except ValueError:
        return None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _dates(dated: list[etree._Element], shown: str) -> Iterator[Diagnostic]:
    """Dates are real ISO 8601 dates, ranges run forwards, and they fit the document's own date."""
    spans: dict[etree._Element, tuple[dt.date, dt.date]] = {}
    for element in dated:
        values: dict[str, tuple[dt.date, dt.date]] = {}
        for name in DATE_ATTRIBUTES:
            value = element.get(name)
            if value is None:
                continue
            interval = iso_interval(value)
            if interval is None:
                yield error(
                    "V430",
                    f'@{name}="{value}" is not a valid ISO 8601 date',
                    _at(shown, element),
                    "write YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)",
                )
            else:
                values[name] = interval
        for low, high in (("from", "to"), ("notBefore", "notAfter")):
            if low in values and high in values and values[low][0] > values[high][1]:
                yield error(
                    "V431",
                    f'@{low}="{element.get(low)}" is after @{high}="{element.get(high)}"',
                    _at(shown, element),
                    "swap the two values or correct one of them",
                )
        if values:
            spans[element] = (
                min(v[0] for v in values.values()),
                max(v[1] for v in values.values()),
            )
    header = [span for el, span in spans.items() if _in_header_date(el)]
    if not header:
        return
    start, end = min(s[0] for s in header), max(s[1] for s in header)
    for element, (first, last) in spans.items():
        if not _in(element, "text"):
            continue
        if _in(element, "closer") or _in(element, "note"):
            continue  # signing and registry dates, editorial comment: later dates are normal
        if _in(element, "dateline"):
            if last < start or first > end:
                yield error(
                    "V432",
                    f"the document's date {_describe(element)} is outside the range "
                    f"{_span(start, end)} its header gives",
                    _at(shown, element),
                    "correct the date here or the date in sourceDesc/correspDesc",
                )
        elif first > end:
            yield warning(
                "V433",
                f"date {_describe(element)} is later than the document ({_span(start, end)})",
                _at(shown, element),
                "check the date; a document rarely mentions a later date",
            )


def _in_header_date(element: etree._Element) -> bool:
    return local_name(element) == "date" and (
        _in(element, "sourceDesc") or _in(element, "correspDesc")
    )


def _in(element: etree._Element, name: str) -> bool:
    return any(local_name(a) == name for a in element.iterancestors())


def _describe(element: etree._Element) -> str:
    return " ".join(
        f'@{name}="{element.get(name)}"' for name in DATE_ATTRIBUTES if element.get(name)
    )


def _span(first: dt.date, last: dt.date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}–{last.isoformat()}"


def _page_number(value: str) -> tuple[str, int] | None:
    if value.isdigit():
        return "arabic", int(value)
    if _ROMAN.match(value):
        numerals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
        digits = [numerals[c] for c in value.lower()]
        total = sum(
            -d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits)
        )
        return "roman", total
    return None


def _pages(tree: etree._ElementTree, shown: str) -> Iterator[Diagnostic]:
    """Numbered page breaks (arabic or roman) increase through the document.

    Each ``div[@type='section']`` (a telegram's section) has its own pagination.
    """
    last: dict[tuple[etree._Element | None, str], tuple[int, str, int | None]] = {}
    for pb in tree.iter(f"{{{TEI_NS}}}pb"):
        section = next(
            (a for a in pb.iterancestors(f"{{{TEI_NS}}}div") if a.get("type") == "section"), None
        )
        value = pb.get("n") or ""
        number = _page_number(value)
        if number is None:
            continue
        kind, n = number
        key = (section, kind)
        if key in last and n <= last[key][0]:
            before = last[key]
            yield error(
                "V440",
                f'page break n="{value}" comes after n="{before[1]}" '
                f"(line {before[2]}): page numbers must increase",
                _at(shown, pb),
                "correct the @n values or move the page break",
            )
        last[key] = (n, value, pb.sourceline)


def _empty_apparatus(tree: etree._ElementTree, shown: str) -> Iterator[Diagnostic]:
    """Apparatus elements hold something: an empty one is a leftover."""
    for element in tree.iter(*_APPARATUS_TAGS):  # in document order
        name = local_name(element)
        if len(element) == 0 and not (element.text or "").strip():
            yield error(
                "V450",
                f"empty <{name}>",
                _at(shown, element),
                f"put the text it marks inside it, or remove the <{name}> element",
            )
