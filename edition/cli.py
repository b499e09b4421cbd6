"""The ``edition`` command line: the one place that turns errors into messages and exit statuses.

Exit status: 0 clean; 1 the input has errors; 2 usage or configuration error;
70 internal error (the traceback is saved to a file whose path is printed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from edition import __version__, api, collector, scaffold
from edition.cache import Cache
from edition.diagnostics import Reporter, Severity
from edition.errors import ConfigError, EditionError
from edition.executors import EXECUTORS, make_executor
from edition.project import Project
from edition.validation import ENGINES, FORMATS, formats

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70

F = TypeVar("F", bound=Callable[..., Any])


def _with_options(func: F, options: Sequence[Callable[[F], F]]) -> F:
    """``func`` decorated with each option, the first option listed first in --help."""
    for decorate in reversed(options):
        func = decorate(func)
    return func


def _report_options(func: F, formats: Sequence[str] = ("text", "json")) -> F:
    """Options every subcommand shares: project folder, output format, ignore, strict."""
    options = [
        click.option(
            "--project",
            "project_dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Folder of the edition (default: the one holding edition.toml, here or above).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default="text",
            show_default=True,
            help="How diagnostics are printed: " + ", ".join(formats) + ".",
        ),
        click.option("--ignore", multiple=True, metavar="CODE", help="Silence a diagnostic code."),
        click.option("--strict", is_flag=True, help="Treat warnings as errors."),
    ]
    return _with_options(func, options)


class _Session:
    """A reporter plus the project, shared by the subcommand's body and the final report."""

    def __init__(
        self, project_dir: Path | None, fmt: str, ignore: Sequence[str], strict: bool
    ) -> None:
        self.fmt = fmt
        self.reporter = Reporter(frozenset(ignore), strict)
        self.project_dir = project_dir

    @functools.cached_property
    def project(self) -> Project:
        if self.project_dir is not None:
            return Project.load(self.project_dir)
        return Project.find(Path.cwd())

    def finish(self) -> int:
        """Print the diagnostics; the exit status follows the worst one."""
        _print_diagnostics(self.reporter, self.fmt)
        return EXIT_INPUT if self.reporter.has_errors else EXIT_OK


#: Diagnostics written to stderr in one call: click.echo looks at the stream on every call.
_PRINT_BATCH = 500


def _print_diagnostics(reporter: Reporter, fmt: str) -> None:
    """Every diagnostic on stderr, a batch at a time (they may be many, read from a spool)."""
    lines = reporter.lines(fmt)
    while batch := list(itertools.islice(lines, _PRINT_BATCH)):
        click.echo("\n".join(batch), err=True)


def _quiet() -> bool:
    return bool(os.environ.get("CI")) or not sys.stderr.isatty()


