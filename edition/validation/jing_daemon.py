"""jing kept running between commands: one background JVM per schema, reached by a Unix socket.

Each ``edition build`` or ``edition validate`` would otherwise start Java and
compile the schema again (0.25–0.4 s with tei_all on two cores: most of a
one-document rebuild). The first run starts ``JingServer.java --socket`` in the
background instead; it compiles the schema once, validates the files of every
later run sent to it, and exits after ``EDITION_JING_DAEMON`` minutes without one
(default 30; ``0`` or ``off``: never started). ``CI`` set in the environment
means off too, unless ``EDITION_JING_DAEMON`` says otherwise. ``edition jing
stop`` stops them all.

The sockets are in a folder of the user's own (``$XDG_RUNTIME_DIR/edition`` or
``/tmp/edition-UID``, mode 0700), named by everything the output depends on:
the Java binary, jing.jar, the server's Java source, the JVM options and the
schema's path and contents, with the files it includes (``schema_files``). Another
schema, or the same schema changed, gets
another server; the old one of the same schema path is stopped. Where this
cannot work (no Unix sockets, a Java before 16, a schema jing cannot load, a
path with a newline), ``jing`` runs as a batch, as without the daemon. The
server's classes are compiled once into the same folder (``server_classes``).
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TextIO

from edition.cache import digest
from edition.diagnostics import error
from edition.errors import ConfigError
from edition.validation import schema_files, server_classes
from edition.validation.class_archive import stamp
from edition.validation.server_classes import SOURCE

ENV = "EDITION_JING_DAEMON"
#: Minutes a server waits for its next run before it exits.
DEFAULT_IDLE_MINUTES = 30.0
#: Seconds after a server failed to start before another is tried for the same key.
RETRY = 3600
#: The longest socket path Linux and macOS accept (``sun_path``, less its final NUL).
_MAX_SOCKET_PATH = 103
_READY, _IN_USE, _DONE, _STOP = b"\0ready\n", b"\0in-use\n", "\0done\n", "\0stop\n"


def idle_minutes() -> float:
    """How long a server waits for work (``EDITION_JING_DAEMON``); 0: no server is started."""
    value = os.environ.get(ENV)
    if value is None:
        return 0.0 if os.environ.get("CI") else DEFAULT_IDLE_MINUTES
    if value.strip().lower() in ("", "off", "no", "false"):
        return 0.0
    try:
        minutes = float(value)
    except ValueError:
        minutes = -1.0
    if not minutes >= 0 or minutes == float("inf"):
        raise ConfigError(
            error("C025", f"{ENV}={value!r} is not a number of minutes: set it to 30, or to off")
        )
    return minutes


def folder() -> Path | None:
    """The user's own folder of sockets, made if missing; None if it is not safe to use."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    base = Path(runtime) / "edition" if runtime else Path(tempfile.gettempdir()) / f"edition-{uid}"
    try:
        base.mkdir(mode=0o700, parents=bool(runtime), exist_ok=True)
        found = base.lstat()
    except OSError:
        return None
    private = stat.S_ISDIR(found.st_mode) and not found.st_mode & 0o077
    return base if private and found.st_uid == uid else None


def running() -> list[Path]:
    """The sockets of the servers that may be running."""
    place = folder()
    return sorted(place.glob("jing-*.sock")) if place is not None else []


def answers(path: Path) -> bool:
    """Whether a server listens at ``path``."""
    connection = _connect(path)
    if connection is not None:
        connection.close()
    return connection is not None


def stop(path: Path) -> bool:
    """Stop the server at ``path`` and wait for it to exit; False if none answered."""
    connection = _connect(path)
    if connection is None:
        with contextlib.suppress(OSError):
            path.unlink()  # nobody listens: a server that was killed
        return False
    with connection:
        connection.sendall(_STOP.encode())
        with contextlib.suppress(OSError):
            while connection.recv(4096):
                pass  # until it closes
    return True


