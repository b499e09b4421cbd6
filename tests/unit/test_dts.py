"""The static DTS 1.0 files: the shapes of the specification, consistent with the TEI.

Most tests run on the demo built both ways: by default (whole documents only) and with
``[site] dts_units = true`` (files per citable unit too).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from edition.cli import main
from edition.outputs import dts
from edition.outputs.dts import DTS_NS, citable_units, cite_structure
from edition.tei import NSMAP, TEI_NS, XML_ID, parse_xml

REPO = Path(__file__).resolve().parents[2]
SITE_BASE = "https://example.org/moscow-tokyo/"
BASE = f"{SITE_BASE}dts/"
#: Elements of body that are page furniture, not citable units.
FURNITURE = "self::tei:pb or self::tei:lb or self::tei:cb or self::tei:milestone or self::tei:fw"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """The demo edition built once per value of ``[site] dts_units`` (False: the default)."""
    roots = {}
    for units in (False, True):
        root = tmp_path_factory.mktemp("dts") / "demo"
        root.mkdir()
        for name in ("edition.toml", "tei", "templates", "docs"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / name)
        if units:
            with (root / "edition.toml").open("a", encoding="utf-8") as config:
                config.write("\n[site]\ndts_units = true\n")
        assert main(["build", "--project", str(root), "--no-validate"]) == 0
        roots[units] = root
    return roots


@pytest.fixture(params=[False, True], ids=["default", "dts_units"])
def site(request: pytest.FixtureRequest, built: dict[bool, Path]) -> Path:
    """The demo built without, then with, the per-unit files."""
    return built[request.param]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def expand(template: str, **values: str) -> str:
    """RFC 6570 expansion for the operators our templates use ({var} and {/var})."""

    def one(match: re.Match[str]) -> str:
        op, name = match[1], match[2]
        value = values.get(name)
        if value is None:
            return ""
        return f"/{value}" if op == "/" else value

    return re.sub(r"\{(/?)(\w+)\}", one, template)


def local(url: str, site: Path) -> Path:
    assert url.startswith(BASE), url
    return site / "site" / "dts" / url[len(BASE) :]


def tei_documents(site: Path) -> dict[str, etree._ElementTree]:
    trees = {}
    for path in sorted((site / "tei").glob("*.xml")):
        if path.name == "register.xml":
            continue
        tree = parse_xml(path)
        trees[tree.getroot().get(XML_ID)] = tree
    return trees


def test_entry_point_shape(site: Path) -> None:
    entry = load(site / "site/dts/index.json")
    assert entry["@context"] == "https://dtsapi.org/context/v1.0.json"
    assert entry["@type"] == "EntryPoint"
    assert entry["dtsVersion"] == "1.0"
    assert entry["@id"] == f"{BASE}index.json"
    for key in ("collection", "navigation", "document"):
        assert isinstance(entry[key], str) and "{" in entry[key]


def test_collection_lists_every_document(site: Path) -> None:
    entry = load(site / "site/dts/index.json")
    root = load(local(expand(entry["collection"]), site))
    assert root == load(local(expand(entry["collection"], id="mt"), site))
    for key in (
        "@context",
        "@id",
        "@type",
        "dtsVersion",
        "title",
        "totalParents",
        "totalChildren",
        "collection",
        "member",
    ):
        assert key in root
    assert root["@type"] == "Collection"
    assert root["totalParents"] == 0
    trees = tei_documents(site)
    assert root["totalChildren"] == len(root["member"]) == len(trees)
    assert sorted(m["@id"] for m in root["member"]) == sorted(trees)
    for member in root["member"]:
        assert member["@type"] == "Resource"
        for key in (
            "title",
            "totalParents",
            "totalChildren",
            "collection",
            "navigation",
            "document",
            "citationTrees",
        ):
            assert key in member
        tree = trees[member["@id"]]
        assert member["title"] == tree.xpath(
            "normalize-space(//tei:titleStmt/tei:title[@type='main'])", namespaces=NSMAP
        )
        own = load(local(expand(member["collection"]), site))
        assert own["@id"] == member["@id"] and own["dtsVersion"] == "1.0"


def test_navigation_has_every_citable_unit(site: Path) -> None:
    root = load(site / "site/dts/collection.json")
    trees = tei_documents(site)
    for member in root["member"]:
        tree = trees[member["@id"]]
        navigation = load(local(expand(member["navigation"], resource=member["@id"]), site))
        assert navigation["@type"] == "Navigation"
        assert navigation["dtsVersion"] == "1.0"
        resource = navigation["resource"]
        for key in ("@id", "@type", "collection", "navigation", "document", "citationTrees"):
            assert key in resource
        blocks = tree.xpath(f"/tei:TEI/tei:text/tei:body/*[not({FURNITURE})]", namespaces=NSMAP)
        units = navigation["member"]
        top = [u["identifier"] for u in units if u["level"] == 1]
        assert top == [str(i) for i in range(1, len(blocks) + 1)]
        identifiers = {u["identifier"] for u in units}
        for unit in units:
            assert unit["parent"] is None or unit["parent"] in identifiers
            assert unit["@type"] == "CitableUnit"
            assert {"identifier", "level", "parent"} <= unit.keys()
            assert unit["level"] == unit["identifier"].count(".") + 1
        declared: set[str] = set()
        pending = list(resource["citationTrees"][0]["citeStructure"])
        while pending:
            structure = pending.pop()
            declared.add(structure["citeType"])
            pending.extend(structure.get("citeStructure", []))
        assert {u["citeType"] for u in units} == declared


def test_document_fragments_hold_the_tei_text(built: dict[bool, Path]) -> None:
    site = built[True]
    root = load(site / "site/dts/collection.json")
    trees = tei_documents(site)
    for member in root["member"]:
        tree = trees[member["@id"]]
        full = local(expand(member["document"], resource=member["@id"]), site)
        assert parse_xml(full).getroot().tag == f"{{{TEI_NS}}}TEI"
        blocks = tree.xpath(f"/tei:TEI/tei:text/tei:body/*[not({FURNITURE})]", namespaces=NSMAP)
        for number, block in enumerate(blocks, start=1):
            path = local(expand(member["document"], ref=str(number)), site)
            fragment = parse_xml(path).getroot()
            assert fragment.tag == f"{{{TEI_NS}}}TEI"
            wrapper = fragment.find(f"{{{DTS_NS}}}wrapper")
            assert wrapper is not None
            (copy,) = list(wrapper)
            assert "".join(copy.itertext()) == "".join(block.itertext())
            assert tree.xpath(wrapper.get("ref"), namespaces=NSMAP) == [block]
            ref = load(local(expand(member["navigation"], ref=str(number)), site))
            assert ref["ref"]["identifier"] == str(number)


def test_divisions_nest_in_the_citation_tree() -> None:
    tree = etree.ElementTree(
        etree.fromstring(
            f'<TEI xmlns="{TEI_NS}"><text><body>'
            '<div type="letter"><head>One</head><p>a</p><pb n="2"/><p>b</p></div>'
            "<div><p>c</p></div></body></text></TEI>"
        )
    )
    units = citable_units(tree)
    assert [(u.identifier, u.level, u.parent, u.cite_type) for u in units] == [
        ("1", 1, None, "letter"),
        ("1.1", 2, "1", "heading"),
        ("1.2", 2, "1", "paragraph"),
        ("1.3", 2, "1", "paragraph"),
        ("2", 1, None, "section"),
        ("2.1", 2, "2", "paragraph"),
    ]
    assert units[0].as_json()["dublinCore"]["title"][0]["value"] == "One"
    assert cite_structure(units) == [
        {
            "@type": "CiteStructure",
            "citeType": "letter",
            "citeStructure": [
                {"@type": "CiteStructure", "citeType": "heading"},
                {"@type": "CiteStructure", "citeType": "paragraph"},
            ],
        },
        {
            "@type": "CiteStructure",
            "citeType": "section",
            "citeStructure": [
                {"@type": "CiteStructure", "citeType": "paragraph"},
            ],
        },
    ]


def test_atom_feed_lists_every_document(built: dict[bool, Path]) -> None:
    site = built[False]
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = parse_xml(site / "site/feed.xml")
    trees = tei_documents(site)
    ids = feed.xpath("/a:feed/a:entry/a:id/text()", namespaces=atom)
    uris = [
        t.xpath("string(//tei:publicationStmt/tei:idno[@type='URI'])", namespaces=NSMAP)
        for t in trees.values()
    ]
    assert sorted(ids) == sorted(uris)
    for required in ("a:title", "a:id", "a:updated", "a:author/a:name"):
        assert feed.xpath(f"/a:feed/{required}", namespaces=atom)
    for entry in feed.xpath("/a:feed/a:entry", namespaces=atom):
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
            entry.xpath("string(a:updated)", namespaces=atom),
        )
        assert entry.xpath("a:link[@type='application/tei+xml']/@href", namespaces=atom)


def test_atom_is_reproducible_with_source_date_epoch(demo: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    toml = demo / "edition.toml"
    toml.write_text(toml.read_text().replace('base_url = "https://example.org/moscow-tokyo/"', ""))
    assert main(["build", "--project", str(demo), "--no-validate"]) == 0
    first = (demo / "site/feed.xml").read_bytes()
    entry = json.loads((demo / "site/dts/index.json").read_text())
    assert entry["collection"] == "/dts/collection{/id}.json"
    assert main(["build", "--project", str(demo), "--no-validate"]) == 0
    assert (demo / "site/feed.xml").read_bytes() == first
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = parse_xml(first)
    assert set(feed.xpath("//a:updated/text()", namespaces=atom)) == {"2023-11-14T22:13:20Z"}
    assert feed.xpath("string(/a:feed/a:id)", namespaces=atom) == "urn:x-edition:mt"


#: Required properties per @type, from the tables of the DTS 1.0 specification.
#: (Collection members need no @context/dtsVersion: those are response-level.)
REQUIRED = {
    "EntryPoint": {
        "@id": str,
        "dtsVersion": str,
        "collection": str,
        "navigation": str,
        "document": str,
    },
    "Collection": {
        "@id": str,
        "title": str,
        "totalParents": int,
        "totalChildren": int,
        "collection": str,
    },
    "Resource": {
        "@id": str,
        "collection": str,
        "navigation": str,
        "document": str,
        "citationTrees": list,
    },
    "Navigation": {"@id": str, "dtsVersion": str, "resource": dict},
    "CitableUnit": {"identifier": str, "level": int, "parent": (str, type(None))},
    "CitationTree": {},
    "CiteStructure": {"citeType": str},
}


def check_shapes(value, where: str, top: bool = False) -> int:
    """Check every typed object in a DTS response; returns how many were checked."""
    checked = 0
    if isinstance(value, dict):
        kind = value.get("@type")
        if top:
            assert value.get("@context") == "https://dtsapi.org/context/v1.0.json", where
            assert value.get("dtsVersion") == "1.0", where
        if kind is not None:
            assert kind in REQUIRED, f"{where}: unknown @type {kind}"
            for key, expected in REQUIRED[kind].items():
                assert key in value, f"{where}: {kind} lacks {key}"
                assert isinstance(value[key], expected), f"{where}: {kind}.{key}"
            if kind == "Resource" and top:
                assert {"title", "totalParents"} <= value.keys(), where
            checked += 1
        for key, inner in value.items():
            checked += check_shapes(inner, f"{where}/{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            checked += check_shapes(inner, f"{where}[{index}]")
    return checked


def test_every_dts_file_has_the_shapes_of_the_specification(site: Path) -> None:
    files = sorted((site / "site/dts").rglob("*.json"))
    assert len(files) > 5
    for path in files:
        assert check_shapes(load(path), path.name, top=True) > 0


def test_every_identifier_is_unique_and_every_parent_exists(site: Path) -> None:
    for path in sorted((site / "site/dts/navigation").glob("*.json")):
        units = load(path)["member"]
        ids = [u["identifier"] for u in units]
        assert len(ids) == len(set(ids))
        assert all(u["parent"] is None or u["parent"] in ids for u in units)
        assert all(u["level"] == u["identifier"].count(".") + 1 for u in units)


#: Keys whose values are URLs or URI templates of DTS files or of the TEI download.
LINK_KEYS = ("collection", "navigation", "document", "download")


def advertised(value, resource: str | None = None):
    """Every (URL or URI template, identifier of the Resource it belongs to) in a response."""
    if isinstance(value, dict):
        if value.get("@type") == "Resource":
            resource = value["@id"]
        for key, inner in value.items():
            if key in LINK_KEYS and isinstance(inner, str):
                yield inner, resource
            else:
                yield from advertised(inner, resource)
    elif isinstance(value, list):
        for inner in value:
            yield from advertised(inner, resource)


def responses(site: Path) -> dict[str, dict]:
    """Every DTS JSON file of the site by its path below ``dts/``."""
    folder = site / "site/dts"
    return {p.relative_to(folder).as_posix(): load(p) for p in sorted(folder.rglob("*.json"))}


def variables(template: str) -> set[str]:
    """The variables of a URI template; only ``{var}`` and ``{/var}`` are expected."""
    assert re.sub(r"\{/?\w+\}", "", template).count("{") == 0, template
    return set(re.findall(r"\{/?(\w+)\}", template))


def test_default_writes_whole_documents_only(built: dict[bool, Path]) -> None:
    site = built[False] / "site/dts"
    documents = load(site / "collection.json")["member"]
    navigation = site / "navigation"
    assert [p.name for p in navigation.iterdir() if not p.is_file()] == []
    assert sorted(p.name for p in navigation.iterdir()) == sorted(
        d["@id"] + ".json" for d in documents
    )
    # The document endpoint is the TEI download: the same bytes are not written twice.
    assert not (site / "document").exists()
    for member in documents:
        download = built[False] / f"site/documents/{member['@id']}/{member['@id']}.xml"
        assert (
            member["document"]
            == member["download"]
            == f"{SITE_BASE}{download.relative_to(built[False] / 'site')}"
        )
    for path, response in responses(built[False]).items():
        for template, _ in advertised(response):
            assert "ref" not in variables(template), f"{path} offers {template}"
    units = responses(built[True])
    assert "{/ref}" in units["index.json"]["navigation"]
    assert all("{/ref}" in d["document"] for d in units["collection.json"]["member"])


def test_whole_tree_lists_every_unit_in_both_modes(built: dict[bool, Path]) -> None:
    for member in load(built[False] / "site/dts/collection.json")["member"]:
        slug = member["@id"]
        whole, with_units = (
            load(built[units] / f"site/dts/navigation/{slug}.json") for units in (False, True)
        )
        assert whole["member"] == with_units["member"]
        tree = parse_xml(built[False] / f"site/documents/{slug}/{slug}.xml")
        assert [u["identifier"] for u in whole["member"]] == [
            u.identifier for u in citable_units(tree)
        ]


def test_every_advertised_url_resolves_to_a_file(site: Path) -> None:
    found = responses(site)
    entry = found["index.json"]
    resources = [m["@id"] for m in found["collection.json"]["member"]]
    refs = {
        r: [u["identifier"] for u in found[f"navigation/{r}.json"]["member"]] for r in resources
    }
    links = [(entry["@id"], None)]
    links += [(r["@id"], None) for r in found.values() if r["@type"] == "Navigation"]
    for response in found.values():
        links.extend(advertised(response))
    checked = set()
    for template, resource in links:
        names = variables(template)
        assert names <= {"id", "resource", "ref"}, template
        # The entry point's templates take any resource; a Resource's are filled in already.
        for bound in resources if "resource" in names else [resource]:
            choices = {
                "id": [None, found["collection.json"]["@id"], *resources],
                "resource": [bound],
                "ref": [None, *refs.get(bound, [])],
            }
            picked = [choices[n] if n in names else [None] for n in ("id", "resource", "ref")]
            for id_, resource_, ref in itertools.product(*picked):
                url = expand(template, id=id_, resource=resource_, ref=ref)
                assert url.startswith(SITE_BASE), url
                assert (site / "site" / url[len(SITE_BASE) :]).is_file(), f"{template} → {url}"
                checked.add(url)
    files = {p for p in (site / "site/dts").rglob("*") if p.is_file()}
    assert {site / "site" / u[len(SITE_BASE) :] for u in checked} >= files


def test_root_collection_is_paged_past_collection_page(
    built: dict[bool, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two members a page: the demo's three documents take two linked pages."""
    unpaged = load(built[False] / "site/dts/collection.json")
    root = tmp_path / "demo"
    shutil.copytree(
        built[False], root, ignore=shutil.ignore_patterns("site", ".edition-cache", ".site.*")
    )
    monkeypatch.setattr(dts, "COLLECTION_PAGE", 2)
    assert main(["build", "--project", str(root), "--no-validate"]) == 0
    folder = root / "site/dts"
    first = load(folder / "collection.json")
    assert load(folder / "collection/mt.json") == first
    members, seen, page = [], [], first
    while True:
        view = page["view"]
        assert view["@type"] == "Pagination"
        assert view["first"] == f"{BASE}collection/mt.json"
        assert view["last"] == f"{BASE}collection/mt/page-2.json"
        assert page["totalChildren"] == unpaged["totalChildren"] == 3
        assert {k: v for k, v in page.items() if k not in ("member", "view")} == {
            k: v for k, v in unpaged.items() if k != "member"
        }
        seen.append(view["@id"])
        members += page["member"]
        if "next" not in view:
            break
        assert view["next"].startswith(BASE)
        page = load(folder / view["next"][len(BASE) :])
        assert page["view"]["previous"] == seen[-1]
    assert seen == [view["first"], view["last"]]
    assert [len(load(folder / u[len(BASE) :])["member"]) for u in seen] == [2, 1]
    assert members == unpaged["member"]
