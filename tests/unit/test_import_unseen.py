"""Documents of the same kinds that the samples are not: imported cleanly and valid TEI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import needs_tei_all

from edition.api import convert
from edition.diagnostics import Reporter, Severity
from edition.project import Project
from edition.tei import parse_xml

REPO = Path(__file__).resolve().parents[2]
UNSEEN = REPO / "tests" / "fixtures" / "unseen"
TEI_ALL = REPO.parent / "shared" / "schema" / "tei_all.rng"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("unseen")
    shutil.copy2(REPO / "edition.toml", root / "edition.toml")
    shutil.copytree(UNSEEN, root / "sources")
    (root / "tei").mkdir()
    shutil.copytree(REPO / "tei" / "schema", root / "tei" / "schema")
    shutil.copy2(REPO / "tei" / "register.xml", root / "tei" / "register.xml")
    reporter = Reporter()
    outcomes = convert(Project.load(root), None, reporter)
    assert reporter.count(Severity.ERROR) == 0, reporter.render()
    return root / "tei", outcomes


def test_each_kind_gets_its_profile(imported) -> None:
    _, outcomes = imported
    profiles = {Path(o.source).name: o.profile for o in outcomes}
    assert profiles == {
        "cable.txt": "telegram",
        "letter.md": "transcription",
        "page.html": "html",
        "translation.md": "archive",
    }


def test_translation_apparatus(imported) -> None:
    _, outcomes = imported
    (translation,) = [o for o in outcomes if o.source.endswith("translation.md")]
    counts = {k: v for k, v in translation.counts.items() if v}
    assert counts == {
        "gap": 3,
        "supplied": 1,
        "sic": 1,
        "add": 1,
        "signature": 1,
        "note": 1,
        "sp": 4,
        "field": 4,
    }


@pytest.mark.slow
@needs_tei_all
def test_valid_against_tei_all_and_the_project_schema(imported) -> None:
    tei, _ = imported
    files = sorted(str(p) for p in tei.glob("*.xml") if p.name != "register.xml")
    jing = Path(sys.executable).with_name("pyjing")
    result = subprocess.run([str(jing), str(TEI_ALL), *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    from lxml import etree

    schema = etree.RelaxNG(parse_xml(REPO / "tei" / "schema" / "edition.rng"))
    for path in files:
        assert schema.validate(parse_xml(Path(path))), schema.error_log
