"""TEI namespaces, the element factory, hardened parsing and deterministic serialisation.

Every XML document enters the program through :func:`parse_xml`, which refuses
entity expansion, DTD loading, network access and recover mode.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

from lxml import etree

from edition.diagnostics import Location, error
from edition.errors import InputError, XMLSecurityError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"tei": TEI_NS}
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

#: Largest XML file we parse (lxml's own limit for text nodes is 10 MB without huge_tree).
MAX_XML_BYTES = 512 * 1024 * 1024


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
    )


def parse_xml(source: Path | bytes, display_path: str | None = None) -> etree._ElementTree:
    """Parse XML safely; raise ``InputError`` with a located diagnostic on any problem.

    ``display_path`` is the path shown in diagnostics (relative to the project).
    Documents that declare entities in an internal DTD subset, or still hold
    entity references, are refused: they are the vehicle of XXE and
    billion-laughs attacks, and TEI needs neither (use characters or ``g``).
    """
    if isinstance(source, Path):
        shown = display_path or str(source)
        try:
            data = source.read_bytes()
        except OSError as err:
            raise InputError(
                error("V301", f"cannot read XML file: {err.strerror}", Location(shown))
            ) from err
        url: str | None = str(source)
    else:
        shown = display_path or "<string>"
        data = source
        url = display_path
    if not data.strip():
        raise InputError(
            error("V302", "the XML file is empty", Location(shown), "write a TEI document into it")
        )
    try:
        root = etree.fromstring(data, _hardened_parser(), base_url=url)
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (None, None)
        message = str(err.msg).split(" (", 1)[0] if err.msg else "malformed XML"
        message = re.sub(r", line \d+, column \d+$", "", message)
        raise InputError(
            error(
                "V303",
                f"malformed XML: {message}",
                Location(shown, line or None, column or None),
                "fix the markup at this position; the XML must be well-formed",
            )
        ) from err
    tree = root.getroottree()
    _refuse_entities(tree, shown)
    return tree


def _refuse_entities(tree: etree._ElementTree, shown: str) -> None:
    dtd = tree.docinfo.internalDTD
    declared = [decl.name for decl in dtd.iterentities()] if dtd is not None else []
    if declared:
        raise XMLSecurityError(
            error(
                "V304",
                f"the document declares DTD entities ({', '.join(map(str, declared[:5]))}); "
                "entities are not expanded for safety",
                Location(shown, 1),
                "remove the <!DOCTYPE …> entity declarations and write the characters themselves",
            )
        )
    for ref in tree.getroot().iter(etree.Entity):
        raise XMLSecurityError(
            error(
                "V305",
                f"unexpanded entity reference {ref.text}",
                Location(shown, ref.sourceline),
                "replace the entity with the character it stands for",
            )
        )


def tei(tag: str) -> str:
    """Clark name of a TEI element: ``tei("p")`` → ``{http://www.tei-c.org/ns/1.0}p``."""
    return f"{{{TEI_NS}}}{tag}"


def local_name(element: etree._Element) -> str:
    """The element's name without namespace ('' for comments and PIs)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def make(
    tag: str,
    text: str | None = None,
    *children: etree._Element,
    line: int | None = None,
    **attributes: Any,
) -> etree._Element:
    """Create a TEI element with attributes (``xml_id`` → ``xml:id``) and provenance line."""
    element = etree.Element(tei(tag), nsmap={None: TEI_NS})
    for name, value in attributes.items():
        if value is None:
            continue
        key = {"xml_id": XML_ID, "xml_lang": XML_LANG}.get(name, name.rstrip("_"))
        element.set(key, str(value))
    if text:
        element.text = text
    for child in children:
        element.append(child)
    if line is not None:
        stamp_line(element, line)
    return element


def sub(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: Any
) -> etree._Element:
    """Create a TEI child element at the end of ``parent``."""
    child = make(tag, text, line=attributes.pop("line", None), **attributes)
    parent.append(child)
    return child


def text_of(node: object) -> str:
    """Whitespace-normalised text of an element, or of an XPath string or attribute result."""
    if node is None:
        return ""
    if isinstance(node, etree._Element):
        return " ".join("".join(node.itertext()).split())
    return " ".join(str(node).split())


@functools.lru_cache(maxsize=512)
def compiled_xpath(xpath: str) -> etree.XPath:
    """An XPath expression compiled once per process (``tei:`` prefix bound)."""
    return etree.XPath(xpath, namespaces=NSMAP)


def xpath_elements(node: etree._Element | etree._ElementTree, xpath: str) -> list[etree._Element]:
    """The elements ``xpath`` (prefix ``tei:``, compiled once) selects, in order."""
    found = compiled_xpath(xpath)(node)
    return [e for e in found if isinstance(e, etree._Element)] if isinstance(found, list) else []


def xpath_problem(xpath: str, element: etree._Element) -> str | None:
    """What is wrong with an XPath from the configuration (it does not compile, or names an
    unknown prefix or function when tried on ``element``), or None."""
    try:
        compiled_xpath(xpath)(element)
    except etree.XPathError as err:
        return str(err)
    return None


def xpath_texts(root: etree._Element | etree._ElementTree, xpath: str) -> list[str]:
    """The non-empty normalised texts of what ``xpath`` (prefix ``tei:``) selects, in order."""
    found = compiled_xpath(xpath)(root)
    if not isinstance(found, list):
        return []
    return [text for node in found if (text := text_of(node))]


def append_text(element: etree._Element, value: str) -> None:
    """Append text after the last child (or as the element's text); O(1) on long paragraphs."""
    if not value:
        return
    last = next(element.iterchildren(reversed=True), None)
    if last is not None:
        last.tail = (last.tail or "") + value
    else:
        element.text = (element.text or "") + value


def stamp_line(element: etree._Element, line: int) -> None:
    """Record the source line on an element (lxml stores lines only up to 65535)."""
    if 0 < line <= 65535:
        element.sourceline = line  # type: ignore[misc]  # writable in lxml, read-only in stubs


#: TEI elements whose content is elements only: whitespace between their children
#: means nothing, so generated files may indent it. Everything else (p, head,
#: note, bibl, …) is mixed content and is never touched.
STRUCTURAL = frozenset(
    """TEI teiHeader fileDesc titleStmt editionStmt publicationStmt seriesStmt notesStmt
    sourceDesc encodingDesc projectDesc editorialDecl samplingDecl tagsDecl classDecl
    taxonomy category appInfo profileDesc langUsage textClass keywords abstract
    correspDesc correspAction correspContext particDesc settingDesc handNotes
    revisionDesc listChange availability respStmt msDesc msIdentifier msContents
    physDesc history additional adminInfo custodialHist recordHist
    text front body back group div div1 div2 div3 sp list
    listPerson listPlace listOrg listBibl listEvent listRelation person place org
    standOff table row lg castList castGroup teiCorpus facsimile surface
    normalization correction hyphenation quotation segmentation interpretation
    stdVals punctuation""".split()  # noqa: SIM905
)


def indent(root: etree._Element, step: str = "  ") -> None:
    """Indent element-only TEI containers in place; mixed content is left exactly as it is."""

    def walk(element: etree._Element, level: int) -> None:
        children = list(element)
        if not children or local_name(element) not in STRUCTURAL:
            return
        if (element.text or "").strip() or any((c.tail or "").strip() for c in children):
            return
        inner = "\n" + step * (level + 1)
        element.text = inner
        for child in children:
            child.tail = inner
            walk(child, level + 1)
        children[-1].tail = "\n" + step * level

    walk(root, 0)


def serialize(tree: etree._ElementTree | etree._Element) -> bytes:
    """Deterministic UTF-8 serialisation: declaration, one top-level PI per line, final newline."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    lines = [b'<?xml version="1.0" encoding="UTF-8"?>']
    for sibling in reversed(list(root.itersiblings(preceding=True))):
        lines.append(etree.tostring(sibling, encoding="UTF-8", with_tail=False))
    lines.append(etree.tostring(root, encoding="UTF-8", with_tail=False))
    return b"\n".join(lines) + b"\n"


def xml_text(value: str) -> str:
    """Text for XML element content written by hand (``&``, ``<`` and ``>`` escaped)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()
