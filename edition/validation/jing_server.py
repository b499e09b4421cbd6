"""jing kept running between validations, for long-running commands (``edition serve``).

A batch run of jing pays for starting Java and compiling the schema every time
(0.4–1 s with tei_all), however few files changed. Inside ``kept_running()``
each schema instead gets one Java process (``JingServer``, compiled once by
``server_classes``) that compiled the schema once and then validates one file
per line of its input, printing what batch jing prints and a ``NUL done`` line
after each file. A changed file is then validated in about a millisecond. When the
server cannot start (a Java runtime without its compiler, a schema jing cannot
load), validation falls back to batch runs, which report the problem as before.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from edition.validation import jing_daemon, schema_files, server_classes

_READY, _DONE = "\0ready\n", "\0done\n"


class Server:
    """One running ``JingServer`` with its schema compiled."""

    def __init__(self, command: list[str]) -> None:
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:
            raise OSError("no pipes to jing")
        self._stdin, self._stdout = stdin, stdout
        self.ready = stdout.readline() == _READY

    @property
    def alive(self) -> bool:
        return self.ready and self._process.poll() is None

    def validate(self, paths: Iterable[str | Path], output: TextIO) -> int:
        """Write what jing prints for these files into ``output``, as a batch run would;
        the number of lines written."""
        stdin, stdout = self._stdin, self._stdout
        written = 0
        with self._lock:
            for path in paths:
                stdin.write(f"{path}\n")
                stdin.flush()
                while (line := stdout.readline()) != _DONE:
                    if not line:
                        raise OSError("jing server stopped")
                    output.write(line)
                    written += 1
        return written

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._stdout.close()


class _Servers:
    """The servers of this process, by schema (path, and content with what it includes)."""

    def __init__(self) -> None:
        self.enabled = 0
        self.running: dict[tuple[str, str], Server | None] = {}

    def get(self, runner: str, jing_jar: Path, schema: Path, options: list[str]) -> Server | None:
        """The server of this schema, started on first use; None outside ``kept_running``
        or when it cannot start (a schema that cannot start once is left to batch runs)."""
        if not self.enabled:
            return None
        if not schema.is_file():
            return None
        key = (str(schema.resolve()), schema_files.content_digest(schema))
        for other in [k for k in self.running if k[0] == key[0] and k != key]:
            self.stop(other)  # the schema changed: its old server is of no use
        running = self.running.get(key)
        if running is not None and not running.alive:
            self.stop(key)  # it stopped: start another
        if key not in self.running:
            self.running[key] = _started(runner, jing_jar, schema, options)
        return self.running[key]

    def stop(self, key: tuple[str, str]) -> None:
        server = self.running.pop(key, None)
        if server is not None:
            server.close()


def _started(runner: str, jing_jar: Path, schema: Path, options: list[str]) -> Server | None:
    """A server with the schema compiled; None when it cannot start (then batch runs it is)."""
    compact = ["-c"] if schema.suffix == ".rnc" else []
    launch = server_classes.launch(runner, jing_jar, jing_daemon.folder())
    command = [runner, *options, *launch, *compact, str(schema)]
    try:
        server = Server(command)
    except OSError:
        return None
    if not server.ready:
        server.close()
        return None
    return server


SERVERS = _Servers()


@contextlib.contextmanager
def kept_running() -> Iterator[None]:
    """Inside this block jing validations reuse one running Java process per schema."""
    SERVERS.enabled += 1
    try:
        yield
    finally:
        SERVERS.enabled -= 1
        if not SERVERS.enabled:
            for key in list(SERVERS.running):
                SERVERS.stop(key)
