"""teiHeader → record → oai_dc and CITATION.cff, on a header with every part filled in."""

from __future__ import annotations

from pathlib import Path

import xmlschema

from edition.config import Person, Settings
from edition.deposit.citation_cff import citation_cff
from edition.deposit.dublincore import OAI_DC_XSD, oai_dc, schema_problems
from edition.deposit.metadata import Contributor, read_header
from edition.tei import parse_xml, serialize

LETTER = Path(__file__).resolve().parents[1] / "golden/outputs/dts/input/tei/letter-1.xml"
DC = {"dc": "http://purl.org/dc/elements/1.1/"}


def test_read_header() -> None:
    record = read_header(parse_xml(LETTER))
    assert record.id == "letter-1"
    assert record.title == "A letter with two parts"
    assert record.editors == [Contributor("Ada Editor", "editor")]
    assert record.authors == ["B. Writer"]
    assert record.source == "Town Archive, A 1/2"
    assert record.source_idnos == ["A 1/2"]
    assert record.date == "1901-02-03"
    assert record.keywords == ["weather"]
    assert record.abstract == "A short letter."
    assert record.changed == "2026-01-02"
    assert record.version == "1.0.0"


def test_oai_dc_mapping() -> None:
    record = oai_dc(read_header(parse_xml(LETTER)))
    assert schema_problems(record) == []
    xmlschema.XMLSchema(str(OAI_DC_XSD)).validate(serialize(record).decode())

    def values(name: str) -> list[str]:
        return record.xpath(f"dc:{name}/text()", namespaces=DC)

    assert values("creator") == ["B. Writer"]
    assert values("contributor") == ["Ada Editor (editor)"]
    assert values("subject") == ["weather"]
    assert values("description") == ["A short letter."]
    assert values("source") == ["Town Archive, A 1/2", "A 1/2"]
    assert values("identifier") == ["https://example.org/gl/documents/letter-1/", "gl:letter-1"]


def test_a_record_with_child_elements_breaks_the_schema() -> None:
    record = oai_dc(read_header(parse_xml(LETTER)))
    record[0].append(record[1].__copy__())
    assert schema_problems(record)


def test_citation_cff() -> None:
    settings = Settings()
    settings.edition.title = 'Letters "1917"'
    settings.edition.editors = [
        Person(name="Ada Editor", orcid="https://orcid.org/0000-0002-1825-0097")
    ]
    settings.deposit.doi = "10.5281/zenodo.1"
    text = citation_cff(settings, ["war", "peace"], "2023-11-14")
    assert text.splitlines() == [
        "cff-version: 1.2.0",
        'message: "If you use this edition, please cite it as below."',
        "type: dataset",
        'title: "Letters \\"1917\\""',
        'version: "0.1.0"',
        "authors:",
        '  - name: "Ada Editor"',
        '    orcid: "https://orcid.org/0000-0002-1825-0097"',
        'license: "CC-BY-4.0"',
        'doi: "10.5281/zenodo.1"',
        'date-released: "2023-11-14"',
        "keywords:",
        '  - "war"',
        '  - "peace"',
    ]
