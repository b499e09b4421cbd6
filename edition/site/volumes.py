"""Splitting volumes (FRUS and the like) into one standalone TEI document per division."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from edition.fsutil import safe_name
from edition.tei import XML_ID, tei, xpath_elements


@dataclass
class Piece:
    """One document of a file: its id, its standalone TEI tree and its division (or None)."""

    id: str
    tree: etree._ElementTree
    division: etree._Element | None


def divisions(tree: etree._ElementTree, xpath: str) -> list[etree._Element]:
    """The document divisions of a file, outermost only."""
    found = xpath_elements(tree, xpath)
    among = set(found)
    inside = set()
    for element in found:
        for ancestor in element.iterancestors():
            if ancestor in among:
                inside.add(element)
                break
    return [e for e in found if e not in inside]


def pieces_of(
    tree: etree._ElementTree, file_id: str, mode: str, xpath: str
) -> list[tuple[str, etree._Element]]:
    """(id, division) of each document of a volume; ``[]`` when the file is one document."""
    parts = divisions(tree, xpath) if mode != "never" else []
    if mode == "auto" and len(parts) < 2:
        parts = []
    found: list[tuple[str, etree._Element]] = []
    seen: set[str] = set()
    for number, division in enumerate(parts, start=1):
        local = division.get(XML_ID) or f"d{number}"
        ident = safe_name(f"{file_id}-{local}", f"{file_id}-{number}")
        while ident in seen:
            ident += "-x"
        seen.add(ident)
        found.append((ident, division))
    return found


def split(tree: etree._ElementTree, file_id: str, mode: str, xpath: str) -> list[Piece]:
    """``[Piece]`` for a file: itself, or one per division when ``mode`` asks for splitting."""
    found = pieces_of(tree, file_id, mode, xpath)
    if not found:
        return [Piece(file_id, tree, None)]
    return [Piece(ident, standalone(tree, division, ident), division) for ident, division in found]


def standalone(
    tree: etree._ElementTree, division: etree._Element, ident: str
) -> etree._ElementTree:
    """A TEI document: the volume's header (copied) and the division as its body."""
    root = tree.getroot()
    new_root = etree.Element(root.tag, nsmap=root.nsmap)
    new_root.set(XML_ID, ident)
    header = root.find(tei("teiHeader"))
    if header is not None:
        new_root.append(copy.deepcopy(header))
    text = etree.SubElement(new_root, tei("text"))
    body = etree.SubElement(text, tei("body"))
    piece = copy.deepcopy(division)
    piece.tail = None
    body.append(piece)
    return new_root.getroottree()
