"""The benchmark corpus helpers: split volumes are standalone TEI, replicas get unique ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import bench_corpus as corpus
from lxml import etree

from edition.cli import main

REPO = Path(__file__).resolve().parents[2]
TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

VOLUME = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{TEI}" xmlns:frus="http://history.state.gov/frus/ns/1.0" xml:id="vol">
  <teiHeader xml:id="h"><fileDesc><titleStmt><title>Volume</title></titleStmt>
    <publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>
  </fileDesc></teiHeader>
  <text><body>
    <div type="chapter">
      <div type="document" xml:id="d1" frus:doc-dateTime-min="1870-01-01">
        <head>One</head><p xml:id="p1">See <ref target="#p1 #elsewhere">here</ref>.</p>
        <frus:attachment><p>dropped</p></frus:attachment>
      </div>
      <div type="document" xml:id="d2"><head>Two</head><p>Text</p></div>
    </div>
  </body></text>
</TEI>
"""


def ids(paths: list[Path]) -> list[str]:
    return [
        e.get(XML_ID)
        for p in paths
        for e in etree.parse(str(p)).iter()
        if isinstance(e.tag, str) and e.get(XML_ID)
    ]


def test_split_volume_writes_one_standalone_tei_file_per_document(tmp_path: Path) -> None:
    volume = tmp_path / "vol.xml"
    volume.write_text(VOLUME, encoding="utf-8")
    (tmp_path / "out").mkdir()
    files = corpus().split_volume(volume, tmp_path / "out")
    assert len(files) == 2
    for path in files:
        root = etree.parse(str(path)).getroot()
        assert root.tag == f"{{{TEI}}}TEI"
        assert root.find(f"{{{TEI}}}teiHeader") is not None
        divs = root.findall(f"{{{TEI}}}text/{{{TEI}}}body/{{{TEI}}}div")
        assert [d.get("type") for d in divs] == ["document"]
        text = path.read_text(encoding="utf-8")
        assert "history.state.gov/frus" not in text and "dropped" not in text


def test_uniquify_and_replicate_make_ids_unique_and_keep_pointers(tmp_path: Path) -> None:
    module = corpus()
    volume = tmp_path / "vol.xml"
    volume.write_text(VOLUME, encoding="utf-8")
    (tmp_path / "out").mkdir()
    files = module.split_volume(volume, tmp_path / "out")
    module.uniquify(files)
    made = module.replicate(files, tmp_path / "out", 3)
    assert len(made) == 8 and len({p.name for p in made}) == 8
    all_ids = ids(made)
    assert len(all_ids) == len(set(all_ids))
    for path in made:
        root = etree.parse(str(path)).getroot()
        own = {e.get(XML_ID) for e in root.iter() if isinstance(e.tag, str)}
        for ref in root.iter(f"{{{TEI}}}ref"):
            local, outside = ref.get("target").split()
            assert local[1:] in own and outside == "#elsewhere"


def test_the_entity_edition_is_valid_and_names_the_register_in_every_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's entity scale: the demo's documents copied (two copies a multiple
    here), valid with the demo's schema and Schematron, every copy naming the one
    register, so that the most mentioned place has the demo's mentions once per copy."""
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    import bench_build

    monkeypatch.setattr(bench_build, "DEMO_COPIES", 2)
    folder = tmp_path / "entities"
    assert bench_build.make_entity_edition(folder, 1) == 6
    every = ids(sorted((folder / "tei").glob("*.xml")))
    assert len(set(every)) == len(every)
    assert main(["build", "--project", str(folder)]) == 0  # validated, as edition build does
    named = (path.read_text(encoding="utf-8") for path in (REPO / "tei").glob("1*.xml"))
    demo = sum(text.count("#place-japan") for text in named)
    assert bench_build.most_mentions(folder) == 2 * demo == 174
