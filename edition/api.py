"""The operations behind the command line, usable from Python."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from edition.cache import Cache
from edition.diagnostics import Reporter, relative_path
from edition.executors import Executor
from edition.packed import FileList, Indexed
from edition.project import Project, refuse_undecodable
from edition.site.builder import BuildResult, build_site
from edition.validation import Run, Settings, Summary, start
from edition.validation.runner import FolderFiles

if TYPE_CHECKING:  # imported where used: a rebuild need not load the importer's libraries
    from edition.deposit.package import DepositResult
    from edition.importer import ImportOutcome

Advance = Callable[[str], None]

#: Shown with RELAX NG errors against the edition's own schema.
SCHEMA_HINT = "docs/encoding.md lists what the edition's schema allows, and where"


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
    from edition.importer import import_sources

    reporter = reporter if reporter is not None else Reporter()
    files = list(sources) if sources else project.source_files()
    return import_sources(project, files, reporter, profile=profile, force=force, advance=advance)


def validate(
    project: Project | None,
    paths: Sequence[Path] | None = None,
    reporter: Reporter | None = None,
    *,
    schema: Path | None = None,
    schematron: Path | None = None,
    engine: str = "auto",
    cross_checks: bool | None = None,
    advance: Advance = _noop,
    cache: Cache | None = None,
    executor: Executor | None = None,
) -> Summary:
    """Validate TEI files (default: the edition's documents and its register).

    With ``schema`` (any RELAX NG) the project's Schematron and the
    cross-document checks are off unless asked for; ``project`` may then be
    ``None`` (files outside any edition, such as the FRUS volumes). ``cache``
    keeps per-file results between runs; ``executor`` runs the per-file work.
    """
    return start_validation(
        project,
        paths,
        reporter if reporter is not None else Reporter(),
        schema=schema,
        schematron=schematron,
        engine=engine,
        cross_checks=cross_checks,
        advance=advance,
        cache=cache,
        executor=executor,
    ).finish()


def start_validation(
    project: Project | None,
    paths: Sequence[Path] | None,
    reporter: Reporter,
    *,
    schema: Path | None = None,
    schematron: Path | None = None,
    engine: str = "auto",
    cross_checks: bool | None = None,
    advance: Advance = _noop,
    cache: Cache | None = None,
    executor: Executor | None = None,
    documents: Sequence[Path] | None = None,
) -> Run:
    """``validate`` begun: its Python checks done, jing still running; ``finish()`` reports.

    ``documents``: the project's TEI documents, when they were listed already.
    """
    own_schema = schema is None
    if schema is None:
        if project is None:
            raise ValueError("validate() needs a project or a schema")
        schema = project.schema_path
        if schematron is None and project.schematron_path.is_file():
            schematron = project.schematron_path
    checks = own_schema and project is not None if cross_checks is None else cross_checks
    hints = (SCHEMA_HINT,) if own_schema else ()
    settings = Settings(schema, schematron, engine, checks, hints)

    def shown(path: Path) -> str:
        return project.shown(path) if project is not None else relative_path(path, Path.cwd())

    everything = _EditionFiles(project, documents) if project is not None else _NO_FILES
    given = [(p, shown(p)) for p in paths] if paths else None
    if given is not None:
        refuse_undecodable(label for _, label in given)
    return start(
        given if given is not None else everything,
        settings,
        reporter,
        edition_files=everything,
        advance=advance,
        cache=cache,
        executor=executor,
    )


class _EditionFiles(Indexed[tuple[Path, str]]):
    """The edition's documents and, when it exists, its register, each with its shown
    path: made as they are read, not held."""

    def __init__(self, project: Project, documents: Sequence[Path] | None) -> None:
        self.project = project
        self.documents = documents if documents is not None else project.tei_files()
        register = project.register_path
        self.register = [register] if register.is_file() else []

    def __len__(self) -> int:
        return len(self.documents) + len(self.register)

    def item(self, n: int) -> tuple[Path, str]:
        count = len(self.documents)
        path = self.documents[n] if n < count else self.register[n - count]
        return path, self.project.shown(path)

    def __iter__(self) -> Iterator[tuple[Path, str]]:
        shown = self.project.shown
        for path in itertools.chain(self.documents, self.register):
            yield path, shown(path)

    def listing(self) -> Iterator[tuple[str, str] | FolderFiles]:
        """The files in order (``runner.Listed``): the documents' folder at once, without an
        object per file, or each file's path as a string and its shown path."""
        documents, shown = self.documents, self.project.shown
        if isinstance(documents, FileList):
            yield FolderFiles(documents, self.project.shown_folder(documents))
        else:
            yield from ((str(path), shown(path)) for path in documents)
        yield from ((str(path), shown(path)) for path in self.register)


_NO_FILES: Sequence[tuple[Path, str]] = ()


def build(
    project: Project,
    reporter: Reporter | None = None,
    *,
    check: bool = True,
    advance: Advance = _noop,
    executor: Executor | None = None,
    cache: bool = True,
    clean: bool = False,
) -> BuildResult | None:
    """Validate (unless ``check`` is false) and build the site; ``None`` when refused.

    With ``cache`` (the default) only what changed since the last build is
    validated and rebuilt (``project.cache_dir``); ``clean`` forgets the cache
    first. ``executor`` runs the per-document work (default: in this process).
    """
    reporter = reporter if reporter is not None else Reporter()
    if clean:
        shutil.rmtree(project.cache_dir, ignore_errors=True)
    with Cache(project.cache_dir if cache else None) as store:
        if not check:
            return build_site(
                project, reporter, validated=False, advance=advance, cache=store, executor=executor
            )
        # The site is built while jing validates; it is committed only if all is valid.
        documents = project.tei_files()  # listed and hashed once, for both
        validation = start_validation(
            project,
            None,
            reporter,
            advance=advance,
            cache=store,
            executor=executor,
            documents=documents,
        )
        built = Reporter(reporter.ignore, reporter.strict)

        def valid() -> bool:
            validation.finish()
            return not reporter.has_errors

        try:
            if reporter.has_errors:
                validation.finish()
                return None
            result = build_site(
                project,
                built,
                validated=True,
                advance=advance,
                cache=store,
                executor=executor,
                ready=valid,
                files=documents,
                digests=validation.digests(),
            )
            validation.finish()
        finally:
            validation.close()
        if reporter.has_errors:  # invalid: the site was not touched; validation saved its work
            return None
        reporter.extend(built)
        return result


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
    from edition.deposit.package import DepositResult, check_deposit, write_deposit

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
