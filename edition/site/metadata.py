"""What the pages show about a document, read from its teiHeader (and, for FRUS, its division)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from edition.tei import (
    XML_ID,
    compiled_xpath,
    local_name,
    text_of,
    xpath_elements,
    xpath_texts,
)

_KINDS = (
    ("record of conversation", "record of conversation"),
    ("memorandum of conversation", "memorandum of conversation"),
    ("telephone conversation", "telephone conversation"),
    ("information report", "information report"),
    ("telegram", "telegram"),
    ("memorandum", "memorandum"),
    ("letter", "letter"),
    ("despatch", "despatch"),
    ("dispatch", "despatch"),
    ("instruction", "instruction"),
    ("note", "note"),
    ("report", "report"),
    ("minutes", "minutes"),
    ("circular", "circular"),
    ("paper", "paper"),
    ("editorial note", "editorial note"),
    ("statement", "statement"),
    ("address", "address"),
)
_KIND_PATTERNS = tuple((re.compile(rf"\b{re.escape(n)}s?\b"), kind) for n, kind in _KINDS)
_HEADER = "/tei:TEI/tei:teiHeader"
_TEI_TEXT = "{http://www.tei-c.org/ns/1.0}text"
_TEI_HEAD = "{http://www.tei-c.org/ns/1.0}head"
_CLASSIFICATIONS = (
    "top secret",
    "secret",
    "confidential",
    "limited official use",
    "unclassified",
    "restricted",
)
_CLASSIFICATION_PATTERNS = tuple(
    (level, re.compile(rf"\b{level}\b", re.IGNORECASE)) for level in _CLASSIFICATIONS
)


@dataclass
class DocumentMeta:
    """Metadata of one document for lists, panels, citations and search filters."""

    title: str
    date: str = ""
    kind: str = ""
    archive: str = ""
    classification: str = ""
    abstract: str = ""
    collection: str = ""
    editors: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    source: str = ""
    uri: str = ""
    sender: str = ""
    recipient: str = ""
    hands: dict[str, str] = field(default_factory=dict)
    responsible: dict[str, str] = field(default_factory=dict)
    method: list[str] = field(default_factory=list)

    @property
    def year(self) -> str:
        return year_of(self.date)


def year_of(date: str) -> str:
    """The year of an ISO date ('' when it does not start with one)."""
    return date[:4] if re.match(r"^\d{4}", date) else ""


def _first(root: etree._Element, xpath: str) -> str:
    found = compiled_xpath(xpath)(root)
    return text_of(found[0]) if isinstance(found, list) and found else ""


def _element(root: etree._Element, xpath: str) -> etree._Element | None:
    found = compiled_xpath(xpath)(root)
    return found[0] if found and isinstance(found[0], etree._Element) else None


def _bibl_summary(bibl: etree._Element | None) -> str:
    """A bibl as one line: its parts joined by " · " (as written when it is running text)."""
    if bibl is None:
        return ""
    if (bibl.text or "").strip() or any((child.tail or "").strip() for child in bibl):
        return text_of(bibl)
    return " · ".join(text for child in bibl if (text := text_of(child)))


def _all(root: etree._Element, xpath: str) -> list[str]:
    """Distinct texts, first occurrence first."""
    return list(dict.fromkeys(xpath_texts(root, xpath)))


def kind_of(title: str, declared: str = "") -> str:
    """The document kind: declared in the header, else the first known word in the title."""
    if declared:
        return declared
    lowered = title.lower()
    for pattern, kind in _KIND_PATTERNS:
        if pattern.search(lowered):
            return kind
    return "document"


def classification_of(*texts: str) -> str:
    """The highest security classification named in the texts ('' when none)."""
    for level, pattern in _CLASSIFICATION_PATTERNS:
        for text in texts:
            if pattern.search(text):
                return level.upper()
    return ""


def read_title_and_date(
    tree: etree._ElementTree, fallback_title: str, body: etree._Element | None = None
) -> tuple[str, str]:
    """A document's title and ISO date, as ``read_meta`` gives them (all that ordering needs)."""
    root = tree.getroot()
    title = (
        _first(root, f"{_HEADER}/tei:fileDesc/tei:titleStmt/tei:title[@type='main']")
        or _first(root, f"{_HEADER}/tei:fileDesc/tei:titleStmt/tei:title[@type='document']")
        or _first(root, f"{_HEADER}/tei:fileDesc/tei:titleStmt/tei:title")
        or fallback_title
    )
    date = _first(
        root,
        f"{_HEADER}/tei:profileDesc/tei:correspDesc/tei:correspAction[@type='sent']/tei:date/@when",
    ) or _first(root, f"{_HEADER}/tei:fileDesc/tei:sourceDesc//tei:date/@when")
    if body is not None:
        title = _division_title(body.find(_TEI_HEAD)) or title
        date = _division_date(body) or date
    elif not date and (text_root := root.find(_TEI_TEXT)) is not None:
        date = _division_date(text_root)
    return title, _iso_date(date)


