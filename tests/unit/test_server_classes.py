"""The jing server's classes: compiled once with javac, else the server runs from its source.

The data: the demo with an element its schema does not allow and a file that is
not XML, validated by a server started from compiled classes, by one started
through a ``java`` with no ``javac`` beside it, and by batch jing; a server source
that does not compile; two starts compiling at once.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import jing_report, needs_jing

from edition.validation import jing, jing_daemon, server_classes

pytestmark = [needs_jing, pytest.mark.slow]


@pytest.fixture
def place(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Servers on, their sockets and classes in a short folder of this test's own."""
    runtime = Path(tempfile.mkdtemp(prefix="ed-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv(jing_daemon.ENV, "2")
    yield runtime / "edition"
    for path in jing_daemon.running():
        jing_daemon.stop(path)
    shutil.rmtree(runtime, ignore_errors=True)


def runner_and_jar() -> tuple[str, Path]:
    runner, jar = jing.java(), jing.jar()
    assert runner is not None and jar is not None
    return runner, jar


def server_command_lines(place: Path) -> list[list[bytes]]:
    """The command lines of the Java processes serving sockets in ``place``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--socket" in command and os.fsencode(place) in b"".join(command):
            found.append(command)
    return found


def test_a_server_starts_from_classes_compiled_once(
    place: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as off:
        off.setenv(jing_daemon.ENV, "off")
        expected = jing_report(broken)
    assert jing_report(broken) == expected
    (command,) = server_command_lines(place)
    assert server_classes.MAIN_CLASS.encode() in command
    assert os.fsencode(server_classes.SOURCE) not in command
    (classes,) = place.glob("classes-*")
    assert (classes / "JingServer.class").is_file() and not list(place.glob("*.new"))

    def no_javac(*args: object, **kwargs: object) -> None:
        raise AssertionError("javac ran again")

    monkeypatch.setattr(subprocess, "run", no_javac)
    assert server_classes.compiled(*runner_and_jar(), place) == classes


def test_a_java_without_javac_runs_the_server_from_its_source(
    place: Path, broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, _ = runner_and_jar()
    wrapper = tmp_path / "bin" / "java"  # a runtime only: no javac beside it
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\nexec {os.path.realpath(runner)} "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("JAVA", str(wrapper))
    with monkeypatch.context() as off:
        off.setenv(jing_daemon.ENV, "off")
        expected = jing_report(broken)
    assert jing_report(broken) == expected
    (command,) = server_command_lines(place)
    assert os.fsencode(server_classes.SOURCE) in command
    assert not list(place.glob("classes-*"))


def test_a_source_that_does_not_compile_leaves_nothing(
    place: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place.mkdir(parents=True)
    source = tmp_path / "JingServer.java"
    source.write_text("public class JingServer { not java }\n", encoding="utf-8")
    monkeypatch.setattr(server_classes, "SOURCE", source)
    runner, jar = runner_and_jar()
    assert server_classes.compiled(runner, jar, place) is None
    assert server_classes.launch(runner, jar, place) == ["-cp", str(jar), str(source)]
    assert list(place.iterdir()) == []


def test_two_starts_compiling_at_once_share_one_folder(place: Path) -> None:
    place.mkdir(parents=True)
    killed = place / "classes-0123456789abcdef.x1y2.new"  # a compilation killed long ago
    killed.mkdir()
    (killed / "JingServer.class").write_bytes(b"")  # half written
    os.utime(killed, (time.time() - server_classes.STALE - 5,) * 2)
    recent = place / "classes-0123456789abcdef.z3.new"  # one that may still be running
    recent.mkdir()
    results: list[Path | None] = []
    starts = [
        threading.Thread(
            target=lambda: results.append(server_classes.compiled(*runner_and_jar(), place))
        )
        for _ in range(2)
    ]
    for start in starts:
        start.start()
    for start in starts:
        start.join()
    recent.rmdir()
    (classes,) = place.iterdir()
    assert results == [classes, classes]
    assert (classes / "JingServer.class").is_file()
