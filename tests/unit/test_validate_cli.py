"""``edition validate`` end to end: engines, Java fallback, formats, exit statuses, any schema,
and the build gate."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SCHEMA, SCHEMATRON, TEI_ALL, needs_jing, needs_tei_all
from lxml import etree

from edition.cli import main
from edition.diagnostics import Reporter
from edition.errors import UsageError
from edition.validation import Settings, jing, relaxng, schematron, start

BROKEN = "tei/1975-01-13_telegram_tokyo-00458.xml"


@pytest.fixture
def broken(demo: Path) -> Path:
    """The demo edition with an unknown element and a malformed file."""
    path = demo / BROKEN
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"(<body>.*?<p>)", r"\1<blink/>", text, count=1, flags=re.S), encoding="utf-8"
    )
    (demo / "tei" / "zz-malformed.xml").write_text("<TEI>\n  <p>\n</TEI>\n", encoding="utf-8")
    return demo


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _end_column(path: Path, needle: str) -> int:
    """1-based column just after ``needle`` on its line (where jing reports an element)."""
    line = next(text for text in path.read_text().splitlines() if needle in text)
    return line.index(needle) + len(needle) + 1


@needs_jing
def test_jing_reports_every_file_with_columns(broken: Path, capsys) -> None:
    assert main(["validate", "--project", str(broken), "--engine", "jing"]) == 1
    out, err = capsys.readouterr()
    line = _line_of(broken / BROKEN, "<blink/>")
    column = _end_column(broken / BROKEN, "<blink/>")
    assert err.splitlines() == [
        f'{BROKEN}:{line}:{column}: error[V310]: element "blink" not allowed anywhere; '
        'expected the element end-tag, text or element "add", "date", "fw", "gap", "hi", '
        '"label", "lb", "name", "note", "orgName", "pb", "persName", "placeName", "quote", '
        '"sic", "supplied", "title" or "unclear"',
        "  hint: docs/encoding.md lists what the edition's schema allows, and where",
        "tei/zz-malformed.xml:3:7: error[V303]: malformed XML: Opening and ending tag mismatch: "
        "p line 2 and TEI",
        "  hint: fix the markup at this position; the XML must be well-formed",
    ]
    assert out == "5 file(s) checked with jing: 2 error(s)\n"


def test_lxml_reports_lines_without_columns(broken: Path, capsys) -> None:
    assert main(["validate", "--project", str(broken), "--engine", "lxml"]) == 1
    err = capsys.readouterr().err
    line = _line_of(broken / BROKEN, "<blink/>")
    assert f"{BROKEN}:{line}: error[V310]: Did not expect element blink there" in err.splitlines()
    assert "tei/zz-malformed.xml:3:7: error[V303]" in err


def test_missing_java_falls_back_to_lxml_and_says_so_once(demo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("JAVA", str(demo / "no-such-java"))
    assert main(["validate", "--project", str(demo)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "warning[V320]: Java not found: RELAX NG validation uses lxml, which reports no columns "
        "and can miss errors",
        "  hint: install Java (17 or later) so that jing, the reference validator, is used",
    ]
    assert out == "4 file(s) checked with lxml: valid\n"


def test_missing_java_with_engine_jing_is_a_usage_error(demo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(demo))
    monkeypatch.delenv("JAVA", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert main(["validate", "--project", str(demo), "--engine", "jing"]) == 2
    assert "error[V322]: --engine jing needs Java" in capsys.readouterr().err


@needs_jing
def test_json_format(broken: Path, capsys) -> None:
    assert main(["validate", "--project", str(broken), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in err.splitlines()]
    assert [(r["code"], r["path"], r["column"]) for r in records] == [
        ("V310", BROKEN, _end_column(broken / BROKEN, "<blink/>")),
        ("V303", "tei/zz-malformed.xml", 7),
    ]
    assert out == "5 file(s) checked with jing: 2 error(s)\n"


@needs_jing
def test_junit_format(broken: Path, capsys) -> None:
    assert main(["validate", "--project", str(broken), "--format", "junit"]) == 1
    out, err = capsys.readouterr()
    suite = etree.fromstring(out.encode()).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("5", "2")
    failed = {
        case.get("name"): case.find("failure").get("type")
        for case in suite.iter("testcase")
        if case.find("failure") is not None
    }
    assert failed == {BROKEN: "V310", "tei/zz-malformed.xml": "V303"}
    assert err == "5 file(s) checked with jing: 2 error(s)\n"


@needs_jing
def test_github_format(broken: Path, capsys) -> None:
    assert main(["validate", "--project", str(broken), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (
        "::error file=tei/zz-malformed.xml,line=3,col=7,title=error[V303]::malformed XML: "
        "Opening and ending tag mismatch: p line 2 and TEI%0Ahint: fix the "
        "markup at this "
        "position; the XML must be well-formed"
    )
    assert lines[0].startswith(f"::error file={BROKEN},line=")


def test_usage_errors_exit_2(demo: Path, capsys) -> None:
    assert main(["validate", "--project", str(demo), "tei/nothing-here.xml"]) == 2
    assert main(["validate", "--project", str(demo), "--format", "yaml"]) == 2
    not_a_schema = demo / "not-a-schema.rng"
    not_a_schema.write_text("<grammar/>", encoding="utf-8")
    assert (
        main(
            ["validate", "--project", str(demo), "--engine", "lxml", "--schema", str(not_a_schema)]
        )
        == 2
    )
    assert "error[C020]: the RELAX NG schema cannot be used" in capsys.readouterr().err


@needs_jing
@needs_tei_all
def test_any_schema_and_schematron_outside_an_edition(tmp_path: Path, monkeypatch, capsys) -> None:
    """The FRUS documents: tei_all plus a project's own Schematron, same command and output."""
    shutil.copy(FIXTURES / "frus" / "frus1964-68v23_d120.xml", tmp_path / "d120.xml")
    rules = tmp_path / "frus.sch"
    rules.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">'
        '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><pattern>'
        '<rule context="tei:pb"><assert id="pb-facs-number" test="number(@facs) = @facs">'
        "pb/@facs is not a number. Fix: give the scan number.</assert></rule>"
        '<rule context="tei:note[@type=\'source\']"><report id="source-note" test="true()">'
        "A source note. Fix: nothing.</report></rule></pattern></schema>",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    status = main(["validate", "--schema", str(TEI_ALL), "--schematron", str(rules), "d120.xml"])
    out, err = capsys.readouterr()
    assert status == 1
    assert [line for line in err.splitlines() if not line.startswith("  ")] == [
        'd120.xml:18:174: error[V310]: attribute "frus:doc-dateTime-min" not allowed here; '
        + err.split("not allowed here; ", 1)[1].split("\n", 1)[0],
        'd120.xml:18:174: error[V310]: attribute "frus:doc-dateTime-max" not allowed here; '
        + err.split("not allowed here; ", 2)[2].split("\n", 1)[0],
        "d120.xml:25: error[V400-source-note]: A source note.",
    ]
    assert out == "1 file(s) checked with jing: 3 error(s)\n"


