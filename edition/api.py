"""The operations behind the command line, usable from Python."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from edition.deposit import DepositResult, check_deposit, write_deposit
from edition.diagnostics import Reporter
from edition.importer import ImportOutcome, import_sources
from edition.project import Project
from edition.site.builder import BuildResult, build_site
from edition.validate import Validator, validate_files

Advance = Callable[[str], None]


def _noop(name: str) -> None:
    pass


def convert(
    project: Project,
    sources: Sequence[Path] | None = None,
    reporter: Reporter | None = None,
    *,
    profile: str | None = None,
    force: bool = False,
    advance: Advance = _noop,
) -> list[ImportOutcome]:
    """Import transcriptions (default: every file in the sources folder) into TEI."""
    reporter = reporter if reporter is not None else Reporter()
    files = list(sources) if sources else project.source_files()
    return import_sources(project, files, reporter, profile=profile, force=force, advance=advance)


def validate(
    project: Project,
    paths: Sequence[Path] | None = None,
    reporter: Reporter | None = None,
    *,
    schema: Path | None = None,
    schematron: Path | None = None,
    advance: Advance = _noop,
) -> int:
    """Validate TEI files (default: the edition's documents); returns how many were checked."""
    reporter = reporter if reporter is not None else Reporter()
    files = list(paths) if paths else project.tei_files()
    validator = Validator(
        schema or project.schema_path,
        schematron if schematron is not None else (None if schema else project.schematron_path),
    )
    return validate_files(((p, project.shown(p)) for p in files), validator, reporter, advance)


def build(
    project: Project,
    reporter: Reporter | None = None,
    *,
    check: bool = True,
    advance: Advance = _noop,
) -> BuildResult | None:
    """Validate (unless ``check`` is false) and build the site; ``None`` when refused."""
    reporter = reporter if reporter is not None else Reporter()
    if check:
        validate(project, reporter=reporter, advance=advance)
        if reporter.has_errors:
            return None
    return build_site(project, reporter, validated=check, advance=advance)


def deposit(
    project: Project,
    reporter: Reporter | None = None,
    *,
    output: Path | None = None,
    include_site: bool = False,
    check: Path | None = None,
    advance: Advance = _noop,
) -> DepositResult | None:
    """Write the BagIt deposit (zip or folder) and validate it; ``None`` when refused or invalid.

    With ``check``, validate that existing bag instead and write nothing.
    """
    reporter = reporter if reporter is not None else Reporter()
    if check is not None:
        valid = check_deposit(check, project.shown(check), reporter)
        return DepositResult(check, zipped=check.suffix.lower() == ".zip") if valid else None
    validate(project, reporter=reporter, advance=advance)
    if reporter.has_errors:
        return None
    site = None
    if include_site:
        built = build_site(project, reporter, validated=True, advance=advance)
        if built.failed or reporter.has_errors:
            return None
        site = project.site_dir
    return write_deposit(project, reporter, output, site)
