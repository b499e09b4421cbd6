"""A schema's included files: found at any depth, and an edit to one is seen at once.

The data: a RELAX NG schema whose definitions are in an included file (and another
that it includes in turn), edited between two validations; in compact syntax too;
tei_all, which includes nothing.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from conftest import TEI_ALL, needs_jing, needs_tei_all

from edition import api
from edition.cache import Cache
from edition.diagnostics import Reporter
from edition.validation import jing_server, schema_files

MAIN = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <include href="parts/defs.rng"/>
  <start><ref name="doc"/></start>
</grammar>
"""
DEFS = """<rng:grammar xmlns:rng="http://relaxng.org/ns/structure/1.0">
  <!-- the paragraph is in a file of its own -->
  <rng:include href='para.rng'/>
  <rng:define name="doc">
    <rng:element name="doc"><rng:zeroOrMore><rng:ref name="para"/></rng:zeroOrMore></rng:element>
  </rng:define>
</rng:grammar>
"""
PARA = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <define name="para"><element name="p"><text/></element></define>
</grammar>
"""
#: Not a schema, but what the search must survive: a cycle, a remote and a file: URL.
ODD = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <include href="defs.rng"/>
  <externalRef href="http://example.org/remote.rng"/>
  <externalRef href="file:extra%20part.rng"/>
</grammar>
"""


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    (tmp_path / "parts").mkdir()
    (tmp_path / "main.rng").write_text(MAIN, encoding="utf-8")
    (tmp_path / "parts" / "defs.rng").write_text(DEFS, encoding="utf-8")
    (tmp_path / "parts" / "para.rng").write_text(PARA, encoding="utf-8")
    return tmp_path / "main.rng"


def test_every_included_file_is_found_once(schema: Path) -> None:
    parts = schema.parent / "parts"
    assert schema_files.files(schema) == [schema, parts / "defs.rng", parts / "para.rng"]
    (parts / "para.rng").write_text(ODD, encoding="utf-8")
    assert schema_files.files(schema) == [
        schema,
        parts / "defs.rng",
        parts / "para.rng",
        parts / "extra part.rng",
    ]


def test_compact_syntax_references(tmp_path: Path) -> None:
    (tmp_path / "main.rnc").write_text(
        "include \"common.rnc\"\nstart = external 'sub/doc.rnc'\n", encoding="utf-8"
    )
    assert schema_files.files(tmp_path / "main.rnc") == [
        tmp_path / "main.rnc",
        tmp_path / "common.rnc",
        tmp_path / "sub" / "doc.rnc",
    ]


@needs_tei_all
def test_tei_all_is_one_file() -> None:
    assert schema_files.files(TEI_ALL) == [TEI_ALL.absolute()]


def test_the_digest_follows_the_included_files(schema: Path) -> None:
    before = schema_files.content_digest(schema)
    para = schema.parent / "parts" / "para.rng"
    para.write_text(PARA.replace('name="p"', 'name="q"'), encoding="utf-8")
    assert schema_files.content_digest(schema) != before


def validated(schema: Path, document: Path, engine: str, cache: Cache) -> list[str]:
    reporter = Reporter()
    api.validate(None, [document], reporter, schema=schema, engine=engine, cache=cache)
    return [d.message for d in reporter.diagnostics]


@pytest.mark.parametrize("engine", ["lxml", pytest.param("jing", marks=needs_jing)])
@pytest.mark.parametrize("kept", [False, True])
def test_an_edited_included_file_is_seen_by_the_next_validation(
    schema: Path, tmp_path: Path, engine: str, kept: bool
) -> None:
    document = tmp_path / "doc.xml"
    document.write_text("<doc><p>text</p></doc>\n", encoding="utf-8")
    cache = Cache(tmp_path / "cache")
    para = schema.parent / "parts" / "para.rng"
    with jing_server.kept_running() if kept else contextlib.nullcontext():
        assert validated(schema, document, engine, cache) == []
        para.write_text(PARA.replace('name="p"', 'name="q"'), encoding="utf-8")
        after = validated(schema, document, engine, cache)
        assert after and all(re.search(r"\bp\b", message) for message in after)
        para.write_text(PARA, encoding="utf-8")
        assert validated(schema, document, engine, cache) == []


SCHEMATRON = """<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">
  <pattern id="paragraphs">
    <include href="rules/paragraph.sch"/>
  </pattern>
</schema>
"""
RULE = """<rule xmlns="http://purl.oclc.org/dsdl/schematron" context="p">
  <assert id="p-long" test="string-length(.) &gt; 3">The paragraph is short.</assert>
</rule>
"""


def test_schematron_references(tmp_path: Path) -> None:
    (tmp_path / "main.sch").write_text(
        SCHEMATRON.replace("</schema>", '<extends href="base.sch"/></schema>'), encoding="utf-8"
    )
    assert schema_files.files(tmp_path / "main.sch") == [
        tmp_path / "main.sch",
        tmp_path / "rules" / "paragraph.sch",
        tmp_path / "base.sch",
    ]


def test_an_edited_included_schematron_file_is_seen_by_the_next_validation(
    schema: Path, tmp_path: Path
) -> None:
    (tmp_path / "rules").mkdir()
    rules = tmp_path / "main.sch"
    rules.write_text(SCHEMATRON, encoding="utf-8")
    rule = tmp_path / "rules" / "paragraph.sch"
    rule.write_text(RULE, encoding="utf-8")
    document = tmp_path / "doc.xml"
    document.write_text("<doc><p>text</p></doc>\n", encoding="utf-8")
    cache = Cache(tmp_path / "cache")

    def codes() -> list[str]:
        reporter = Reporter()
        api.validate(
            None, [document], reporter, schema=schema, schematron=rules, engine="lxml", cache=cache
        )
        return [d.code for d in reporter.diagnostics]

    assert codes() == []
    rule.write_text(RULE.replace("&gt; 3", "&gt; 10"), encoding="utf-8")
    assert codes() == ["V400-p-long"]  # neither the cached result nor the compiled rules
    rule.write_text(RULE, encoding="utf-8")
    assert codes() == []
