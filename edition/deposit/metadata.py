"""What repositories need from a teiHeader, read once into a plain record."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from edition.tei import XML_ID, tei, text_of, xpath_elements, xpath_texts

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


def _one(tree: etree._ElementTree, xpath: str) -> str:
    values = xpath_texts(tree, xpath)
    return values[0] if values else ""


def read_header(tree: etree._ElementTree, fallback_id: str = "") -> HeaderRecord:
    """Collect the header fields deposit formats map from (missing ones are empty)."""
    root = tree.getroot()
    ident = root.get(XML_ID) or fallback_id
    title = _one(tree, f"{_FILE}/tei:titleStmt/tei:title[@type='main']") or _one(
        tree, f"{_FILE}/tei:titleStmt/tei:title"
    )
    editors = [
        Contributor(text_of(node), node.get("role") or "editor")
        for node in xpath_elements(tree, f"{_FILE}/tei:titleStmt/tei:editor")
        if text_of(node)
    ]
    for stmt in xpath_elements(tree, f"{_FILE}/tei:titleStmt/tei:respStmt"):
        resp = stmt.find(tei("resp"))
        role = text_of(resp) if resp is not None else ""
        for name in stmt.findall(tei("name")):
            if text_of(name):
                editors.append(Contributor(text_of(name), role or "contributor"))
    source = ", ".join(
        xpath_texts(
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
        authors=xpath_texts(
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
        source_idnos=xpath_texts(
            tree,
            f"{_FILE}/tei:sourceDesc/tei:bibl/tei:idno"
            f" | {_FILE}/tei:sourceDesc/tei:msDesc/tei:msIdentifier/tei:idno",
        ),
        date=_one(tree, f"{_FILE}/tei:sourceDesc//tei:date/@when")
        or _one(tree, f"{_HEADER}/tei:profileDesc/tei:correspDesc//tei:date/@when"),
        languages=xpath_texts(tree, f"{_HEADER}/tei:profileDesc/tei:langUsage/tei:language/@ident"),
        keywords=xpath_texts(
            tree, f"{_HEADER}/tei:profileDesc/tei:textClass/tei:keywords/tei:term"
        ),
        abstract=_one(tree, f"{_HEADER}/tei:profileDesc/tei:abstract"),
        changes=xpath_texts(tree, f"{_HEADER}/tei:revisionDesc//tei:change"),
        changed=max(xpath_texts(tree, f"{_HEADER}/tei:revisionDesc//tei:change/@when"), default=""),
    )