@contextlib.contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal; silence in CI and pipes."""
    if _quiet() or total < 2:
        yield lambda name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[name]}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total, name="")
        yield lambda name: bar.update(task, advance=1, name=name)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="edition")
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Show internal errors' tracebacks inline."
)
@click.pass_context
def cli(ctx: click.Context, show_traceback: bool) -> None:
    """Turn archival transcriptions into a validated TEI edition and a static website.

    \b
    Typical session:
      edition import          # sources/*.txt → tei/*.xml
      edition validate        # schema, Schematron and cross-document checks
      edition build           # tei/ → site/
      edition serve           # preview on http://127.0.0.1:8000/, rebuilt on change
      edition deposit         # BagIt zip for a repository
    """
    ctx.obj = {"traceback": show_traceback}


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", help="Title of the new edition (default: from the folder name).")
def new(directory: Path, title: str | None) -> None:
    """Create a new edition project in DIRECTORY.

    \b
    Example:
      edition new letters-of-1917 --title "Letters of 1917"

    Writes edition.toml, sources/, tei/ (with an empty register and the
    schema), templates/ and a README for the project's editors.
    """
    written = scaffold.create(directory, title)
    click.echo(
        f"Created {directory} ({len(written)} files). Next: put transcriptions into "
        f"{directory / 'sources'} and run 'edition import' there."
    )


@cli.command(name="import")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--profile", help="Use this source profile instead of detecting one.")
@click.option(
    "--force", is_flag=True, help="Replace TEI files edited by hand (a .bak copy is kept)."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the import report as JSON to this file.",
)
@_report_options
def import_(
    sources: tuple[Path, ...],
    profile: str | None,
    force: bool,
    report_path: Path | None,
    **options: Any,
) -> int:
    """Encode transcriptions as TEI: sources/NAME.txt → tei/NAME.xml.

    \b
    Examples:
      edition import                       # every file in sources/
      edition import sources/letter-01.md  # one file
      edition import --force sources/x.txt # replace a hand-edited tei/x.xml, keeping a backup

    A TEI file that was edited since it was generated is never overwritten
    without --force. A bad source is reported and the others still imported.
    """
    session = _Session(**_split(options))
    project = session.project
    files = [p.resolve() for p in sources] or project.source_files()
    with progress("Importing", len(files)) as advance:
        outcomes = api.convert(
            project, files, session.reporter, profile=profile, force=force, advance=advance
        )
    for outcome in outcomes:
        detail = f" (profile {outcome.profile}: {outcome.reason})" if outcome.profile else ""
        click.echo(f"{outcome.status:>16}  {outcome.source} → {outcome.target}{detail}")
    reports = [o.report() for o in outcomes if o.profile]
    if reports:
        click.echo("\nImport report\n" + "\n".join(reports))
    if report_path is not None:
        data = [dataclasses.asdict(o) for o in outcomes]
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        report_path.write_text(text, encoding="utf-8")
    return session.finish()


def _validation_options(func: F) -> F:
    return _report_options(func, FORMATS)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--schema",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Validate against this RELAX NG schema (.rng, or .rnc with jing) instead of the "
    "edition's; the edition's Schematron and cross-document checks are then off.",
)
@click.option(
    "--schematron",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Also check this ISO Schematron (queryBinding xslt, XPath 1.0).",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="auto",
    show_default=True,
    help="RELAX NG validator: jing (needs Java), lxml, or auto (jing if Java is found).",
)
@click.option(
    "--cross-checks/--no-cross-checks",
    default=None,
    help="Check ids, pointers, dates, page order and empty apparatus across the files "
    "(default: on with the edition's schema, off with --schema).",
)
@click.option(
    "--deposit",
    "deposit_ready",
    is_flag=True,
    help="Also check that every header is complete enough to deposit.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Check N files at a time in worker processes (default: all cores; 1: in this process).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check every file again instead of reusing unchanged files' results "
    "(kept in .edition-cache/).",
)
@_validation_options
def validate(
    paths: tuple[Path, ...],
    schema: Path | None,
    schematron: Path | None,
    engine: str,
    cross_checks: bool | None,
    deposit_ready: bool,
    jobs: int | None,
    no_cache: bool,
    **options: Any,
) -> int:
    """Check TEI files: RELAX NG, Schematron and cross-document checks.

    \b
    Examples:
      edition validate                     # every document in tei/ and the register
      edition validate tei/letter-01.xml
      edition validate --format github     # annotations in a GitHub pull request
      edition validate --schema tei_all.rng ../corpus/frus/
      edition validate --deposit           # also: is every header complete for a repository?
      edition validate --jobs 1 --no-cache # in this process, every file checked afresh

    Every problem of every file is reported, as path:line:column lines.
    Exit status: 0 valid, 1 invalid, 2 usage or configuration error.

    Files not changed since the last run are not read again: their results
    are kept in the edition's .edition-cache/ folder.
    """
    session = _Session(**_split(options))
    files = _xml_files(paths)
    project = session.project if schema is None or _in_project(session) else None
    count = len(files) or (len(project.tei_files()) + 1 if project else 0)
    cache = Cache(project.cache_dir if project is not None and not no_cache else None)
    executor = make_executor("local", jobs)
    try:
        with progress("Validating", count) as advance:
            summary = api.validate(
                project,
                files or None,
                session.reporter,
                schema=schema,
                schematron=schematron,
                engine=engine,
                cross_checks=cross_checks,
                advance=advance,
                cache=cache,
                executor=executor,
            )
    finally:
        executor.close()
        cache.close()
    if deposit_ready and project is not None:
        from edition.deposit.readiness import check_files, rules_path

        checked = files or project.tei_files()
        check_files(((p, project.shown(p)) for p in checked), rules_path(project), session.reporter)
    errors = session.reporter.count(Severity.ERROR)
    line = f"{len(summary.files)} file(s) checked with {summary.engine}: " + (
        f"{errors} error(s)" if errors else "valid"
    )
    if session.fmt in ("junit", "github"):
        diagnostics = list(session.reporter)
        out = (
            formats.junit(summary.files, diagnostics)
            if session.fmt == "junit"
            else formats.github(diagnostics)
        )
        if out:
            click.echo(out)
        click.echo(line, err=True)
        return EXIT_INPUT if errors else EXIT_OK
    status = session.finish()
    click.echo(line)
    return status


def _xml_files(paths: Sequence[Path]) -> list[Path]:
    """The files named, with folders replaced by the .xml files inside them (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p.resolve() for p in path.rglob("*.xml") if p.is_file()))
        else:
            files.append(path.resolve())
    return files