@needs_jing
@pytest.mark.parametrize("limit", [30_000, 0], ids=["command-line", "argfile"])
def test_jing_maps_paths_with_spaces(tmp_path: Path, monkeypatch, limit: int) -> None:
    monkeypatch.setattr(jing, "_MAX_COMMAND_LINE", limit)
    folder = tmp_path / 'my "documents"'
    folder.mkdir()
    source = FIXTURES / "invalid" / "V430-iso-date" / "tei" / "doc.xml"
    shutil.copy(source, folder / "a doc.xml")
    reporter = Reporter()
    files = [(folder / "a doc.xml", "a doc.xml")]
    start(files, Settings(SCHEMA, None, "jing", False), reporter).finish()
    assert [(d.code, str(d.location)) for d in reporter] == [("V310", "a doc.xml:17:37")]


def test_schemas_are_compiled_once_per_process(demo: Path) -> None:
    files = [(p, p.name) for p in sorted((demo / "tei").glob("*.xml"))]
    start(files, Settings(SCHEMA, SCHEMATRON, "lxml"), Reporter()).finish()
    rng_misses = relaxng._compiled.cache_info().misses
    sch_misses = schematron._compiled.cache_info().misses
    start(files, Settings(SCHEMA, SCHEMATRON, "lxml"), Reporter()).finish()
    assert relaxng._compiled.cache_info().misses == rng_misses
    assert schematron._compiled.cache_info().misses == sch_misses


