"""What repositories need from a teiHeader, read once into a plain record."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from edition.tei import NSMAP, XML_ID, tei

_HEADER = "/tei:TEI/tei:teiHeader"
_FILE = f"{_HEADER}/tei:fileDesc"


@dataclass(frozen=True)
class Contributor:
    """A person or body named in the titleStmt, with the role they played."""

    name: str
    role: str


@dataclass
class HeaderRecord:
    """The bibliographic facts of one TEI document, as plain strings."""

    id: str
    title: str
    collection: str = ""
    editors: list[Contributor] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    pub_place: str = ""
    licence: str = ""
    licence_url: str = ""
    edition_idno: str = ""
    uri: str = ""
    version: str = ""
    source: str = ""
    source_idnos: list[str] = field(default_factory=list)
    date: str = ""
    languages: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    abstract: str = ""
    changes: list[str] = field(default_factory=list)
    changed: str = ""


def _text(node: object) -> str:
    if isinstance(node, etree._Element):
        return " ".join("".join(node.itertext()).split())
    return " ".join(str(node).split())


def _all(tree: etree._ElementTree, xpath: str) -> list[str]:
    found = tree.xpath(xpath, namespaces=NSMAP)
    if not isinstance(found, list):
        return []
    values = [_text(node) for node in found]
    return [v for v in values if v]


def _one(tree: etree._ElementTree, xpath: str) -> str:
    values = _all(tree, xpath)
    return values[0] if values else ""


def read_header(tree: etree._ElementTree, fallback_id: str = "") -> HeaderRecord:
    """Collect the header fields deposit formats map from (missing ones are empty)."""
    root = tree.getroot()
    ident = root.get(XML_ID) or fallback_id
    title = _one(tree, f"{_FILE}/tei:titleStmt/tei:title[@type='main']") or _one(
        tree, f"{_FILE}/tei:titleStmt/tei:title"
    )
    editors = [
        Contributor(_text(node), node.get("role") or "editor")
        for node in tree.xpath(f"{_FILE}/tei:titleStmt/tei:editor", namespaces=NSMAP)
        if isinstance(node, etree._Element) and _text(node)
    ]
    for stmt in tree.xpath(f"{_FILE}/tei:titleStmt/tei:respStmt", namespaces=NSMAP):
        if not isinstance(stmt, etree._Element):
            continue
        resp = stmt.find(tei("resp"))
        role = _text(resp) if resp is not None else ""
        for name in stmt.findall(tei("name")):
            if _text(name):
                editors.append(Contributor(_text(name), role or "contributor"))
    source = ", ".join(
        _all(
            tree,
            f"{_FILE}/tei:sourceDesc/tei:msDesc/tei:msIdentifier/*"
            f" | {_FILE}/tei:sourceDesc/tei:bibl/*[not(self::tei:note[@type='transcription'])]",
        )
    )
    return HeaderRecord(
        id=ident,
        title=title or ident,
        collection=_one(tree, f"{_FILE}/tei:titleStmt/tei:title[@type='collection']"),
        editors=editors,
        authors=_all(
            tree,
            f"{_FILE}/tei:sourceDesc/tei:bibl/tei:author"
            f" | {_FILE}/tei:sourceDesc//tei:msItem/tei:author"
            f" | {_HEADER}/tei:profileDesc/tei:correspDesc/tei:correspAction[@type='sent']"
            "/*[self::tei:persName or self::tei:orgName]",
        ),
        publisher=_one(tree, f"{_FILE}/tei:publicationStmt/tei:publisher"),
        pub_place=_one(tree, f"{_FILE}/tei:publicationStmt/tei:pubPlace"),
        licence=_one(tree, f"{_FILE}/tei:publicationStmt/tei:availability/tei:licence"),
        licence_url=_one(tree, f"{_FILE}/tei:publicationStmt/tei:availability/tei:licence/@target"),
        edition_idno=_one(tree, f"{_FILE}/tei:publicationStmt/tei:idno[@type='edition']"),
        uri=_one(tree, f"{_FILE}/tei:publicationStmt/tei:idno[@type='URI']"),
        version=_one(tree, f"{_FILE}/tei:editionStmt/tei:edition/@n"),
        source=source,
        source_idnos=_all(
            tree,
            f"{_FILE}/tei:sourceDesc/tei:bibl/tei:idno"
            f" | {_FILE}/tei:sourceDesc/tei:msDesc/tei:msIdentifier/tei:idno",
        ),
        date=_one(tree, f"{_FILE}/tei:sourceDesc//tei:date/@when")
        or _one(tree, f"{_HEADER}/tei:profileDesc/tei:correspDesc//tei:date/@when"),
        languages=_all(tree, f"{_HEADER}/tei:profileDesc/tei:langUsage/tei:language/@ident"),
        keywords=_all(tree, f"{_HEADER}/tei:profileDesc/tei:textClass/tei:keywords/tei:term"),
        abstract=_one(tree, f"{_HEADER}/tei:profileDesc/tei:abstract"),
        changes=_all(tree, f"{_HEADER}/tei:revisionDesc//tei:change"),
        changed=max(_all(tree, f"{_HEADER}/tei:revisionDesc//tei:change/@when"), default=""),
    )
