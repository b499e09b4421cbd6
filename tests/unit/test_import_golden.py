"""The raw import of the three samples equals the golden copies, and is valid TEI.

Goldens live in tests/golden/import/; after a deliberate change, rewrite them
with ``EDITION_REGEN=1 pytest tests/unit/test_import_golden.py`` and review
the diff in git before committing.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import needs_tei_all
from lxml import etree

from edition.api import convert
from edition.diagnostics import Reporter, Severity
from edition.project import Project

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden" / "import"
TEI_ALL = REPO.parent / "shared" / "schema" / "tei_all.rng"
IMPORT_EPOCH = "1795392000"  # 2026-11-23: the demo's import date, in tei/*.xml and the goldens
STEMS = [p.stem for p in sorted((REPO / "sources").glob("*.txt"))]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh import of the samples into a copy of the demo edition."""
    import shutil

    root = tmp_path_factory.mktemp("golden")
    for name in ("edition.toml", "sources", "tei"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    for old in (root / "tei").glob("*.xml"):
        if old.name != "register.xml":
            old.unlink()
    reporter = Reporter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", IMPORT_EPOCH)  # the date the demo was imported
        outcomes = convert(Project.load(root), None, reporter)
    assert [o.status for o in outcomes] == ["written"] * 3, reporter.render()
    assert reporter.count(Severity.ERROR) == 0, reporter.render()
    return root / "tei"


def canonical(path: Path) -> str:
    """C14N 2.0 without any whitespace stripping (mixed content keeps its spaces)."""
    return etree.canonicalize(from_file=str(path), strip_text=False)


@pytest.mark.parametrize("stem", STEMS)
def test_import_matches_golden(imported: Path, stem: str) -> None:
    fresh, golden = imported / f"{stem}.xml", GOLDEN / f"{stem}.xml"
    if os.environ.get("EDITION_REGEN"):
        golden.write_bytes(fresh.read_bytes())
    expected, actual = canonical(golden), canonical(fresh)
    if expected != actual:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), str(golden), str(fresh), lineterm=""
        )
        pytest.fail("import differs from the golden copy:\n" + "\n".join(list(diff)[:80]))


@pytest.mark.slow
@needs_tei_all
def test_every_generated_file_is_valid_against_tei_all(imported: Path) -> None:
    files = [str(imported / f"{stem}.xml") for stem in STEMS] + [str(REPO / "tei/register.xml")]
    jing = Path(sys.executable).with_name("pyjing")
    result = subprocess.run([str(jing), str(TEI_ALL), *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_tei_files_are_the_reviewed_import(imported: Path) -> None:
    """tei/*.xml in the repository are the import's output (reviewed, not hand-edited)."""
    for stem in STEMS:
        assert canonical(REPO / "tei" / f"{stem}.xml") == canonical(imported / f"{stem}.xml")


def test_every_generated_file_is_valid_against_the_project_schema(imported: Path) -> None:
    from edition.tei import parse_xml

    schema = etree.RelaxNG(parse_xml(REPO / "tei" / "schema" / "edition.rng"))
    for stem in STEMS:
        document = parse_xml(imported / f"{stem}.xml")
        assert schema.validate(document), f"{stem}: {schema.error_log}"