class Daemon:
    """The server of one schema, Java, jar and set of options; started on first use."""

    def __init__(
        self, place: Path, runner: str, jing_jar: Path, schema: Path, options: list[str]
    ) -> None:
        self.schema = schema.absolute()
        java = os.path.realpath(runner)
        group = digest(str(self.schema))[:8]
        key = digest(
            java,
            stamp(java),
            str(jing_jar),
            stamp(str(jing_jar)),
            SOURCE.read_text(encoding="utf-8"),
            *options,
            schema_files.content_digest(self.schema),
        )[:16]
        self.place = place
        #: What the sockets of this schema's path start with, whatever its contents.
        self._group = f"jing-{group}-"
        self.socket = place / f"{self._group}{key}.sock"
        #: Left when the server could not start, so that it is not tried again for a while.
        self.failed = self.socket.with_suffix(".failed")
        self._runner, self._jar, self._options = runner, jing_jar, options

    @property
    def usable(self) -> bool:
        """False when it cannot work here: its socket path is too long, or it failed to
        start less than ``RETRY`` seconds ago."""
        if len(os.fsencode(self.socket)) > _MAX_SOCKET_PATH:
            return False
        try:
            return time.time() - self.failed.stat().st_mtime > RETRY
        except OSError:
            return True  # it never failed

    def validate(self, paths: Iterable[str | Path], output: TextIO) -> int:
        """Write what jing prints for these (absolute) files into ``output``, as a batch
        run would; the number of lines written.

        OSError: the server cannot start or stopped before it finished (run jing as a batch).
        """
        files = paths if isinstance(paths, Collection) else list(paths)
        connection = self._connection()
        written = 0
        with connection, connection.makefile("r", encoding="utf-8", newline="\n") as replies:
            sender = threading.Thread(target=_send, args=(connection, files), daemon=True)
            sender.start()  # sent while the replies are read: neither side's buffer fills up
            for _ in range(len(files)):
                while (line := replies.readline()) != _DONE:
                    if not line:
                        raise OSError("the jing server stopped")
                    output.write(line)
                    written += 1
            sender.join()
        return written

    def _connection(self) -> socket.socket:
        """A connection to the running server, started first if it is not running."""
        connection = _connect(self.socket)
        if connection is not None:
            return connection
        with _locked(self.place / "starting.lock"):
            connection = _connect(self.socket)  # started by another command meanwhile
            if connection is None:
                for other in self.place.glob(f"{self._group}*.sock"):
                    if other != self.socket:
                        stop(other)  # the same schema before it changed
                with contextlib.suppress(FileNotFoundError):
                    self.socket.unlink()  # left by a server that was killed
                self._start()
                connection = _connect(self.socket)
        if connection is None:
            raise OSError("the jing server does not answer")
        return connection

    def _command(self) -> list[str]:
        """The server's command line (its classes compiled first, the first time)."""
        compact = ["-c"] if self.schema.suffix == ".rnc" else []
        return [
            self._runner,
            *self._options,
            f"-XX:ErrorFile={self.place / 'java-error-%p.log'}",
            *server_classes.launch(self._runner, self._jar, self.place),
            *("--socket", str(self.socket), str(idle_minutes() * 60)),
            *compact,
            str(self.schema),
        ]

    def _start(self) -> None:
        """Start the server in the background and wait until it listens (or failed)."""
        # Through sh, which exits at once: the server is nobody's child, and no zombie
        # is left when it exits while this process still runs (edition serve).
        process = subprocess.Popen(
            ["/bin/sh", "-c", '"$@" &', "sh", *self._command()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self.place,
            start_new_session=True,
        )
        with process.stdout or io.BytesIO() as started:
            first = started.readline()  # until it listens, or exits
        process.wait()
        if first not in (_READY, _IN_USE):
            self.failed.touch()
            raise OSError("the jing server did not start")


def _send(connection: socket.socket, files: Iterable[str | Path]) -> None:
    """Send the files' names, a block at a time (the edition's files are not held at once)."""
    names = (f"{path}\n" for path in files)
    with contextlib.suppress(OSError):  # the reader reports a server that stopped
        while block := "".join(islice(names, _SENT_AT_ONCE)):
            connection.sendall(block.encode("utf-8"))


#: Files named in one send to the server.
_SENT_AT_ONCE = 1024


def _connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return connection


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (made if missing): one server starts at a time."""
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def daemon_for(runner: str, jing_jar: Path, schema: Path, options: list[str]) -> Daemon | None:
    """The server to validate with, or None: it is off, or it cannot work here."""
    if not hasattr(socket, "AF_UNIX") or os.name != "posix" or not idle_minutes():
        return None
    place = folder()
    if place is None:
        return None
    if not schema.is_file():
        return None  # batch jing reports it
    daemon = Daemon(place, runner, jing_jar, schema, options)
    return daemon if daemon.usable else None
