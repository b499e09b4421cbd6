"""The "deposit-ready" Schematron rules (``tei/schema/deposit.sch``) as located diagnostics.

Each failed assertion becomes ``V450-<assert id>``: an error for
``edition validate --deposit``, a warning when ``edition deposit`` packs
documents that are not yet complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from lxml import etree, isoschematron

from edition.diagnostics import Diagnostic, Location, Reporter, Severity
from edition.errors import ConfigError
from edition.project import Project, bundled
from edition.tei import parse_xml

RULES_NAME = "deposit.sch"
CODE = "V450"
_SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


def rules_path(project: Project) -> Path:
    """The project's ``deposit.sch`` beside its Schematron, else the bundled one."""
    own = project.schematron_path.parent / RULES_NAME
    return own if own.is_file() else bundled("schema") / RULES_NAME


@lru_cache(maxsize=4)
def _compiled(path: Path) -> isoschematron.Schematron:
    try:
        return isoschematron.Schematron(parse_xml(path), store_report=True)
    except (etree.SchematronParseError, etree.XSLTParseError) as err:
        raise ConfigError(
            Diagnostic("C022", f"the deposit rules cannot be used: {err}", Location(str(path)))
        ) from err


def deposit_problems(
    tree: etree._ElementTree, shown: str, rules: Path, severity: Severity = Severity.ERROR
) -> list[Diagnostic]:
    """Every deposit-ready rule ``tree`` breaks, located at the element concerned."""
    schematron = _compiled(rules)
    if schematron.validate(tree):
        return []
    report = schematron.validation_report
    found = report.xpath("//svrl:failed-assert", namespaces=_SVRL) if report is not None else []
    problems = []
    for failed in found if isinstance(found, list) else []:
        if not isinstance(failed, etree._Element):
            continue
        rule_id = failed.get("id") or "rule"
        text = " ".join("".join(failed.xpath("svrl:text//text()", namespaces=_SVRL)).split())
        problems.append(
            Diagnostic(
                f"{CODE}-{rule_id}",
                text,
                Location(shown, _line(tree, failed.get("location"))),
                severity,
                ("see docs/encoding.md (Header) for where the field goes",),
            )
        )
    return problems


def _line(tree: etree._ElementTree, location: str | None) -> int | None:
    """The source line of the element an SVRL location XPath points at."""
    if not location:
        return None
    try:
        found = tree.xpath(location)
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0].sourceline
    return None


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
    from edition.errors import EditionError

    count = 0
    for path, shown in paths:
        try:
            tree = parse_xml(path, shown)
        except EditionError as err:
            reporter.extend(err.diagnostics)
            continue
        reporter.extend(deposit_problems(tree, shown, rules, severity))
        count += 1
    return count
