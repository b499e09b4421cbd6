"""The "deposit-ready" Schematron rules (``tei/schema/deposit.sch``) as located diagnostics.

Each failed assertion becomes ``V450-<assert id>``: an error for
``edition validate --deposit``, a warning when ``edition deposit`` packs
documents that are not yet complete.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from edition.diagnostics import Diagnostic, Reporter, Severity
from edition.errors import EditionError
from edition.project import Project, bundled
from edition.tei import parse_xml
from edition.validation import schematron

RULES_NAME = "deposit.sch"
CODE = "V450"


def rules_path(project: Project) -> Path:
    """The project's ``deposit.sch`` beside its Schematron, else the bundled one."""
    own = project.schematron_path.parent / RULES_NAME
    return own if own.is_file() else bundled("schema") / RULES_NAME


def deposit_problems(
    tree: etree._ElementTree, shown: str, rules: Path, severity: Severity = Severity.ERROR
) -> list[Diagnostic]:
    """Every deposit-ready rule ``tree`` breaks, located at the element concerned."""
    return [
        Diagnostic(
            problem.code,
            problem.message,
            problem.location,
            severity,
            problem.hints or ("see docs/encoding.md (Header) for where the field goes",),
        )
        for problem in schematron.check(rules, tree, shown, code=CODE)
    ]


def check_deposit_ready(
    documents: Iterable[tuple[etree._ElementTree, str]],
    rules: Path,
    reporter: Reporter,
    severity: Severity = Severity.ERROR,
) -> int:
    """Report the deposit-ready problems of each (tree, shown path); returns the count checked."""
    count = 0
    for tree, shown in documents:
        reporter.extend(deposit_problems(tree, shown, rules, severity))
        count += 1
    return count


def check_files(
    paths: Iterable[tuple[Path, str]],
    rules: Path,
    reporter: Reporter,
    severity: Severity = Severity.ERROR,
) -> int:
    """Parse (hardened) and check files; parse errors are reported, not raised."""
    return check_deposit_ready(_parsed(paths, reporter), rules, reporter, severity)


def _parsed(
    paths: Iterable[tuple[Path, str]], reporter: Reporter
) -> Iterator[tuple[etree._ElementTree, str]]:
    for path, shown in paths:
        try:
            yield parse_xml(path, shown), shown
        except EditionError as err:
            reporter.extend(err.diagnostics)
