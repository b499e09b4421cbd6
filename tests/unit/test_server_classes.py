"""The jing server's classes: compiled once with javac, else the server runs from its source.

The data: the demo with an element its schema does not allow and a file that is
not XML, validated by a server started from compiled classes, by one started
through a ``java`` with no ``javac`` beside it, and by batch jing; a server source
that does not compile; two starts compiling at once, beside a compilation killed an
hour ago and classes no start has used for a week.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import jing_report, jing_servers, needs_jing

from edition.validation import jing, jing_daemon, server_classes

pytestmark = [needs_jing, pytest.mark.slow]


def runner_and_jar() -> tuple[str, Path]:
    runner, jar = jing.java(), jing.jar()
    assert runner is not None and jar is not None
    return runner, jar


def test_a_server_starts_from_classes_compiled_once(
    jing_sockets: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as off:
        off.setenv(jing_daemon.ENV, "off")
        expected = jing_report(broken)
    assert jing_report(broken) == expected
    (command,) = jing_servers(jing_sockets).values()
    assert server_classes.MAIN_CLASS.encode() in command
    assert os.fsencode(server_classes.SOURCE) not in command
    (classes,) = jing_sockets.glob("classes-*")
    assert (classes / "JingServer.class").is_file() and not list(jing_sockets.glob("*.new"))

    def no_javac(*args: object, **kwargs: object) -> None:
        raise AssertionError("javac ran again")

    monkeypatch.setattr(subprocess, "run", no_javac)
    assert server_classes.compiled(*runner_and_jar(), jing_sockets) == classes


def test_a_java_without_javac_runs_the_server_from_its_source(
    jing_sockets: Path, broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    (command,) = jing_servers(jing_sockets).values()
    assert os.fsencode(server_classes.SOURCE) in command
    assert not list(jing_sockets.glob("classes-*"))


def test_a_source_that_does_not_compile_leaves_nothing(
    jing_sockets: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jing_sockets.mkdir(parents=True)
    source = tmp_path / "JingServer.java"
    source.write_text("public class JingServer { not java }\n", encoding="utf-8")
    monkeypatch.setattr(server_classes, "SOURCE", source)
    runner, jar = runner_and_jar()
    assert server_classes.compiled(runner, jar, jing_sockets) is None
    assert server_classes.launch(runner, jar, jing_sockets) == ["-cp", str(jar), str(source)]
    assert list(jing_sockets.iterdir()) == []


def test_two_starts_compiling_at_once_share_one_folder_and_clear_what_is_stale(
    jing_sockets: Path,
) -> None:
    jing_sockets.mkdir(parents=True)
    killed = jing_sockets / "classes-0123456789abcdef.x1y2.new"  # a compilation killed long ago
    killed.mkdir()
    (killed / "JingServer.class").write_bytes(b"")  # half written
    os.utime(killed, (time.time() - server_classes.STALE - 5,) * 2)
    recent = jing_sockets / "classes-0123456789abcdef.z3.new"  # one that may still be running
    recent.mkdir()
    unused = jing_sockets / "classes-fedcba9876543210"  # another jar's, unused for a week
    unused.mkdir()
    os.utime(unused, (time.time() - server_classes.UNUSED - 5,) * 2)
    used = jing_sockets / "classes-0011223344556677"  # another jar's, used this week
    used.mkdir()
    results: list[Path | None] = []
    starts = [
        threading.Thread(
            target=lambda: results.append(server_classes.compiled(*runner_and_jar(), jing_sockets))
        )
        for _ in range(2)
    ]
    for start in starts:
        start.start()
    for start in starts:
        start.join()
    assert set(jing_sockets.iterdir()) == {*results, recent, used}
    recent.rmdir()
    used.rmdir()
    (classes,) = jing_sockets.iterdir()
    assert results == [classes, classes]
    assert (classes / "JingServer.class").is_file()
