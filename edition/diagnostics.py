"""Located problems (``Diagnostic``) and the ``Reporter`` that collects them.

One line per diagnostic, paths relative to the project root, 1-based lines
and columns::

    sources/letter-01.md:12:7: error[S103]: unclosed supplied text "[abc"
      hint: close it with "]" or escape the bracket as "\\["
"""

from __future__ import annotations

import enum
import json
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import orjson


class Severity(enum.IntEnum):
    """How bad a diagnostic is; errors stop the build."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """Where a problem is: a path (relative to the project) with optional line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: a stable code, a severity, a message and how to fix it."""

    code: str
    message: str
    location: Location | None = None
    severity: Severity = Severity.ERROR
    hints: tuple[str, ...] = ()

    def render(self) -> str:
        """Render as the one-line text format, followed by indented hints."""
        prefix = f"{self.location}: " if self.location else ""
        lines = [f"{prefix}{self.severity}[{self.code}]: {self.message}"]
        lines.extend(f"  hint: {hint}" for hint in self.hints)
        return "\n".join(lines)

    def as_json(self) -> str:
        """Render as one JSON line."""
        loc = self.location
        return json.dumps(
            {
                "code": self.code,
                "severity": str(self.severity),
                "message": self.message,
                "path": loc.path if loc else None,
                "line": loc.line if loc else None,
                "column": loc.column if loc else None,
                "hints": list(self.hints),
            },
            ensure_ascii=False,
        )

    def to_data(self) -> list[object]:
        """A plain JSON-able form (for the build cache); ``from_data`` reads it back."""
        loc = self.location
        where = [loc.path, loc.line, loc.column] if loc else None
        return [self.code, self.message, where, int(self.severity), list(self.hints)]

    @classmethod
    def from_data(cls, data: list[object]) -> Diagnostic:
        """The diagnostic ``to_data`` wrote."""
        code, message, where, severity, hints = data
        location = Location(*where) if isinstance(where, list) else None
        level = _SEVERITY_OF.get(severity) if type(severity) is int else None
        if level is None:
            level = Severity(severity)  # type: ignore[arg-type]  # (raises when damaged)
        return cls(str(code), str(message), location, level, tuple(hints))  # type: ignore[arg-type]


def error(code: str, message: str, location: Location | None = None, *hints: str) -> Diagnostic:
    """Shorthand for an error diagnostic."""
    return Diagnostic(code, message, location, Severity.ERROR, tuple(hints))


def warning(code: str, message: str, location: Location | None = None, *hints: str) -> Diagnostic:
    """Shorthand for a warning diagnostic."""
    return Diagnostic(code, message, location, Severity.WARNING, tuple(hints))


def info(code: str, message: str, location: Location | None = None, *hints: str) -> Diagnostic:
    """Shorthand for an informational diagnostic."""
    return Diagnostic(code, message, location, Severity.INFO, tuple(hints))


#: The severities by value (``Severity(n)`` costs a call through the enum's machinery).
_SEVERITY_OF = {int(severity): severity for severity in Severity}
#: Bytes of a spool file read at a time.
_BLOCK = 1 << 20


def _blocks(spool: IO[bytes]) -> Iterator[bytes]:
    """The lines written to a spool file so far, in blocks of whole lines.

    It is read by position, and left at its end between two blocks: whoever reads
    may report more meanwhile, which is not read (it was written after the start).
    """
    end = spool.tell()
    spool.flush()
    position = 0
    while position < end:
        spool.seek(position)
        block = spool.read(min(_BLOCK, end - position))
        cut = block.rfind(b"\n") + 1 if position + len(block) < end else len(block)
        if cut == 0:  # a line longer than a block: read on to its end
            block += spool.readline()
            cut = len(block)
        position += cut
        spool.seek(0, 2)
        yield block[:cut]


def relative_path(path: Path, root: Path) -> str:
    """Show ``path`` relative to ``root`` when it lies inside it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


