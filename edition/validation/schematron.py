"""ISO Schematron (XPath 1.0) with lxml; lines recovered from each failed assertion's location."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from edition.diagnostics import Diagnostic, Location, error, warning
from edition.errors import ConfigError, EditionError
from edition.tei import parse_xml
from edition.validation import schema_files

if TYPE_CHECKING:
    from lxml import isoschematron

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
#: Schematron diagnostics are ``V400-<assert id>``.
CODE = "V400"


def compiled(path: Path) -> isoschematron.Schematron:
    """The compiled Schematron, cached per process until it or a file it includes changes."""
    return _compiled(path, schema_files.stamps_of(path))


@lru_cache(maxsize=8)
def _compiled(path: Path, stamps: tuple[tuple[int, int], ...]) -> isoschematron.Schematron:
    from lxml import isoschematron  # here: 8 ms of every command's start otherwise

    try:
        return isoschematron.Schematron(
            parse_xml(path),
            store_report=True,
            error_finder=isoschematron.Schematron.ASSERTS_AND_REPORTS,
        )
    except EditionError as err:
        raise ConfigError(*err.diagnostics) from err
    except (etree.SchematronParseError, etree.XSLTParseError, etree.XSLTApplyError) as err:
        raise ConfigError(
            error(
                "C021",
                f"the Schematron cannot be used: {err}",
                Location(str(path)),
                'it must be ISO Schematron with queryBinding="xslt" (XPath 1.0)',
            )
        ) from err


def check(path: Path, tree: etree._ElementTree, shown: str, code: str = CODE) -> list[Diagnostic]:
    """Every failed assert and successful report as ``<code>-<id>``, located where it fired."""
    schematron = compiled(path)
    try:
        if schematron.validate(tree):
            return []
    except (etree.XSLTApplyError, etree.XPathError) as err:
        raise ConfigError(
            error(
                "C021",
                f"the Schematron failed on {shown}: {err}",
                Location(str(path)),
                "its rules must be XPath 1.0 (lxml runs XSLT 1.0 Schematron only)",
            )
        ) from err
    problems = []
    report = schematron.validation_report
    if report is None:
        return []
    for fired in report.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL):
        rule_id = fired.get("id") or "rule"
        text = " ".join("".join(fired.xpath("svrl:text//text()", namespaces=SVRL)).split())
        message, _, hint = text.partition(" Fix: ")
        where = Location(shown, _line(tree, fired.get("location")))
        make = warning if fired.get("role") in ("warning", "warn", "info") else error
        problems.append(make(f"{code}-{rule_id}", message, where, *([hint] if hint else [])))
    return problems


def _line(tree: etree._ElementTree, location: str | None) -> int | None:
    """The source line of the node an SVRL location XPath selects (its parent's for attributes)."""
    if not location:
        return None
    try:
        found = tree.xpath(location)
    except etree.XPathError:
        return None
    if not isinstance(found, list) or not found:
        return None
    node = found[0]
    if isinstance(node, etree._Element):
        return node.sourceline
    parent = getattr(node, "getparent", lambda: None)()
    return parent.sourceline if isinstance(parent, etree._Element) else None
