"""The hardened XML parser refuses entities, DTDs and malformed input with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.errors import InputError, XMLSecurityError
from edition.tei import parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&lol9;</p></body></text></TEI>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE TEI [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&secret;</p></body></text></TEI>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE TEI SYSTEM "http://127.0.0.1:9/tei.dtd">
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>
"""


def test_billion_laughs_is_refused_without_expansion() -> None:
    with pytest.raises(XMLSecurityError) as caught:
        parse_xml(BILLION_LAUGHS, "laughs.xml")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.render() == (
        "laughs.xml:1: error[V304]: the document declares DTD entities "
        "(lol, lol1, lol2, lol3, lol9); entities are not expanded for safety\n"
        "  hint: remove the <!DOCTYPE …> entity declarations and write the characters themselves"
    )


def test_xxe_never_reads_the_file() -> None:
    with pytest.raises(XMLSecurityError) as caught:
        parse_xml(XXE, "xxe.xml")
    assert "root:" not in str(caught.value)
    assert caught.value.diagnostics[0].code == "V304"


def test_external_dtd_is_not_loaded() -> None:
    tree = parse_xml(EXTERNAL_DTD, "dtd.xml")  # no network access, no error
    assert tree.getroot().findtext(".//{http://www.tei-c.org/ns/1.0}p") == "x"


def test_undeclared_entity_is_a_located_error() -> None:
    with pytest.raises(InputError) as caught:
        parse_xml(b"<TEI>\n  <p>caf&eacute;</p>\n</TEI>", "doc.xml")
    assert (
        caught.value.diagnostics[0]
        .render()
        .startswith("doc.xml:2:17: error[V303]: malformed XML: Entity 'eacute' not defined")
    )


def test_malformed_xml_is_located_without_recovery() -> None:
    with pytest.raises(InputError) as caught:
        parse_xml(b"<TEI>\n<p>one</p>\n<p>two</TEI>\n", "bad.xml")
    rendered = caught.value.diagnostics[0].render()
    assert rendered.startswith("bad.xml:3:")
    assert "error[V303]: malformed XML: Opening and ending tag mismatch" in rendered


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"  \n")
    with pytest.raises(InputError) as caught:
        parse_xml(empty, "empty.xml")
    assert caught.value.diagnostics[0].render().splitlines()[0] == (
        "empty.xml: error[V302]: the XML file is empty"
    )
    with pytest.raises(InputError) as caught:
        parse_xml(tmp_path / "missing.xml", "missing.xml")
    assert caught.value.diagnostics[0].code == "V301"
