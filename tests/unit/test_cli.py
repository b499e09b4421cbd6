"""The command line in-process: exit statuses and the exact diagnostic lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edition import api
from edition.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", ["new", "import", "validate", "build", "serve", "jing"])
def test_every_subcommand_explains_itself_with_an_example(capsys, command: str) -> None:
    status, out, _ = run(capsys, command, "--help")
    assert status == 0
    assert "Example" in out
    assert f"edition {command}" in out


def test_version(capsys) -> None:
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out.strip() == "edition, version 0.1.0"


def test_unknown_subcommand_is_a_usage_error(capsys) -> None:
    status, _, err = run(capsys, "publish")
    assert status == 2
    assert "No such command 'publish'" in err


def test_missing_project_is_a_configuration_error(capsys, tmp_path: Path) -> None:
    status, _, err = run(capsys, "validate", "--project", str(tmp_path))
    assert status == 2
    assert err.splitlines() == [
        f"error[C001]: no edition.toml found at {tmp_path / 'edition.toml'}",
        "  hint: run 'edition new DIR' to start an edition, or pass --project DIR",
    ]


def test_unknown_config_key_names_key_and_line(capsys, demo: Path) -> None:
    config = demo / "edition.toml"
    config.write_text(
        config.read_text().replace('version = "0.1.0"', 'version = "0.1.0"\ntitel = "x"')
    )
    before = sorted(p.name for p in (demo / "tei").iterdir())
    status, _, err = run(capsys, "build", "--project", str(demo))
    assert status == 2
    assert err.splitlines() == [
        "edition.toml:8: error[C002]: unknown key 'edition.titel'",
        "  hint: did you mean 'title'?",
    ]
    assert not (demo / "site").exists()
    assert sorted(p.name for p in (demo / "tei").iterdir()) == before


def test_ill_typed_config_value(capsys, demo: Path) -> None:
    config = demo / "edition.toml"
    config.write_text(config.read_text().replace('language = "en"', "language = 3"))
    status, _, err = run(capsys, "validate", "--project", str(demo))
    assert status == 2
    assert err.splitlines() == [
        "edition.toml:8: error[C006]: 'edition.language' must be a string, not int 3"
    ]


def test_toml_syntax_error_has_line_and_column(capsys, demo: Path) -> None:
    config = demo / "edition.toml"
    config.write_text(config.read_text().replace('id = "mt"', 'id = "mt'))
    status, _, err = run(capsys, "validate", "--project", str(demo))
    assert status == 2
    assert err.startswith("edition.toml:6:")
    assert "error[C004]: invalid TOML" in err


def test_json_diagnostics(capsys, demo: Path) -> None:
    config = demo / "edition.toml"
    config.write_text(config.read_text().replace("[paths]", "[paths]\nsorces = 'x'"))
    status, _, err = run(capsys, "validate", "--format", "json", "--project", str(demo))
    assert status == 2
    record = json.loads(err.strip())
    assert record == {
        "code": "C002",
        "severity": "error",
        "message": "unknown key 'paths.sorces'",
        "path": "edition.toml",
        "line": 22,
        "column": None,
        "hints": ["did you mean 'sources'?"],
    }


def test_new_project_is_usable_end_to_end(capsys, tmp_path: Path) -> None:
    project = tmp_path / "letters-1917"
    status, out, _ = run(capsys, "new", str(project), "--title", "Letters of 1917")
    assert status == 0
    assert "Created" in out
    for name in ("edition.toml", "README.md", "tei/register.xml", "tei/schema/edition.rng"):
        assert (project / name).is_file(), name
    assert 'title = "Letters of 1917"' in (project / "edition.toml").read_text()
    (project / "sources" / "1917-03-01_letter.txt").write_text(
        "Dear friend,\n\nthe city is quiet tonight.\nYours, A.\n", encoding="utf-8"
    )
    assert run(capsys, "import", "--project", str(project))[0] == 0
    assert (project / "tei" / "1917-03-01_letter.xml").is_file()
    assert run(capsys, "validate", "--project", str(project))[0] == 0
    assert run(capsys, "build", "--project", str(project))[0] == 0
    page = (project / "site" / "documents" / "d1917-03-01_letter" / "index.html").read_text()
    assert "the city is quiet tonight." in page


def test_new_refuses_a_folder_with_files(capsys, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    status, _, err = run(capsys, "new", str(tmp_path))
    assert status == 2
    assert err.splitlines() == [
        f"{tmp_path}: error[C030]: {tmp_path} is not empty; "
        "'edition new' only creates new projects",
        "  hint: choose a new folder name",
    ]
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_internal_error_exits_70_and_saves_the_traceback(capsys, demo: Path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(api, "build", broken)
    status, _, err = run(capsys, "build", "--project", str(demo))
    assert status == 70
    assert "internal error" in err
    assert "Traceback" not in err
    saved = Path(err.split("The traceback is saved in ", 1)[1].split(";", 1)[0])
    assert "RuntimeError: simulated bug" in saved.read_text()
    saved.unlink()


def test_traceback_flag_shows_it_inline(capsys, demo: Path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(api, "build", broken)
    status, _, err = run(capsys, "--traceback", "build", "--project", str(demo))
    assert status == 70
    assert "Traceback (most recent call last)" in err
    Path(err.split("The traceback is saved in ", 1)[1].split(";", 1)[0]).unlink()


def test_ignore_silences_a_code_and_strict_makes_warnings_errors(capsys, demo: Path, monkeypatch):
    monkeypatch.setenv("JAVA", str(demo / "no-such-java"))  # lxml fallback: warning V320
    status, _, err = run(capsys, "validate", "--project", str(demo))
    assert status == 0
    assert err.splitlines()[0].startswith("warning[V320]: Java not found")
    status, _, err = run(capsys, "validate", "--strict", "--project", str(demo))
    assert status == 1
    assert err.splitlines()[0].startswith("error[V320]: Java not found")
    status, _, err = run(capsys, "validate", "--strict", "--ignore", "V320", "--project", str(demo))
    assert status == 0
    assert err == ""
