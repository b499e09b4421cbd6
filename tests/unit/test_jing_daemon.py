"""jing kept running between commands: batch jing's diagnostics, from one JVM that outlives them.

The data: the demo with an element its schema does not allow and a file that is
not XML; FRUS volumes against tei_all; a schema edited while its server runs; a
server that dies while a client waits for it; a server left with no work. Every
test has a socket folder of its own and leaves no Java process behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner
from conftest import REPO, TEI_ALL, TELEGRAM, jing_report, jing_servers, needs_jing, needs_tei_all

from edition.cli import cli, main
from edition.errors import ConfigError
from edition.validation import jing, jing_daemon

pytestmark = [needs_jing, pytest.mark.slow]

T = TypeVar("T")


def server_pids(jing_sockets: Path) -> list[int]:
    """The Java processes serving sockets in ``jing_sockets``."""
    return list(jing_servers(jing_sockets))


def wait_until(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def batch(monkeypatch: pytest.MonkeyPatch, run: Callable[[], T]) -> T:
    """What ``run()`` gives with no server."""
    with monkeypatch.context() as off:
        off.setenv(jing_daemon.ENV, "off")
        return run()


def test_a_server_reports_what_batch_jing_reports_and_outlives_the_run(
    jing_sockets: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = batch(monkeypatch, lambda: jing_report(broken))
    assert "error[V310]" in expected and "zz-malformed.xml" in expected
    assert not server_pids(jing_sockets.parent)
    assert jing_report(broken) == expected
    (pid,) = server_pids(jing_sockets.parent)
    (sock,) = jing_daemon.running()
    assert sock.parent == jing_sockets and jing_sockets.stat().st_mode & 0o777 == 0o700
    assert jing_report(broken) == expected
    assert server_pids(jing_sockets.parent) == [pid], "the same JVM again"


def test_a_relative_path_is_validated_as_the_client_sees_it(
    jing_sockets: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = broken / "tei" / "schema" / "edition.rng"
    absolute = {broken / "tei" / TELEGRAM: TELEGRAM}
    expected = batch(monkeypatch, lambda: jing.check(schema, absolute))
    monkeypatch.chdir(broken)  # the server runs in another folder
    assert jing.check(schema, {Path("tei") / TELEGRAM: TELEGRAM}) == expected
    assert expected[TELEGRAM] and server_pids(jing_sockets.parent)


@needs_tei_all
def test_frus_volumes_against_tei_all(
    jing_sockets: Path, frus_volumes: dict[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = frus_volumes
    expected = batch(monkeypatch, lambda: jing.check(TEI_ALL, files))
    assert len(expected["v2.xml"]) == len(expected["v0.xml"]) + 1
    assert jing.check(TEI_ALL, files) == expected
    assert len(server_pids(jing_sockets.parent)) == 1


def test_an_edited_schema_gets_a_new_server_and_the_old_one_stops(
    jing_sockets: Path, broken: Path, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.rng"
    shutil.copyfile(REPO / "tei" / "schema" / "edition.rng", schema)
    files = {broken / "tei" / TELEGRAM: TELEGRAM}
    before = jing.check(schema, files)
    assert any("blink" in d.message for d in before[TELEGRAM])
    (first,) = server_pids(jing_sockets.parent)
    text = schema.read_text(encoding="utf-8")
    schema.write_text(
        text.replace('<element name="quote">', '<element name="blink">'), encoding="utf-8"
    )
    after = jing.check(schema, files)
    assert after != before
    (second,) = server_pids(jing_sockets.parent)
    assert second != first
    assert len(jing_daemon.running()) == 1


def test_a_server_that_dies_during_a_run_leaves_the_run_to_batch_jing(
    jing_sockets: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = batch(monkeypatch, lambda: jing_report(broken))
    assert jing_report(broken) == expected  # a server is running
    (sock,) = jing_daemon.running()
    (pid,) = server_pids(jing_sockets.parent)
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: not server_pids(jing_sockets.parent))
    # In its jing_sockets, a socket that takes the files and hangs up before any answer.
    sock.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(sock))
    listener.listen()
    listener.settimeout(0.1)
    taken: list[bytes] = []
    done = threading.Event()

    def hang_up() -> None:
        while not done.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            with client:
                taken.append(client.recv(4096))

    taker = threading.Thread(target=hang_up)
    taker.start()
    try:
        assert jing_report(broken) == expected
    finally:
        done.set()
        taker.join(5)
        listener.close()
    assert any(TELEGRAM.encode() in request for request in taken), "it went to the socket first"


def test_a_killed_server_is_started_again(
    jing_sockets: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = batch(monkeypatch, lambda: jing_report(broken))
    assert jing_report(broken) == expected
    (pid,) = server_pids(jing_sockets.parent)
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: not server_pids(jing_sockets.parent))
    assert jing_daemon.running(), "its socket file is left behind"
    assert jing_report(broken) == expected
    (again,) = server_pids(jing_sockets.parent)
    assert again != pid


def test_a_server_with_no_work_exits_and_removes_its_socket(
    jing_sockets: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(jing_daemon.ENV, "0.03")  # 1.8 s
    jing_report(broken)
    assert server_pids(jing_sockets.parent) and jing_daemon.running()
    assert wait_until(lambda: not server_pids(jing_sockets.parent), 30)
    assert not jing_daemon.running()


def test_a_server_whose_socket_is_removed_exits(jing_sockets: Path, broken: Path) -> None:
    jing_report(broken)
    (sock,) = jing_daemon.running()
    sock.unlink()
    assert wait_until(lambda: not server_pids(jing_sockets.parent))


def test_edition_jing_status_and_stop(jing_sockets: Path, broken: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["jing", "status"]).output == "0 jing server(s) running.\n"
    jing_report(broken)
    (sock,) = jing_daemon.running()
    status = runner.invoke(cli, ["jing", "status"])
    assert status.exit_code == 0 and status.output == f"1 jing server(s) running.\n  {sock}\n"
    stopped = runner.invoke(cli, ["jing", "stop"])
    assert stopped.exit_code == 0 and stopped.output == "Stopped 1 jing server(s).\n"
    assert not server_pids(jing_sockets.parent) and not jing_daemon.running()


def test_a_schema_jing_cannot_load_is_reported_as_without_a_server(
    jing_sockets: Path, broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = tmp_path / "broken.rng"
    schema.write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="nothing"/>'
        "</start></grammar>\n",
        encoding="utf-8",
    )
    files = {broken / "tei" / TELEGRAM: TELEGRAM}
    with pytest.raises(ConfigError) as without:
        batch(monkeypatch, lambda: jing.check(schema, files))
    with pytest.raises(ConfigError) as served:
        jing.check(schema, files)
    assert [d.render() for d in served.value.diagnostics] == [
        d.render() for d in without.value.diagnostics
    ]
    assert "C020" in served.value.diagnostics[0].render()
    assert not server_pids(jing_sockets.parent)
    (marker,) = jing_sockets.glob("*.failed")

    def daemon() -> jing_daemon.Daemon | None:
        options = os.environ.get("EDITION_JVM_OPTIONS", jing.JVM_OPTIONS).split()
        return jing_daemon.daemon_for(jing.java() or "", jing.jar() or Path(), schema, options)

    assert daemon() is None, "not tried again for this schema"
    an_hour_ago = time.time() - jing_daemon.RETRY - 1
    os.utime(marker, (an_hour_ago, an_hour_ago))
    assert daemon() is not None, "but tried again after a while"


def test_a_folder_others_may_write_to_is_not_used(
    jing_sockets: Path, broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jing_sockets.mkdir(mode=0o700)
    jing_sockets.chmod(0o777)
    expected = batch(monkeypatch, lambda: jing_report(broken))
    assert jing_report(broken) == expected
    assert not server_pids(jing_sockets.parent) and not list(jing_sockets.iterdir())


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("off", 0.0), ("0", 0.0), ("", 0.0), ("No", 0.0), ("30", 30.0), ("0.5", 0.5)],
)
def test_the_idle_time_is_read_from_the_environment(
    value: str, minutes: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(jing_daemon.ENV, value)
    assert jing_daemon.idle_minutes() == minutes


def test_ci_means_off_unless_said_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(jing_daemon.ENV)
    monkeypatch.delenv("CI", raising=False)
    assert jing_daemon.idle_minutes() == jing_daemon.DEFAULT_IDLE_MINUTES
    monkeypatch.setenv("CI", "true")
    assert jing_daemon.idle_minutes() == 0
    monkeypatch.setenv(jing_daemon.ENV, "5")
    assert jing_daemon.idle_minutes() == 5


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_bad_idle_time_is_a_clear_error(
    value: str, broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(jing_daemon.ENV, value)
    status = main(["validate", "--project", str(broken), "--engine", "jing"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(
        f"error[C025]: EDITION_JING_DAEMON='{value}' is not a number of minutes: "
        "set it to 30, or to off\n"
    )
    assert "Traceback" not in err


def test_an_edited_included_file_gets_a_new_server(jing_sockets: Path, tmp_path: Path) -> None:
    rng = 'xmlns="http://relaxng.org/ns/structure/1.0"'
    schema = tmp_path / "main.rng"
    schema.write_text(
        f'<grammar {rng}><include href="defs.rng"/><start><ref name="doc"/></start></grammar>'
    )
    defs = tmp_path / "defs.rng"
    defs.write_text(
        f'<grammar {rng}><define name="doc"><element name="doc"><text/></element>'
        "</define></grammar>"
    )
    document = tmp_path / "doc.xml"
    document.write_text("<doc>text</doc>\n", encoding="utf-8")
    assert jing.check(schema, {document: "doc.xml"}) == {"doc.xml": []}
    (first,) = server_pids(jing_sockets.parent)
    defs.write_text(defs.read_text().replace('name="doc"><text/>', 'name="doc"><empty/>'))
    (problem,) = jing.check(schema, {document: "doc.xml"})["doc.xml"]
    assert problem.message.startswith("text not allowed here")
    (second,) = server_pids(jing_sockets.parent)
    assert second != first
