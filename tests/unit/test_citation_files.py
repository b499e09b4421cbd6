"""The CSL-JSON citation file is written as ``json.dumps`` with an indent writes it."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from edition.config import EditionSettings, Person
from edition.site.citation import csl_json

#: Any text TOML and XML can hold (no lone surrogates).
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))


@given(texts, texts, st.lists(texts, max_size=3), st.sampled_from(["", "1952", "1952-05-12"]))
def test_csl_json_is_written_as_json_dumps_writes_it(
    title: str, edition_title: str, editors: list[str], date: str
) -> None:
    edition = EditionSettings(
        title=edition_title, id="ed", editors=[Person(name=name) for name in editors]
    )
    written = csl_json(edition, title, date, "a-slug")
    item = json.loads(written)
    assert written == json.dumps(item, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert item[0]["title"] == title
    assert item[0]["editor"] == [{"literal": name} for name in editors if name]
