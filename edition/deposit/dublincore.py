"""One ``oai_dc`` record per document, mapped from its teiHeader."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from edition.deposit.metadata import HeaderRecord
from edition.tei import parse_xml

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

#: The oai_dc schema and the simple Dublin Core schema it imports (local copies).
XSD_DIR = Path(__file__).resolve().parent / "xsd"
OAI_DC_XSD = XSD_DIR / "oai_dc.xsd"


def oai_dc(record: HeaderRecord, *, url: str = "") -> etree._Element:
    """The ``oai_dc:dc`` element describing one document (empty fields are left out)."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)

    def dc(name: str, value: str) -> None:
        if value:
            etree.SubElement(root, f"{{{DC_NS}}}{name}").text = value

    dc("title", record.title)
    for author in record.authors:
        dc("creator", author)
    for person in record.editors:
        dc("contributor", f"{person.name} ({person.role})")
    for keyword in record.keywords:
        dc("subject", keyword)
    dc("description", record.abstract)
    dc("publisher", record.publisher)
    dc("date", record.date)
    dc("type", "Text")
    dc("format", "application/tei+xml")
    dc("identifier", record.uri or url)
    dc("identifier", record.edition_idno)
    dc("source", record.source)
    for idno in record.source_idnos:
        dc("source", idno)
    for language in record.languages:
        dc("language", language)
    dc("relation", record.collection)
    dc("rights", record.licence_url)
    dc("rights", record.licence)
    etree.indent(root)
    return root


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(parse_xml(OAI_DC_XSD))


def schema_problems(record: etree._Element) -> list[str]:
    """Messages of every way ``record`` breaks the oai_dc XML Schema (empty when valid)."""
    schema = _schema()
    if schema.validate(record):
        return []
    return [entry.message for entry in schema.error_log]
