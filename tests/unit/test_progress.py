"""Progress bars appear on a terminal and stay silent in CI and pipes."""

from __future__ import annotations

import io

from edition import cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_in_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert cli._quiet()
    with cli.progress("Building", 3) as advance:
        advance("a")
    assert terminal.getvalue() == ""


def test_bar_on_a_terminal(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert not cli._quiet()
    with cli.progress("Building", 3) as advance:
        for name in ("a", "b", "c"):
            advance(name)
    assert "Building" in terminal.getvalue()


def test_silent_in_a_pipe(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert cli._quiet()
