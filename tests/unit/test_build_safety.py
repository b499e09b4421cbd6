"""A failed or killed build leaves the previous site intact; bad TEI writes nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from test_tei_parsing import BILLION_LAUGHS, XXE

from edition.cache import digest
from edition.cli import main
from edition.site.writer import STAGED, SiteWriter


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def killed_build(script: str, demo: Path, cwd: Path, *args: str) -> int:
    """Run a build that ``script`` kills in a child process; its exit status. The child
    runs outside the repository's folder with this process's path: it must import the
    very edition this process runs (the cache is keyed by its code)."""
    same_code = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(demo), *args],
        capture_output=True,
        check=False,
        cwd=cwd,
        env=same_code,
    )
    return done.returncode


def test_invalid_tei_is_not_published(capsys, demo: Path) -> None:
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    before = snapshot(demo / "site")
    (demo / "tei" / "broken.xml").write_text("<TEI>\n<p>unclosed\n</TEI>\n")
    status, out, err = run(capsys, "build", "--project", str(demo))
    assert status == 1
    assert err.splitlines()[0].startswith("tei/broken.xml:3:")
    assert "error[V303]: malformed XML" in err
    assert "Not built" in out
    assert snapshot(demo / "site") == before


def test_hostile_xml_is_refused_by_validate_and_build(capsys, demo: Path) -> None:
    (demo / "tei" / "laughs.xml").write_bytes(BILLION_LAUGHS)
    (demo / "tei" / "xxe.xml").write_bytes(XXE)
    status, _, err = run(capsys, "validate", "--project", str(demo))
    assert status == 1
    assert "tei/laughs.xml:1: error[V304]: the document declares DTD entities" in err
    assert "tei/xxe.xml:1: error[V304]: the document declares DTD entities (secret)" in err
    assert "root:" not in err
    status, _, _ = run(capsys, "build", "--no-validate", "--project", str(demo))
    assert status == 1
    assert not (demo / "site").exists()


def test_template_error_is_located_and_keeps_old_site(capsys, demo: Path) -> None:
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    before = snapshot(demo / "site")
    template = demo / "templates" / "index.html"
    template.write_text(template.read_text().replace("{{ edition.title }}", "{{ edition.titel }}"))
    status, _, err = run(capsys, "build", "--project", str(demo))
    assert status == 1
    line = next(n for n, text in enumerate(template.read_text().splitlines(), 1) if "titel" in text)
    assert err.splitlines()[0] == (
        f"templates/index.html:{line}: error[R502]: template uses an undefined value: "
        "'edition.config.EditionSettings object' has no attribute 'titel'"
    )
    assert snapshot(demo / "site") == before
    assert not list(demo.glob(".site.*"))


KILL_MIDWAY = """
import os, signal, sys
import edition.site.jobs as jobs
import edition.site.writer as writer
original = writer.write_staged
written = []
def write_then_die(path, data):
    original(path, data)
    written.append(path)
    if len(written) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
jobs.write_staged = writer.write_staged = write_then_die
from edition.cli import main
sys.exit(main(["build", "--jobs", "1", "--project", sys.argv[1]] + sys.argv[2:]))
"""

KILL_WHILE_COMMITTING = """
import os, signal, sys
original = os.replace
moved = []
def move_then_die(source, target):
    original(source, target)
    if ".site.building-" in str(source) and "journal" not in str(source):
        moved.append(target)  # a staged file moved into the site
    if len(moved) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = move_then_die  # Path.replace, as the writer moves files, calls it
