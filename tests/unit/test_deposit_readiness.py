"""The deposit-ready Schematron and ``edition validate --deposit``."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from edition.cli import main
from edition.deposit.readiness import deposit_problems
from edition.project import bundled
from edition.tei import parse_xml

RULES = bundled("schema") / "deposit.sch"
SCH = {"sch": "http://purl.oclc.org/dsdl/schematron"}

COMPLETE = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="d1"><teiHeader>
<fileDesc>
 <titleStmt><title type="main">Letter</title><editor role="editor">A. Editor</editor></titleStmt>
 <editionStmt><edition n="1.0">Edition, version 1.0</edition></editionStmt>
 <publicationStmt><publisher>P</publisher><idno type="edition">e:d1</idno>
  <availability><licence target="https://creativecommons.org/licenses/by/4.0/">CC-BY-4.0</licence></availability>
 </publicationStmt>
 <sourceDesc><msDesc><msIdentifier><repository>Archive</repository><idno>F. 1, op. 2</idno>
  </msIdentifier></msDesc>
  <bibl><date when="1960-05-10"/></bibl></sourceDesc>
</fileDesc>
<encodingDesc><editorialDecl><p>Spelling kept.</p></editorialDecl></encodingDesc>
<profileDesc><langUsage><language ident="en">English</language></langUsage>
 <textClass><keywords><term>diplomacy</term></keywords></textClass></profileDesc>
<revisionDesc><change when="2026-01-01">Imported.</change></revisionDesc>
</teiHeader><text><body><p>x</p></body></text></TEI>"""


def test_every_assert_has_an_id_and_xpath1_binding() -> None:
    rules = parse_xml(RULES).getroot()
    assert rules.get("queryBinding") == "xslt"
    asserts = rules.xpath("//sch:assert | //sch:report", namespaces=SCH)
    assert asserts and all(a.get("id", "").startswith("dr-") for a in asserts)
    assert len({a.get("id") for a in asserts}) == len(asserts)


def test_complete_header_is_deposit_ready() -> None:
    assert deposit_problems(parse_xml(COMPLETE, "d1.xml"), "d1.xml", RULES) == []


def test_each_missing_field_is_reported() -> None:
    tree = parse_xml(COMPLETE, "d1.xml")
    header = tree.getroot()[0]
    for xpath in (
        "//tei:keywords",
        "//tei:msIdentifier/tei:idno",
        "//tei:licence/@target",
        "//tei:editor/@role",
        "//tei:change/@when",
        "//tei:editorialDecl",
    ):
        for found in header.xpath(xpath, namespaces={"tei": "http://www.tei-c.org/ns/1.0"}):
            if isinstance(found, etree._Element):
                found.getparent().remove(found)
            else:
                found.getparent().attrib.pop(found.attrname)
    codes = [d.code for d in deposit_problems(tree, "d1.xml", RULES)]
    assert codes == [
        "V450-dr-licence",
        "V450-dr-idno-source",
        "V450-dr-editorial",
        "V450-dr-keywords",
        "V450-dr-editor-role",
        "V450-dr-change-date",
    ]


def test_validate_deposit_reports_per_document(demo: Path, capsys) -> None:
    assert main(["validate", "--project", str(demo)]) == 0
    capsys.readouterr()
    assert main(["validate", "--project", str(demo), "--deposit"]) == 1
    err = capsys.readouterr().err
    # The archive translation's header has no keywords (the wrapper gives none).
    name = "tei/1960-05-10_record-of-conversation_khrushchev-fukuda-takasaki.xml"
    lines = (demo / name).read_text(encoding="utf-8").splitlines()
    header = next(n for n, text in enumerate(lines, 1) if "<teiHeader" in text)
    assert (
        f"{name}:{header}: error[V450-dr-keywords]: No keywords: add "
        "profileDesc/textClass/keywords/term (one per subject)." in err
    )
    assert err.count("error[V450-dr-keywords]") == 1
    assert "dr-change-date" not in err  # the importer dates its change entry
