"""Golden output trees of the site outputs (DTS, Atom) for a one-letter edition.

``expected/`` is the build with ``[site] dts_units = true`` (a file per citable
unit), ``expected-no-units/`` the build with the default (whole documents only).
Set ``EDITION_REGEN=1`` to rewrite both and review the diff in git before committing.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import pytest
from lxml import etree

from edition.cli import main
from edition.tei import parse_xml

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "outputs" / "dts"
#: expected folder → what is appended to the input's edition.toml.
CASES = {"expected": "\n[site]\ndts_units = true\n", "expected-no-units": ""}


def _canonical(path: Path) -> str:
    if path.suffix == ".json":
        return json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=2, sort_keys=True)
    tree = parse_xml(path)
    return etree.canonicalize(etree.tostring(tree, encoding="unicode"), with_comments=True)


@pytest.mark.parametrize("expected", sorted(CASES))
def test_dts_and_atom_golden(tmp_path: Path, monkeypatch, expected: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = tmp_path / "gl"
    shutil.copytree(GOLDEN / "input", project)
    with (project / "edition.toml").open("a", encoding="utf-8") as config:
        config.write(CASES[expected])
    assert main(["build", "--project", str(project), "--no-validate"]) == 0
    site = project / "site"
    produced = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and (p.name == "feed.xml" or p.relative_to(site).parts[0] == "dts")
    )
    expected_dir = GOLDEN / expected
    if os.environ.get("EDITION_REGEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name in produced:
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / name, expected_dir / name)
    expected = sorted(
        p.relative_to(expected_dir).as_posix() for p in expected_dir.rglob("*") if p.is_file()
    )
    assert produced == expected
    for name in produced:
        got, want = _canonical(site / name), _canonical(expected_dir / name)
        diff = "\n".join(
            difflib.unified_diff(want.splitlines(), got.splitlines(), name, name, lineterm="")
        )
        assert got == want, diff