def _in_project(session: _Session) -> bool:
    """Whether there is an edition here (validating with --schema needs none)."""
    try:
        return session.project is not None
    except ConfigError:
        return False


def _work_options(func: F) -> F:
    """Options of the commands that run per-document work: where it runs, and the cache."""
    options = [
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(0),
            default=0,
            help="Worker processes for the per-document work (default 0: all cores; 1: none).",
        ),
        click.option(
            "--executor",
            "executor_kind",
            type=click.Choice(list(EXECUTORS)),
            default="local",
            show_default=True,
            help="local: this machine (see --jobs); dask: a Dask cluster (see --scheduler).",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Address of the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the build cache."),
    ]
    return _with_options(func, options)


@cli.command()
@click.option("--no-validate", is_flag=True, help="Publish without validating (the site says so).")
@click.option(
    "--clean", is_flag=True, help="Forget the build cache and rebuild everything from scratch."
)
@_work_options
@_report_options
def build(
    no_validate: bool,
    clean: bool,
    jobs: int,
    executor_kind: str,
    scheduler: str | None,
    no_cache: bool,
    **options: Any,
) -> int:
    """Validate the edition and build the static site into site/.

    \b
    Examples:
      edition build && python3 -m http.server -d site
      edition build --jobs 4
      edition build --executor dask --scheduler tcp://10.0.0.5:8786

    Only what changed since the last build is validated and rebuilt (the
    build cache is .edition-cache/, safe to delete; --clean rebuilds all).
    The site is built beside site/ and put in place only when the whole
    build succeeded, so a failed build leaves the previous site intact.
    """
    session = _Session(**_split(options))
    project = session.project
    started = time.perf_counter()
    executor = make_executor(executor_kind, jobs, scheduler)
    try:
        with progress("Building", len(project.tei_files())) as advance:
            result = api.build(
                project,
                session.reporter,
                check=not no_validate,
                advance=advance,
                executor=executor,
                cache=not no_cache,
                clean=clean,
            )
    finally:
        executor.close()
    status = session.finish()
    if result is None or result.failed:
        click.echo("Not built: the edition has errors (see above); the previous site is unchanged.")
        return EXIT_INPUT
    if status == EXIT_OK:
        changed = f", {result.written} file(s) changed" if result.incremental else ""
        click.echo(
            f"Built {result.documents} document(s), {result.pages} page(s) into "
            f"{project.shown(project.site_dir)}/ in {time.perf_counter() - started:.1f} s"
            f"{changed}. "
            "Preview it with 'edition serve' (http://127.0.0.1:8000/)."
        )
    return status


@cli.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the bag here: a path ending in .zip, or a folder (default: dist/ID-VERSION.zip).",
)
@click.option("--include-site", is_flag=True, help="Build the site and put it into the bag too.")
@click.option(
    "--check",
    "check_bag",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    metavar="BAG",
    help="Validate an existing bag (folder or zip); write nothing.",
)
@_report_options
def deposit(output: Path | None, include_site: bool, check_bag: Path | None, **options: Any) -> int:
    """Package the edition for a repository as a BagIt bag (sha256 and sha512 manifests).

    \b
    Examples:
      edition deposit                          # dist/ID-VERSION.zip
      edition deposit --output bag/            # a bag folder instead of a zip
      edition deposit --include-site           # with the built site in data/site/
      edition deposit --check dist/mt-0.1.0.zip

    The bag holds the TEI, the register, the schemas, a teiCorpus, one oai_dc
    record per document, a DataCite record and CITATION.cff, and is validated
    after writing. With SOURCE_DATE_EPOCH set, the zip is byte-identical for
    identical input.
    """
    session = _Session(**_split(options))
    project = session.project
    target = output.resolve() if output is not None else None
    result = api.deposit(
        project,
        session.reporter,
        output=target,
        include_site=include_site,
        check=check_bag.resolve() if check_bag is not None else None,
    )
    status = session.finish()
    if check_bag is not None:
        click.echo(f"{check_bag}: " + ("valid bag" if result else "NOT valid (see above)"))
        return status
    if result is None:
        click.echo("No deposit written: see the errors above.")
        return EXIT_INPUT
    click.echo(
        f"Wrote {project.shown(result.target)} ({len(result.files)} payload files); "
        "the bag is valid."
    )
    return status


