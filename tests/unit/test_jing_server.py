"""jing kept running (``edition serve``): the same diagnostics as batch runs, without a new JVM.

The data: the demo with a schema error, a malformed file and an invalid date; FRUS
documents split from a volume, validated against tei_all; a schema edited while
the server runs.
"""

from __future__ import annotations

import contextlib
import shutil
import tracemalloc
from pathlib import Path

import pytest
from conftest import REPO, TELEGRAM, jing_report, needs_jing

from edition.errors import ConfigError
from edition.validation import jing, jing_server

pytestmark = needs_jing

TEI_ALL = REPO.parent / "shared" / "schema" / "tei_all.rng"


def test_a_running_jing_reports_what_batch_jing_reports(broken: Path) -> None:
    batch = jing_report(broken)
    assert "error[V310]" in batch and "zz-malformed.xml" in batch
    with jing_server.kept_running():
        assert jing_report(broken) == batch
        (server,) = jing_server.SERVERS.running.values()
        assert server is not None and server.alive
        assert jing_report(broken) == batch
        assert list(jing_server.SERVERS.running.values()) == [server], "the same JVM again"
    assert not server.alive, "stopped when the block ends"
    assert not jing_server.SERVERS.running


def test_frus_documents_against_tei_all(frus_volumes: dict[Path, str]) -> None:
    files = frus_volumes
    batch = jing.check(TEI_ALL, files)
    assert len(batch["v2.xml"]) == len(batch["v0.xml"]) + 1 == len(batch["v1.xml"]) + 1
    with jing_server.kept_running():
        assert jing.check(TEI_ALL, files) == batch


def test_an_edited_schema_gets_a_new_server(broken: Path, tmp_path: Path) -> None:
    schema = tmp_path / "schema.rng"
    shutil.copyfile(REPO / "tei" / "schema" / "edition.rng", schema)
    files = {broken / "tei" / TELEGRAM: TELEGRAM}
    with jing_server.kept_running():
        before = jing.check(schema, files)
        assert any("blink" in d.message for d in before[TELEGRAM])
        (first,) = jing_server.SERVERS.running.values()
        schema.write_text(schema.read_text(encoding="utf-8") + "<!-- edited -->\n")
        jing.check(schema, files)
        (second,) = jing_server.SERVERS.running.values()
        assert second is not first and first is not None and not first.alive


def test_a_schema_jing_cannot_load_falls_back_to_batch_runs(broken: Path, tmp_path: Path) -> None:
    schema = tmp_path / "broken.rng"
    schema.write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>', "utf-8")
    files = {broken / "tei" / TELEGRAM: TELEGRAM}
    with pytest.raises(ConfigError) as batch:
        jing.check(schema, files)
    with jing_server.kept_running():
        with pytest.raises(ConfigError) as served:
            jing.check(schema, files)
        assert list(jing_server.SERVERS.running.values()) == [None], "no server for it"
    assert str(served.value) == str(batch.value)


_INVALID = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
    "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
    "</sourceDesc></fileDesc></teiHeader><text><body><p>A<unknown/> and <other/></p>"
    "</body></text></TEI>"
)


@pytest.mark.parametrize("kept", [False, True], ids=["batch", "server"])
def test_jing_problems_are_read_a_file_at_a_time(tmp_path: Path, kept: bool) -> None:
    """A run over many invalid files: jing's problems come a file at a time from its output
    (on disk), never all held. Taken whole (as validation used to), the same
    problems hold more than ten times what reading them one file after another ever does."""
    files = {}
    for n in range(1500):
        path = tmp_path / f"d{n:04}.xml"
        path.write_text(_INVALID, encoding="utf-8")
        files[path] = path.name
    expected = iter(sorted(files.values()))
    with contextlib.ExitStack() as stack:
        if kept:
            stack.enter_context(jing_server.kept_running())
        with jing.start(TEI_ALL, files) as pending:
            tracemalloc.start()
            for shown, problems in pending.groups():
                assert shown == next(expected) and len(problems) == 2
            one_at_a_time = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert next(expected, None) is None, "every file's problems came"
        with jing.start(TEI_ALL, files) as pending:
            tracemalloc.start()
            whole = dict(list(pending.groups()))  # every file's problems held at once
            held = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
    assert sorted(whole) == sorted(files.values())
    assert all(len(found) == 2 for found in whole.values())
    assert one_at_a_time * 10 < held, (one_at_a_time, held)
