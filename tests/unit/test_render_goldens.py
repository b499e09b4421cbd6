"""Golden pairs: tests/golden/render/<case>.xml rendered → <case>.html.

Regenerate with ``nox -s regen`` and
review the diff in git before committing.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from edition.render.behaviours import RenderContext
from edition.render.html import HTMLRenderer
from edition.tei import parse_xml

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "render"
CASES = sorted(p.stem for p in GOLDEN.glob("*.xml"))


def render(case: str) -> str:
    root = parse_xml(GOLDEN / f"{case}.xml").getroot()
    ctx = RenderContext(
        register={"pers-gromyko": "../../persons/pers-gromyko/"},
        hands={"hand-1": "Pencil, a desk officer"},
        responsible={"translator": "Allison Smith (translation)"},
    )
    html = str(HTMLRenderer().render(root, ctx))
    entries = "".join(f"\n<!-- {e.number} {e.kind}: {e.summary} -->" for e in ctx.apparatus)
    return html + entries + "\n"


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    expected_path = GOLDEN / f"{case}.html"
    actual = render(case)
    if os.environ.get("EDITION_REGEN"):
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), f"no golden {expected_path.name}: run 'nox -s regen'"
    expected = expected_path.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(True), actual.splitlines(True), "expected", "actual"
        )
    )
    assert actual == expected, diff


def test_every_contract_element_has_a_golden() -> None:
    contract = {
        "gap",
        "supplied",
        "unclear",
        "add",
        "sic",
        "signed",
        "hi",
        "head",
        "note",
        "pb",
        "fw",
        "lb",
        "quote",
        "opener",
        "sp",
        "persName",
    }
    assert contract <= {c.split("-")[0] for c in CASES}
