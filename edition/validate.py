"""Validation of TEI files: well-formedness, then RELAX NG, then Schematron."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree
from lxml import isoschematron

from edition.diagnostics import Diagnostic, Location, Reporter, error
from edition.errors import ConfigError, EditionError
from edition.tei import parse_xml


@lru_cache(maxsize=8)
def _relaxng(path: Path) -> etree.RelaxNG:
    try:
        return etree.RelaxNG(parse_xml(path))
    except etree.RelaxNGParseError as err:
        raise ConfigError(error("C020", f"the RELAX NG schema cannot be used: {err}", Location(str(path)))) from err


@lru_cache(maxsize=8)
def _schematron(path: Path) -> isoschematron.Schematron:
    try:
        return isoschematron.Schematron(parse_xml(path), store_report=True)
    except (etree.SchematronParseError, etree.XSLTParseError) as err:
        raise ConfigError(error("C021", f"the Schematron cannot be used: {err}", Location(str(path)))) from err


@dataclass
class Validator:
    """Checks TEI documents against one RELAX NG schema and optional Schematron."""

    schema: Path
    schematron: Path | None = None

    def check_tree(self, tree: etree._ElementTree, shown: str) -> list[Diagnostic]:
        """Every RELAX NG and Schematron problem of one parsed document."""
        problems: list[Diagnostic] = []
        rng = _relaxng(self.schema)
        if not rng.validate(tree):
            for entry in rng.error_log:
                problems.append(
                    error(
                        "V310",
                        entry.message,
                        Location(shown, entry.line or None, entry.column or None),
                    )
                )
        if self.schematron is not None and self.schematron.is_file():
            problems.extend(_schematron_problems(_schematron(self.schematron), tree, shown))
        return problems

    def check_file(self, path: Path, shown: str) -> list[Diagnostic]:
        """Parse (hardened) and check one file."""
        try:
            tree = parse_xml(path, shown)
        except EditionError as err:
            return err.diagnostics
        return self.check_tree(tree, shown)


def _schematron_problems(
    schematron: isoschematron.Schematron, tree: etree._ElementTree, shown: str
) -> list[Diagnostic]:
    if schematron.validate(tree):
        return []
    svrl = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
    problems = []
    report = schematron.validation_report
    for failed in report.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=svrl):
        rule_id = failed.get("id") or "rule"
        text = " ".join("".join(failed.xpath("svrl:text//text()", namespaces=svrl)).split())
        line = None
        location = failed.get("location")
        if location:
            try:
                found = tree.xpath(location)
                if found and isinstance(found[0], etree._Element):
                    line = found[0].sourceline
            except etree.XPathError:
                line = None
        problems.append(error(f"V400-{rule_id}", text, Location(shown, line)))
    return problems


def validate_files(
    paths: Iterable[tuple[Path, str]],
    validator: Validator,
    reporter: Reporter,
    advance: Callable[[str], None] = lambda name: None,
) -> int:
    """Check every file (path, shown path) and report all problems; returns the file count."""
    count = 0
    for path, shown in paths:
        advance(path.name)
        reporter.extend(validator.check_file(path, shown))
        count += 1
    return count
