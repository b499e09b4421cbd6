"""The sigla fixtures (tests/fixtures/sigla/*.md): transcription → TEI paragraph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from edition import sigla
from edition.profiles import load
from edition.readers.inline import InlineContext, fill
from edition.sigla.notes import DEFINITION
from edition.tei import make

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sigla"


def read_fixtures(path: Path) -> list[tuple[int, str, str, str]]:
    """Cases of a dot-delimited file: (line, title, input, expected)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, index = [], 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        title, start = lines[index], index + 1
        assert lines[index + 1] == ".", f"{path.name}:{start}: expected '.' after the title"
        parts, current, index = [], [], index + 2
        while len(parts) < 2:
            if lines[index] == ".":
                parts.append("\n".join(current))
                current = []
            else:
                current.append(lines[index])
            index += 1
        cases.append((start, title, parts[0], parts[1]))
    return cases


CASES = [
    pytest.param(path, text, expected, id=f"{path.stem}:{line}:{title}")
    for path in sorted(FIXTURES.glob("*.md"))
    for line, title, text, expected in read_fixtures(path)
]


def encode(text: str) -> str:
    ctx = InlineContext(sigla.parser(load("transcription").sigla), "fixture.md")
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        if match := DEFINITION.match(line):
            ctx.footnotes[match["label"]] = (number, match["text"])
        else:
            lines.append(line)
    p = make("p")
    fill(p, lines, 1, ctx)
    xml = etree.tostring(p, encoding="unicode")
    return re.sub(r" xmlns(:ns0)?=\"[^\"]+\"", "", xml).replace("ns0:", "")


@pytest.mark.parametrize(("path", "text", "expected"), CASES)
def test_siglum_fixture(path: Path, text: str, expected: str) -> None:
    assert encode(text) == expected
