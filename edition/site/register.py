"""The register of persons, places and organisations (``tei/register.xml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from edition.diagnostics import Reporter
from edition.errors import EditionError
from edition.fsutil import safe_name
from edition.tei import NSMAP, XML_ID, parse_xml, text_of

KINDS = {"person": "persons", "place": "places", "org": "organisations"}


@dataclass
class Entity:
    """One entry of the register."""

    id: str
    kind: str  # person, place, org
    name: str
    variants: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def slug(self) -> str:
        return safe_name(self.id, "entity")

    @property
    def folder(self) -> str:
        return KINDS[self.kind]


def read_register(path: Path, shown: str, reporter: Reporter) -> dict[str, Entity]:
    """Entities by id; an absent register is an empty one."""
    if not path.is_file():
        return {}
    try:
        tree = parse_xml(path, shown)
    except EditionError as err:
        reporter.extend(err.diagnostics)
        return {}
    entities: dict[str, Entity] = {}
    for kind, element, name_el in (
        ("person", "person", "persName"),
        ("place", "place", "placeName"),
        ("org", "org", "orgName"),
    ):
        for node in tree.xpath(f"//tei:{element}[@xml:id]", namespaces=NSMAP):
            names = node.xpath(f"tei:{name_el}", namespaces=NSMAP)
            main = [n for n in names if n.get("type") != "variant"] or names
            ident = str(node.get(XML_ID))
            entities[ident] = Entity(
                ident,
                kind,
                text_of(main[0]) if main else ident,
                [text_of(n) for n in names if n.get("type") == "variant"],
                " ".join(
                    text_of(n)
                    for n in node.xpath(
                        "tei:note|tei:desc|tei:occupation|tei:birth|tei:death", namespaces=NSMAP
                    )
                ),
            )
    return entities


def read_embedded(tree: etree._ElementTree, prefix: str) -> dict[str, Entity]:
    """Persons listed inside a volume (FRUS ``div[@xml:id='persons']``), keyed by their local id.

    Their register ids are prefixed with the volume's name, so volumes cannot collide.
    """
    found: dict[str, Entity] = {}
    xpath = "//tei:div[@xml:id='persons']//tei:persName[@xml:id]"
    for name in tree.xpath(xpath, namespaces=NSMAP):
        local = str(name.get(XML_ID))
        item = name.getparent()
        note = text_of(item) if item is not None else ""
        label = text_of(name).rstrip(",")
        found[local] = Entity(
            f"{prefix}-{local}", "person", label, [], note.removeprefix(label).strip(" ,")
        )
    return found
