"""The work on one file of a validation run, as a function worker processes can run.

``check_file`` parses one file, checks it (lxml RELAX NG when jing does not have
it, Schematron, the checks within one file) and sums it up in a ``FileIndex``.
The tree dies with the call; the result is plain data that pickles and caches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from edition.diagnostics import Diagnostic
from edition.errors import EditionError
from edition.tei import parse_xml
from edition.validation import crossdoc, relaxng, schematron

#: ``CheckItem.relaxng``: lxml checks it; jing has it; lxml only if it has a DOCTYPE
#: (else it is left to a later jing run); no RELAX NG at all (only the index is wanted).
LXML, JING, LXML_IF_DOCTYPE, NONE = "lxml", "jing", "lxml-if-doctype", "none"


@dataclass(frozen=True)
class CheckSettings:
    """What every file of a run is checked against (sent to each worker once)."""

    schema: Path
    schematron: Path | None
    cross_checks: bool
    schema_hints: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One file to check: resolved path, shown path, and who does its RELAX NG."""

    path: Path
    shown: str
    relaxng: str = LXML
    #: Only the index: a file pointers may lead to, which this run does not report on.
    index_only: bool = False


@dataclass
class FileCheck:
    """The result of one file, before the checks across files."""

    shown: str
    #: Parse errors, or the RELAX NG and Schematron diagnostics.
    problems: list[Diagnostic] = field(default_factory=list)
    #: The checks within the file (dates, pages, empty apparatus), reported after those
    #: across files.
    local: list[Diagnostic] = field(default_factory=list)
    #: None when the file does not parse, or without cross-document checks.
    index: crossdoc.FileIndex | None = None
    parsed: bool = False
    #: Parsed without a DOCTYPE but not yet given to jing (``LXML_IF_DOCTYPE``).
    for_jing: bool = False

    def to_data(self) -> dict[str, Any]:
        """A plain JSON-able form (for the cache); ``from_data`` reads it back."""
        return {
            "shown": self.shown,
            "problems": [d.to_data() for d in self.problems],
            "local": [d.to_data() for d in self.local],
            "index": self.index.to_data() if self.index is not None else None,
            "parsed": self.parsed,
        }

    def stored(self) -> StoredCheck:
        """The result as a run stores it (``StoredCheck``)."""
        return StoredCheck.of(self.to_data(), for_jing=self.for_jing)

    @staticmethod
    def readable(data: object) -> bool:
        """Whether ``data`` has the shape ``to_data`` gives (a damaged cache entry: no)."""
        if not isinstance(data, dict) or data.keys() != _RESULT_FIELDS:
            return False
        index, problems, local = data["index"], data["problems"], data["local"]
        return (
            isinstance(data["shown"], str)
            and isinstance(problems, list)
            and isinstance(local, list)
            and all(isinstance(d, list) and len(d) == _DIAGNOSTIC_FIELDS for d in problems + local)
            and (index is None or _readable_index(index))
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FileCheck:
        """The result ``to_data`` wrote."""
        index = data["index"]
        return cls(
            str(data["shown"]),
            [Diagnostic.from_data(d) for d in data["problems"]],
            [Diagnostic.from_data(d) for d in data["local"]],
            crossdoc.FileIndex.from_data(index) if index is not None else None,
            bool(data["parsed"]),
        )


@dataclass(frozen=True, slots=True, weakref_slot=True)
class StoredCheck:
    """A file's result as a run stores it (``check_file_stored``): encoded in the worker,
    so that the client neither decodes objects it would only encode again."""

    #: ``FileCheck.to_data`` in JSON.
    data: bytes
    parsed: bool
    for_jing: bool
    #: Whether it has an index (``FileCheck.index``), and that index's global ids.
    indexed: bool
    global_ids: dict[str, int | None]

    @classmethod
    def of(
        cls, data: dict[str, Any], *, for_jing: bool = False, encoded: bytes | None = None
    ) -> StoredCheck:
        """A result given as ``FileCheck.to_data`` makes it, encoded (``encoded``: ``data``
        in JSON already, as the cache holds it: not encoded again)."""
        index = data["index"]
        global_ids = index["global_ids"] if index is not None else {}
        json = encoded if encoded is not None else orjson.dumps(data)
        return cls(json, bool(data["parsed"]), for_jing, index is not None, global_ids)


_RESULT_FIELDS = {"shown", "problems", "local", "index", "parsed"}
_INDEX_FIELDS = {"path", "shown", "ids", "global_ids", "pointers"}
_DIAGNOSTIC_FIELDS = 5  # code, message, location, severity, hints (``Diagnostic.to_data``)
_POINTER_FIELDS = 4  # attribute, token, element, line (``FileIndex.to_data``)


def _readable_index(index: object) -> bool:
    return (
        isinstance(index, dict)
        and index.keys() == _INDEX_FIELDS
        and all(isinstance(index[name], dict) for name in ("ids", "global_ids"))
        and isinstance(index["pointers"], list)
        and all(isinstance(p, list) and len(p) == _POINTER_FIELDS for p in index["pointers"])
    )


def check_file_stored(settings: CheckSettings, listed: tuple[str, str, str, bool]) -> StoredCheck:
    """``check_file`` of an item given as strings (``CheckItems.row``: its ``Path`` is made
    here, in the worker), its result encoded as a run stores it."""
    path, shown, relaxng, index_only = listed
    return check_file(settings, CheckItem(Path(path), shown, relaxng, index_only)).stored()


def check_file(settings: CheckSettings, item: CheckItem) -> FileCheck:
    """Parse one file and run every check that needs only this file."""
    try:
        tree = parse_xml(item.path, item.shown)
    except EditionError as err:
        return FileCheck(item.shown, [] if item.index_only else err.diagnostics)
    result = FileCheck(item.shown, parsed=True)
    elements = crossdoc.marked(tree) if settings.cross_checks else None
    if elements is not None:
        result.index = crossdoc.index(tree, item.path, item.shown, elements)
    if item.index_only:
        return result
    # A DOCTYPE goes to lxml: jing would fetch and expand the DTD.
    doctype = bool(tree.docinfo.doctype)
    if item.relaxng == LXML or (item.relaxng == LXML_IF_DOCTYPE and doctype):
        hints = settings.schema_hints
        result.problems.extend(relaxng.check(settings.schema, tree, item.shown, *hints))
    result.for_jing = item.relaxng == LXML_IF_DOCTYPE and not doctype
    if settings.schematron is not None:
        result.problems.extend(schematron.check(settings.schematron, tree, item.shown))
    if elements is not None:
        result.local = crossdoc.local_checks(tree, item.shown, elements)
    return result