class Reporter:
    """Collects diagnostics from every stage; ``--ignore`` and ``--strict`` apply here.

    The first ``HELD`` diagnostics are kept in memory; later ones go to a temporary
    file, so that a run over a very large edition with many problems does not
    grow with them. Iteration gives them all, in the order they were reported.
    """

    #: Diagnostics held in memory before the rest are spooled to a temporary file.
    HELD = 10_000

    def __init__(
        self,
        ignore: frozenset[str] = frozenset(),
        strict: bool = False,
        diagnostics: Iterable[Diagnostic] = (),
        *,
        spooled: bool = False,
    ) -> None:
        """``spooled``: none held, every diagnostic to the file (diagnostics gathered to be
        ``absorb``ed: copied there as they are)."""
        self.ignore, self.strict = ignore, strict
        self._held: list[Diagnostic] = []
        self._held_at_most = 0 if spooled else self.HELD
        self._spool: IO[bytes] | None = None
        #: Diagnostics recorded per severity, kept as they come: ``has_errors`` is asked often.
        self._counts: Counter[Severity] = Counter()
        for diagnostic in diagnostics:
            self._keep(diagnostic)

    def report(self, diagnostic: Diagnostic) -> None:
        """Record one diagnostic unless its code is ignored."""
        if diagnostic.code in self.ignore:
            return
        if self.strict and diagnostic.severity is Severity.WARNING:
            diagnostic = Diagnostic(
                diagnostic.code,
                diagnostic.message,
                diagnostic.location,
                Severity.ERROR,
                diagnostic.hints,
            )
        self._keep(diagnostic)

    def _keep(self, diagnostic: Diagnostic) -> None:
        self._counts[diagnostic.severity] += 1
        if self._spool is None and len(self._held) < self._held_at_most:  # once spooling, always
            self._held.append(diagnostic)
            return
        if self._spool is None:
            self._spool = tempfile.TemporaryFile(prefix="edition-diagnostics-")  # noqa: SIM115
            weakref.finalize(self, self._spool.close)  # the file lives as long as the reporter
        self._spool.write(orjson.dumps(diagnostic.to_data()) + b"\n")

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Record several diagnostics."""
        for diagnostic in diagnostics:
            self.report(diagnostic)

    def extend_data(self, items: Iterable[list[object]]) -> None:
        """Record diagnostics given as ``Diagnostic.to_data`` gives them (a cache's): once
        this reporter spools, they are written to the spool as they are, not decoded."""
        for data in items:
            severity = (
                _SEVERITY_OF.get(data[3])
                if type(data) is list
                and len(data) == 5
                and type(data[3]) is int
                and (data[2] is None or (type(data[2]) is list and len(data[2]) == 3))
                else None
            )
            if self._spool is None or severity is None or self.strict or data[0] in self.ignore:
                self.report(Diagnostic.from_data(data))  # (a damaged one raises there)
                continue
            self._counts[severity] += 1
            self._spool.write(orjson.dumps(data) + b"\n")

    def absorb(self, other: Reporter) -> None:
        """Record every diagnostic of ``other``, which has this one's ``ignore`` and ``strict``
        (they apply there already): its spooled ones are copied as they are, not decoded."""
        if (other.ignore, other.strict) != (self.ignore, self.strict):
            raise ValueError("a reporter can only absorb one with the same settings")
        for diagnostic in other._held:
            self._keep(diagnostic)
        if other._spool is None:
            return
        self._counts.update(other._counts - Counter(d.severity for d in other._held))
        if self._spool is None:
            self._spool = tempfile.TemporaryFile(prefix="edition-diagnostics-")  # noqa: SIM115
            weakref.finalize(self, self._spool.close)
        for block in _blocks(other._spool):
            self._spool.write(block)

    def __iter__(self) -> Iterator[Diagnostic]:
        yield from self._held
        if self._spool is None:
            return
        for block in _blocks(self._spool):
            for line in block.splitlines():
                yield Diagnostic.from_data(orjson.loads(line))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic recorded, as a list (read back from the spool file if need be)."""
        return list(self)

    def count(self, severity: Severity) -> int:
        """How many diagnostics of this severity were recorded."""
        return self._counts[severity]

    @property
    def has_errors(self) -> bool:
        """True when any error was recorded: the stage must stop."""
        return self.count(Severity.ERROR) > 0

    def codes(self) -> Counter[str]:
        """How often each code was reported."""
        return Counter(d.code for d in self)

    def lines(self, fmt: str = "text") -> Iterator[str]:
        """Each diagnostic as text (with its hints) or as a JSON line, one at a time."""
        for diagnostic in self:
            yield diagnostic.as_json() if fmt == "json" else diagnostic.render()

    def render(self, fmt: str = "text") -> str:
        """All diagnostics as text lines or JSON lines."""
        return "\n".join(self.lines(fmt))
