"""One deliberately broken fixture per Schematron rule and per cross-document check.

Each ``tests/fixtures/invalid/<case>/`` holds a small edition (``tei/*.xml``) with one
defect and ``expected.txt``, the exact diagnostics ``edition validate`` prints for it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SCHEMATRON, fixture_project, needs_jing
from lxml import etree

from edition import api
from edition.cli import main
from edition.diagnostics import Reporter
from edition.validation import crossdoc

CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())
SCH = "{http://purl.oclc.org/dsdl/schematron}"


@needs_jing
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_broken_fixture_gives_exactly_its_located_message(case: Path) -> None:
    reporter = Reporter()
    api.validate(fixture_project(case), reporter=reporter, engine="jing")
    assert reporter.render() + "\n" == (case / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_broken_fixture_without_java(case: Path, monkeypatch) -> None:
    """The Schematron and cross-document messages are the same when lxml replaces jing."""
    monkeypatch.setenv("JAVA", str(case / "no-java-here"))
    reporter = Reporter()
    api.validate(fixture_project(case), reporter=reporter)
    warning, *found = reporter.diagnostics
    assert warning.code == "V320"
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    assert _without_relaxng(Reporter(diagnostics=found).render()) == _without_relaxng(expected)


def _without_relaxng(text: str) -> list[str]:
    """Diagnostic lines minus the RELAX NG ones (whose wording differs between engines)."""
    kept, skipping = [], False
    for line in text.splitlines():
        if not line.startswith("  "):
            skipping = "[V310]" in line
        if not skipping:
            kept.append(line)
    return kept


def test_every_schematron_rule_has_a_fixture() -> None:
    ids = {a.get("id") for a in etree.parse(str(SCHEMATRON)).iter(f"{SCH}assert", f"{SCH}report")}
    shown = "".join((case / "expected.txt").read_text(encoding="utf-8") for case in CASES)
    assert ids == set(re.findall(r"\[V400-([\w-]+)\]", shown))


def test_every_cross_document_check_has_a_fixture() -> None:
    codes = set(re.findall(r"V4[2-5]\d", crossdoc.__doc__ or ""))
    shown = "".join((case / "expected.txt").read_text(encoding="utf-8") for case in CASES)
    assert len(codes) == 9
    assert codes == set(re.findall(r"\[(V4[2-5]\d)\]", shown))


@needs_jing
def test_valid_fixture_edition_is_clean() -> None:
    reporter = Reporter()
    summary = api.validate(fixture_project(FIXTURES / "valid"), reporter=reporter)
    assert reporter.render() == ""
    assert summary.files == ["tei/telegram.xml", "tei/register.xml"]


def test_lxml_reports_the_same_problems_without_columns() -> None:
    reporter = Reporter()
    case = FIXTURES / "invalid" / "V430-iso-date"
    api.validate(fixture_project(case), reporter=reporter, engine="lxml")
    lines = [line for line in reporter.render().splitlines() if not line.startswith("  ")]
    assert lines == [
        "tei/doc.xml:17: error[V310]: Invalid attribute when for element date",
        'tei/doc.xml:17: error[V430]: @when="1975-02-30" is not a valid ISO 8601 date',
    ]


@needs_jing
def test_register_is_validated_by_default(tmp_path: Path, capsys) -> None:
    shutil.copytree(FIXTURES / "invalid" / "register-org-id", tmp_path / "ed")
    (tmp_path / "ed" / "edition.toml").write_text(
        f'[paths]\nschema = "{SCHEMATRON.with_suffix(".rng")}"\nschematron = "{SCHEMATRON}"\n',
        encoding="utf-8",
    )
    assert main(["validate", "--project", str(tmp_path / "ed")]) == 1
    captured = capsys.readouterr()
    assert "tei/register.xml:18: error[V400-register-org-id]" in captured.err
    assert "2 file(s) checked with jing: 1 error(s)" in captured.out


@pytest.mark.parametrize(
    ("value", "interval"),
    [
        ("1975", ("1975-01-01", "1975-12-31")),
        ("1960-02", ("1960-02-01", "1960-02-29")),
        ("1975-12", ("1975-12-01", "1975-12-31")),
        ("1975-01-13", ("1975-01-13", "1975-01-13")),
        ("1975-01-13Z", ("1975-01-13", "1975-01-13")),
        ("1975-01-13T10:15:00+09:00", ("1975-01-13", "1975-01-13")),
        ("1975-02-29", None),
        ("1975-13", None),
        ("75-01-13", None),
        ("1975-01-13T25:00", None),
        ("13 January 1975", None),
    ],
)
def test_iso_dates(value: str, interval: tuple[str, str] | None) -> None:
    found = crossdoc.iso_interval(value)
    assert (tuple(d.isoformat() for d in found) if found else None) == interval


def _page_problems(body: str) -> list[str]:
    xml = f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>{body}</body></text></TEI>'
    doc = crossdoc.Document(Path("/x/doc.xml"), "doc.xml", etree.ElementTree(etree.fromstring(xml)))
    return [d.message for d in crossdoc.check([doc], {doc.path: doc})["doc.xml"]]


def test_page_numbers_roman_then_arabic_and_per_section() -> None:
    assert _page_problems('<pb n="i"/><pb n="ii"/><pb n="1"/><pb n="2"/><pb n="iv"/>') == []
    assert _page_problems('<pb n="ii"/><pb n="i"/>') == [
        'page break n="i" comes after n="ii" (line 1): page numbers must increase'
    ]
    sections = (
        '<div type="section"><pb n="1"/><pb n="2"/></div><div type="section"><pb n="1"/></div>'
    )
    assert _page_problems(sections) == []
    assert _page_problems('<div><pb n="2"/></div><div><pb n="2"/></div>') == [
        'page break n="2" comes after n="2" (line 1): page numbers must increase'
    ]