@cli.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@_report_options
def serve(port: int, **options: Any) -> int:
    """Build, serve site/ on 127.0.0.1 and rebuild whenever an input changes.

    \b
    Example:
      edition serve --port 8080

    Watches sources/, tei/, templates/ and edition.toml. A rebuild that fails
    prints its errors and keeps serving the last good site.
    """
    from edition.site import serve as serving
    from edition.validation import jing_server

    session = _Session(**_split(options))
    project = session.project

    def rebuild() -> None:
        reporter = Reporter(session.reporter.ignore, session.reporter.strict)
        try:
            result = api.build(project, reporter)
        except EditionError as err:
            reporter.extend(err.diagnostics)
            result = None
        _print_diagnostics(reporter, session.fmt)
        click.echo(
            "Rebuilt."
            if result and not reporter.has_errors
            else "Rebuild failed; serving the last good site.",
            err=True,
        )

    with jing_server.kept_running():  # one warm jing for every rebuild
        rebuild()
        server = serving.make_server(project.site_dir, port)
        click.echo(
            f"Serving {project.shown(project.site_dir)}/ at "
            f"http://{serving.LOOPBACK}:{server.server_port}/ (Ctrl-C stops)"
        )
        watched = [
            project.sources_dir,
            project.tei_dir,
            *project.template_dirs[:1],
            project.root / "edition.toml",
        ]
        serving.serve_forever(server, serving.Watcher(watched, rebuild))
    return EXIT_OK


@cli.group(name="jing")
def jing_servers() -> None:
    """The jing servers kept running between commands, one per schema.

    \b
    Examples:
      edition jing status
      edition jing stop

    The first validation with jing starts a Java process that keeps its schema
    compiled, so that the next build checks a changed file in milliseconds.
    It exits after EDITION_JING_DAEMON minutes without work (default 30;
    EDITION_JING_DAEMON=off, or CI set, starts none).
    """


@jing_servers.command(name="status")
def jing_status() -> None:
    """List the jing servers that are running."""
    from edition.validation import jing_daemon

    answering = [path for path in jing_daemon.running() if jing_daemon.answers(path)]
    click.echo(f"{len(answering)} jing server(s) running.")
    for path in answering:
        click.echo(f"  {path}")


@jing_servers.command(name="stop")
def jing_stop() -> None:
    """Stop every jing server now (the next validation starts one again)."""
    from edition.validation import jing_daemon

    stopped = sum(jing_daemon.stop(path) for path in jing_daemon.running())
    click.echo(f"Stopped {stopped} jing server(s).")


def _split(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("project_dir", "fmt", "ignore", "strict")}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status instead of raising."""
    collector.tune()
    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    fmt = "json" if _format_json(args) else "text"
    try:
        result = cli.main(args=args, prog_name="edition", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as err:
        err.show()
        return EXIT_USAGE
    except EditionError as err:
        reporter = Reporter()
        reporter.extend(err.diagnostics)
        _print_diagnostics(reporter, fmt)
        return err.exit_status
    except Exception:
        return _internal_error(show_traceback)
    return int(result) if isinstance(result, int) else EXIT_OK


def _format_json(args: list[str]) -> bool:
    return "--format=json" in args or any(
        a == "--format" and i + 1 < len(args) and args[i + 1] == "json" for i, a in enumerate(args)
    )


def _internal_error(show_traceback: bool) -> int:
    details = traceback.format_exc()
    if show_traceback:
        click.echo(details, err=True)
    fd, path = tempfile.mkstemp(prefix="edition-crash-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"edition {__version__} on Python {sys.version.split()[0]}\n{details}")
    click.echo(
        "edition hit an internal error: this is a bug in edition, not in your edition.\n"
        f"The traceback is saved in {path}; please attach it to a bug report "
        "(run again with --traceback to see it here).",
        err=True,
    )
    return EXIT_INTERNAL