from edition.cli import main
sys.exit(main(["build", "--jobs", "1", "--project", sys.argv[1]]))
"""


def test_killed_build_leaves_previous_site_intact(capsys, demo: Path) -> None:
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    before = snapshot(demo / "site")
    (demo / "tei" / "1960-05-10_record-of-conversation_khrushchev-fukuda-takasaki.xml").unlink()
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MIDWAY, str(demo)], capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    assert list(demo.glob(".site.building-*")), "the killed build left its staging folder"
    assert snapshot(demo / "site") == before
    # The next build cleans up and succeeds.
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert not list(demo.glob(".site.*"))
    assert snapshot(demo / "site") != before
    assert os.path.isdir(demo / "site" / "documents")


def test_killed_full_build_leaves_no_site_and_no_traces(capsys, demo: Path) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MIDWAY, str(demo), "--clean"], capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    assert not (demo / "site").exists()
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert not list(demo.glob(".site.*"))


def test_build_killed_after_its_commit_point_is_finished_by_the_next(
    capsys, demo: Path, tmp_path: Path
) -> None:
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    telegram = demo / "tei" / "1975-01-13_telegram_tokyo-00458.xml"
    telegram.write_text(telegram.read_text().replace("TOKYO", "TOKIO"))
    (demo / "tei" / "1960-05-10_record-of-conversation_khrushchev-fukuda-takasaki.xml").unlink()
    assert killed_build(KILL_WHILE_COMMITTING, demo, tmp_path) == -signal.SIGKILL
    assert list(demo.glob(".site.building-*")), "the journal stays until it is carried out"
    # The next build carries out the journal first, then finds nothing else to do.
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert not list(demo.glob(".site.*"))
    finished = snapshot(demo / "site")
    assert run(capsys, "build", "--clean", "--project", str(demo))[0] == 0
    clean = snapshot(demo / "site")
    assert finished.keys() - {k for k in finished if k.startswith("pagefind/")} == (
        clean.keys() - {k for k in clean if k.startswith("pagefind/")}
    )
    assert {k: v for k, v in finished.items() if not k.startswith("pagefind/")} == {
        k: v for k, v in clean.items() if not k.startswith("pagefind/")
    }


def test_an_incremental_commit_moves_in_what_was_staged_and_nothing_else(tmp_path: Path) -> None:
    """The staged files are listed as they are staged (a file, not a list held), and the
    commit carries the list out: changed files in, unchanged ones untouched, removed gone."""
    site = tmp_path / "site"
    (site / "documents" / "a").mkdir(parents=True)
    for name, text in (
        ("documents/a/index.html", "old"),
        ("same.html", "same"),
        ("gone.html", "x"),
    ):
        (site / name).write_text(text)
    writer = SiteWriter(site, incremental=True)
    writer.put("documents/a/index.html", b"new", digest(b"old"))
    writer.put("same.html", b"same", digest(b"same"))  # the site has these bytes: not staged
    writer.put_chunks("documents/b\nc/index.html", ["odd ", "name"])  # a line break in a name
    assert writer.written == 2
    assert (writer.staging / STAGED).is_file()
    done: list[bool] = []
    writer.commit(["gone.html"], None, lambda: done.append(True))
    assert snapshot(site) == {
        "documents/a/index.html": b"new",
        "documents/b\nc/index.html": b"odd name",
        "same.html": b"same",
    }
    assert done == [True] and not writer.staging.exists()


def test_a_build_waits_for_another_build_of_the_same_site(capsys, demo: Path) -> None:
    """``edition serve`` rebuilding while ``edition build`` runs: the second build waits
    for the first (each would take the other's staging folder for a killed build's
    leftovers and delete it), says so, and then builds."""
    import fcntl
    import threading

    outcome: list[int] = []
    held = os.open(demo, os.O_RDONLY | os.O_DIRECTORY)  # the site's folder, as a build holds it
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        second = threading.Thread(
            target=lambda: outcome.append(main(["build", "--project", str(demo)]))
        )
        second.start()
        second.join(timeout=5)
        assert second.is_alive() and not (demo / "site").exists(), "it waits"
        assert "waiting for another build" in capsys.readouterr().err
    finally:
        os.close(held)  # the lock goes with it
    second.join(timeout=120)
    assert outcome == [0] and (demo / "site" / "index.html").is_file()
    assert not list(demo.glob(".site.*")), "no lock file left"


TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"

KILL_AT_STATE_COMMIT = """
import os, signal, sys
from edition.site.state import NewState
def die(self, mark):
    os.kill(os.getpid(), signal.SIGKILL)  # the journal is written; the state not committed
NewState.commit_marked = die
from edition.cli import main
sys.exit(main(["build", "--jobs", "1", "--project", sys.argv[1]]))
"""


def correct_a_word(demo: Path) -> None:
    """A word of the telegram's text corrected: the build renders that file alone."""
    telegram = demo / "tei" / TELEGRAM
    telegram.write_text(telegram.read_text().replace("DEPT PASS TO", "DEPT PASSED TO"))