def read_meta(
    tree: etree._ElementTree, fallback_title: str, body: etree._Element | None = None
) -> DocumentMeta:
    """Metadata from the teiHeader; ``body`` (a FRUS document division) overrides title and date."""
    root = tree.getroot()
    header = _HEADER
    title, date = read_title_and_date(tree, fallback_title, body)
    collection = _first(
        root, f"{header}/tei:fileDesc/tei:titleStmt/tei:title[@type='collection']"
    ) or _first(root, f"{header}/tei:fileDesc/tei:titleStmt/tei:title[@type='volume']")
    text_root = body if body is not None else root.find(_TEI_TEXT)
    repository = _all(root, f"{header}/tei:fileDesc/tei:sourceDesc/tei:msDesc/tei:msIdentifier/*")
    archive = ", ".join(repository) or _first(
        root, f"{header}/tei:fileDesc/tei:sourceDesc/tei:bibl/tei:publisher"
    )
    if not archive:  # published sources (FRUS): the volume they are printed in
        archive = _first(root, f"{header}/tei:fileDesc/tei:titleStmt/tei:title[@type='volume']")
    declared_kind = _first(
        root, f"{header}/tei:profileDesc/tei:textClass/tei:keywords[@scheme='kind']/tei:term"
    )
    fw_class = (
        _first(text_root, ".//tei:fw[@type='classification']") if text_root is not None else ""
    )
    source_note = _first(text_root, ".//tei:note[@type='source']") if text_root is not None else ""
    keywords = _all(
        root, f"{header}/tei:profileDesc/tei:textClass/tei:keywords[not(@scheme='kind')]/tei:term"
    )
    hands = {
        str(n.get(XML_ID)): text_of(n) or str(n.get(XML_ID))
        for n in xpath_elements(
            root, f"{header}/tei:profileDesc/tei:handNotes/tei:handNote[@xml:id]"
        )
    }
    responsible: dict[str, str] = {}
    for resp in xpath_elements(root, f"{header}/tei:fileDesc/tei:titleStmt/tei:respStmt[@xml:id]"):
        name = _first(resp, "tei:name|tei:persName|tei:orgName")
        role = _first(resp, "tei:resp")
        responsible[str(resp.get(XML_ID))] = f"{name} ({role})" if role else name
    for editor in xpath_elements(root, f"{header}/tei:fileDesc/tei:titleStmt/tei:editor[@xml:id]"):
        responsible[str(editor.get(XML_ID))] = text_of(editor)
    method = _all(root, f"{header}/tei:encodingDesc/tei:editorialDecl//tei:p")
    sent = _all(
        root,
        f"{header}/tei:profileDesc/tei:correspDesc/tei:correspAction[@type='sent']/*[not(self::tei:date)]",
    )
    received = _all(
        root,
        f"{header}/tei:profileDesc/tei:correspDesc/tei:correspAction[@type='received']/*[not(self::tei:date)]",
    )
    kind = kind_of(title, declared_kind)
    if kind == "document" and text_root is not None:  # FRUS: "765.84/3470: Telegram" in a note
        for note in xpath_elements(text_root, ".//tei:note[@type='source' or @rend='inline']")[:2]:
            found = kind_of(text_of(note))
            if found not in {"document", "note"}:
                kind = found
                break
    return DocumentMeta(
        title=title,
        date=date,
        kind=kind,
        archive=archive,
        classification=classification_of(fw_class, source_note, *keywords),
        abstract=_first(root, f"{header}/tei:profileDesc/tei:abstract"),
        collection=collection,
        editors=_all(root, f"{header}/tei:fileDesc/tei:titleStmt/tei:editor"),
        languages=_all(root, f"{header}/tei:profileDesc/tei:langUsage/tei:language"),
        keywords=keywords,
        source=_bibl_summary(_element(root, f"{header}/tei:fileDesc/tei:sourceDesc/tei:bibl")),
        uri=_first(root, f"{header}/tei:fileDesc/tei:publicationStmt/tei:idno[@type='URI']"),
        sender=", ".join(sent),
        recipient=", ".join(received),
        hands=hands,
        responsible=responsible,
        method=method,
    )


def _division_title(head: etree._Element | None) -> str:
    """A heading's text without its notes."""
    if head is None:
        return ""
    parts = [head.text or ""]
    for child in head:
        if isinstance(child.tag, str) and local_name(child) != "note":
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _division_date(division: etree._Element) -> str:
    stamp = next((v for k, v in division.attrib.items() if k.endswith("doc-dateTime-min")), "")
    if stamp:
        return stamp[:10]
    found = compiled_xpath(".//tei:dateline//tei:date/@when")(division)
    return str(found[0])[:10] if found else ""


def _iso_date(value: str) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from a TEI date value; '' for anything else."""
    match = re.match(r"^(\d{4})(-\d\d)?(-\d\d)?", value.strip())
    return match.group(0) if match else ""