def test_a_changed_schema_is_compiled_again(tmp_path: Path, demo: Path) -> None:
    schema = tmp_path / "schema.rng"
    shutil.copy(SCHEMA, schema)
    documents = sorted(p for p in (demo / "tei").glob("*.xml") if p.name != "register.xml")
    files = [(p, p.name) for p in documents]
    reporter = Reporter()
    start(files, Settings(schema, None, "lxml", False), reporter).finish()
    assert not reporter.diagnostics
    schema.write_text(SCHEMA.read_text().replace(">main<", ">principal<"), encoding="utf-8")
    start(files, Settings(schema, None, "lxml", False), reporter).finish()
    assert len(reporter.diagnostics) == 3  # title type="main" is no longer allowed


def test_build_refuses_an_invalid_edition(broken: Path, capsys) -> None:
    (broken / "tei" / "zz-malformed.xml").unlink()
    assert main(["build", "--project", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert "error[V310]" in err
    assert "Not built" in out
    assert not (broken / "site").exists()


def test_build_without_validation_says_so_on_the_site(broken: Path) -> None:
    (broken / "tei" / "zz-malformed.xml").unlink()
    assert main(["build", "--project", str(broken), "--no-validate"]) == 0
    assert "published without validation" in (broken / "site" / "index.html").read_text()


def test_validated_build_has_no_notice(demo: Path) -> None:
    assert main(["build", "--project", str(demo)]) == 0
    assert "published without validation" not in (demo / "site" / "index.html").read_text()


def test_unusable_schematron_and_rnc_without_jing_are_config_errors(demo: Path, capsys) -> None:
    not_schematron = demo / "rules.sch"
    not_schematron.write_text("<rules/>", encoding="utf-8")
    assert main(["validate", "--project", str(demo), "--schematron", str(not_schematron)]) == 2
    assert "error[C021]: the Schematron cannot be used" in capsys.readouterr().err
    not_schematron.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">'
        '<pattern><rule context="*"><assert id="x2" test="matches(., \'a\')">XPath 2.</assert>'
        "</rule></pattern></schema>",
        encoding="utf-8",
    )
    assert main(["validate", "--project", str(demo), "--schematron", str(not_schematron)]) == 2
    assert "Unregistered function" in capsys.readouterr().err
    rnc = str(SCHEMA.with_suffix(".rnc"))
    assert main(["validate", "--project", str(demo), "--engine", "lxml", "--schema", rnc]) == 2
    assert "error[C022]: lxml cannot read compact-syntax RELAX NG (.rnc)" in capsys.readouterr().err


@needs_jing
def test_jing_reads_the_compact_syntax(demo: Path, capsys) -> None:
    rnc = str(SCHEMA.with_suffix(".rnc"))
    assert main(["validate", "--project", str(demo), "--engine", "jing", "--schema", rnc]) == 0
    assert capsys.readouterr().out == "4 file(s) checked with jing: valid\n"


def test_a_broken_java_is_a_configuration_error(demo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("JAVA", "false")  # runs, prints nothing, exits 1
    assert main(["validate", "--project", str(demo), "--engine", "jing"]) == 2
    assert capsys.readouterr().err.splitlines() == ["error[C024]: jing failed: exit status 1"]


def test_unknown_engine_from_python(demo: Path) -> None:
    with pytest.raises(UsageError) as raised:
        start([], Settings(SCHEMA, None, "xmllint"), Reporter()).finish()
    assert [d.render() for d in raised.value.diagnostics] == [
        "error[V321]: unknown validation engine 'xmllint'\n  hint: choose one of auto, jing, lxml"
    ]


def test_a_new_edition_validates(tmp_path: Path) -> None:
    assert main(["new", str(tmp_path / "fresh")]) == 0
    assert main(["validate", "--project", str(tmp_path / "fresh"), "--engine", "lxml"]) == 0


def test_junit_keeps_run_warnings_and_passing_files(demo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("JAVA", str(demo / "no-such-java"))
    assert main(["validate", "--project", str(demo), "--format", "junit"]) == 0
    suite = etree.fromstring(capsys.readouterr().out.encode()).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("4", "0")
    assert "warning[V320]" in suite.findtext("system-out")
    assert all(case.find("failure") is None for case in suite.iter("testcase"))


def test_every_diagnostic_is_printed_once_in_order_whatever_the_batch(
    broken: Path, monkeypatch, capsys
) -> None:
    from edition import cli

    for n in range(5):
        (broken / "tei" / f"zz-malformed-{n}.xml").write_text("<TEI>\n <p>\n</TEI>\n")
    printed = {}
    for batch in (1, 2, 3, 500):  # 1: a line a call, as before batches
        monkeypatch.setattr(cli, "_PRINT_BATCH", batch)
        assert main(["validate", "--project", str(broken), "--engine", "lxml"]) == 1
        printed[batch] = capsys.readouterr().err
    assert printed[2] == printed[3] == printed[500] == printed[1]
    shown = [line.split(":")[0] for line in printed[1].splitlines() if "error[" in line]
    malformed = [f"tei/zz-malformed-{n}.xml" for n in range(5)]
    assert shown == [BROKEN, *malformed, "tei/zz-malformed.xml"]
    assert len(printed[1].splitlines()) == 2 * len(shown)  # each with its hint


def test_a_file_name_that_is_not_utf8_is_reported_not_crashed_on(
    demo: Path, tmp_path: Path, capsys
) -> None:
    """A TEI file named in another encoding (Latin-1 ``café.xml``) is refused by name
    (V306) by validation and by the build, with exit status 1 and no internal error; the
    site already built stays as it was. So is such a file given to ``edition validate``
    outside any edition."""
    assert main(["build", "--project", str(demo)]) == 0
    site = {p: p.read_bytes() for p in (demo / "site").rglob("*") if p.is_file()}
    source = demo / BROKEN
    odd = Path(os.fsdecode(os.fsencode(demo / "tei") + b"/caf\xe9.xml"))
    try:
        odd.write_bytes(source.read_bytes())
    except (OSError, UnicodeError):  # a file system that takes only UTF-8 names
        pytest.skip("this file system refuses names that are not UTF-8")
    capsys.readouterr()
    for command in ("validate", "build"):
        assert main([command, "--project", str(demo)]) == 1
        err = capsys.readouterr().err
        assert "tei/caf\\xe9.xml: error[V306]: the file name is not UTF-8" in err, command
        assert "internal error" not in err
    assert {p: p.read_bytes() for p in (demo / "site").rglob("*") if p.is_file()} == site
    # a file given by name, outside any edition: refused the same way, not sent to jing
    alone = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.xml"))
    alone.write_bytes(source.read_bytes())
    assert main(["validate", "--schema", str(SCHEMA), str(alone)]) == 1
    err = capsys.readouterr().err
    assert "caf\\xe9.xml: error[V306]: the file name is not UTF-8" in err
    assert "internal error" not in err