def state_rows(demo: Path) -> tuple[int, list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The state file's inode, its jobs with its edition-wide files, and its meta values."""
    path = demo / ".edition-cache" / "site.sqlite"
    with sqlite3.connect(path) as db:
        jobs = db.execute("SELECT * FROM jobs ORDER BY shown").fetchall()
        meta = db.execute("SELECT * FROM meta ORDER BY name").fetchall()
        jobs += db.execute("SELECT 'file', * FROM files ORDER BY path").fetchall()
    db.close()
    return path.stat().st_ino, jobs, meta


def site_without_index(folder: Path) -> dict[str, bytes]:
    """The site's files, but the search index (its fragments' names differ between runs)."""
    return {k: v for k, v in snapshot(folder).items() if not k.startswith("pagefind/")}


def clean_site(demo: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a clean build of the edition as it now is makes (in a copy of it)."""
    copy = tmp_path / "clean"
    shutil.copytree(demo, copy, ignore=shutil.ignore_patterns(".edition-cache", "site", ".site.*"))
    assert main(["build", "--clean", "--project", str(copy)]) == 0
    return site_without_index(copy / "site")


def test_a_corrected_word_updates_the_last_state_in_place(
    capsys, demo: Path, tmp_path: Path
) -> None:
    """The build that renders a changed file alone writes its rows into the last state
    (the same file), not into a copy of the whole state; it leaves no other file."""
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    inode, jobs, _ = state_rows(demo)
    correct_a_word(demo)
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    again, jobs_after, meta = state_rows(demo)
    assert again == inode, "the state was updated where it is"
    assert [j for j in jobs_after if j not in jobs and j[0] != "file"] == [
        j for j in jobs_after if j[0] == f"tei/{TELEGRAM}"
    ], "the telegram's job row alone changed"
    assert "committing" not in dict(meta)
    assert sorted(p.name for p in (demo / ".edition-cache").glob("site.sqlite*")) == ["site.sqlite"]
    assert site_without_index(demo / "site") == clean_site(demo, tmp_path)
    capsys.readouterr()


def test_a_build_killed_before_its_state_commit_leaves_site_and_state_as_they_were(
    capsys, demo: Path, tmp_path: Path
) -> None:
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    site, state = snapshot(demo / "site"), state_rows(demo)
    correct_a_word(demo)
    assert killed_build(KILL_AT_STATE_COMMIT, demo, tmp_path) == -signal.SIGKILL
    assert list(demo.glob(".site.building-*")), "its journal is written"
    assert snapshot(demo / "site") == site
    assert state_rows(demo) == state, "the state's transaction was not committed"
    # The next build throws the journal away (nothing was moved) and builds the edit.
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert not list(demo.glob(".site.*"))
    assert state_rows(demo)[0] == state[0], "again in place: the state was usable"
    assert site_without_index(demo / "site") == clean_site(demo, tmp_path)


def test_a_build_killed_after_its_state_commit_is_finished_by_the_next(
    capsys, demo: Path, tmp_path: Path
) -> None:
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    correct_a_word(demo)
    assert killed_build(KILL_WHILE_COMMITTING, demo, tmp_path) == -signal.SIGKILL
    _, _, meta = state_rows(demo)
    staging = next(demo.glob(".site.building-*"))
    assert dict(meta)["committing"] == staging.name, "committed, marked with the journal's mark"
    written = snapshot(demo / "site")
    # The next build moves the rest in and clears the mark; nothing is left to build.
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert not list(demo.glob(".site.*"))
    assert "committing" not in dict(state_rows(demo)[2])
    assert snapshot(demo / "site") != written
    assert site_without_index(demo / "site") == clean_site(demo, tmp_path)


def test_a_state_marked_as_committing_without_its_journal_is_not_used(capsys, demo: Path) -> None:
    """Its site's files may be half moved in (the staging folder deleted by hand): the
    next build is a full one, into a new state file."""
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    path = demo / ".edition-cache" / "site.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO meta VALUES ('committing', '.site.building-gone')")
    db.close()
    untouched = next((demo / "site" / "documents").glob("d1954-*/index.html"))
    inodes = path.stat().st_ino, untouched.stat().st_ino
    correct_a_word(demo)
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert path.stat().st_ino != inodes[0], "a new state"
    assert untouched.stat().st_ino != inodes[1], "a new site: the build was a full one"
    assert "committing" not in dict(state_rows(demo)[2])


def test_a_state_not_in_wal_mode_is_not_updated_in_place(
    capsys, demo: Path, tmp_path: Path
) -> None:
    """Where the file system refused WAL, the last state would not read the same while a
    build updates it: such a build writes a new state instead."""
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    path = demo / ".edition-cache" / "site.sqlite"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    db.close()
    inode = path.stat().st_ino
    correct_a_word(demo)
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert path.stat().st_ino != inode, "a new state"
    assert site_without_index(demo / "site") == clean_site(demo, tmp_path)


def test_a_build_killed_while_updating_the_state_in_place_leaves_it_as_it_was(
    capsys, demo: Path, tmp_path: Path
) -> None:
    """Killed while it stages the edited file's pages, its state's transaction open: the
    state rolls back, the site is untouched, and the next build makes the edit."""
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    site, state = snapshot(demo / "site"), state_rows(demo)
    correct_a_word(demo)
    at_first_write = KILL_MIDWAY.replace("len(written) == 3", "len(written) == 1")
    assert killed_build(at_first_write, demo, tmp_path) == -signal.SIGKILL
    assert snapshot(demo / "site") == site
    assert state_rows(demo) == state
    assert run(capsys, "build", "--project", str(demo))[0] == 0
    assert not list(demo.glob(".site.*"))
    assert state_rows(demo)[0] == state[0], "updated in place again"
    assert site_without_index(demo / "site") == clean_site(demo, tmp_path)
