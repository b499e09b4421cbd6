"""The benchmark corpus: FRUS volumes split into standalone TEI documents, and replicas.

One place for the splitting shared by ``bench_validation.py`` and ``bench_build.py``.
Files are written into a temporary folder; copies of the corpus are never committed.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

TEI = "http://www.tei-c.org/ns/1.0"
FRUS = "http://history.state.gov/frus/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def split_volume(volume: Path, folder: Path) -> list[Path]:
    """One standalone TEI file per ``div[@type='document']``, FRUS-namespace markup removed."""
    root = etree.parse(str(volume), _PARSER).getroot()
    header = root.find(f"{{{TEI}}}teiHeader")
    files = []
    for number, div in enumerate(root.iter(f"{{{TEI}}}div")):
        if div.get("type") != "document":
            continue
        doc = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})
        if header is not None:
            doc.append(copy.deepcopy(header))
            _title_from_head(doc, div)
        body = etree.SubElement(etree.SubElement(doc, f"{{{TEI}}}text"), f"{{{TEI}}}body")
        body.append(copy.deepcopy(div))
        strip_frus(doc)
        path = folder / f"{volume.stem}-{number:05d}.xml"
        path.write_bytes(etree.tostring(doc, encoding="UTF-8", xml_declaration=True))
        files.append(path)
    return files


def _title_from_head(doc: etree._Element, div: etree._Element) -> None:
    """Give a split document its own main title: its ``head``, without the notes in it
    (the volume's header it copies names only the volume)."""
    head = div.find(f"{{{TEI}}}head")
    statement = doc.find(f"{{{TEI}}}teiHeader/{{{TEI}}}fileDesc/{{{TEI}}}titleStmt")
    if head is None or statement is None:
        return
    parts = [head.text or ""]
    for child in head:
        if child.tag != f"{{{TEI}}}note":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    text = " ".join("".join(parts).split())
    if text:
        title = etree.Element(f"{{{TEI}}}title", type="main")
        title.text = text
        statement.insert(0, title)


def strip_volume(volume: Path, folder: Path) -> Path:
    """The whole volume with FRUS-namespace markup removed (valid against tei_all)."""
    tree = etree.parse(str(volume), _PARSER)
    strip_frus(tree.getroot())
    path = folder / volume.name
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    return path


def strip_frus(root: etree._Element) -> None:
    """Drop the FRUS-namespace attributes and ``frus:attachment`` elements (not TEI)."""
    for attachment in list(root.iter(f"{{{FRUS}}}attachment")):
        parent = attachment.getparent()
        if parent is not None:
            parent.remove(attachment)
    for element in root.iter():
        if isinstance(element.tag, str):
            for name in [n for n in element.attrib if n.startswith(f"{{{FRUS}}}")]:
                del element.attrib[name]
    etree.cleanup_namespaces(root)


def uniquify(files: list[Path]) -> None:
    """Prefix the xml:ids of each file with its name, so ids are unique across the files
    (split documents share the volume's header, and volumes reuse ids such as ``d1``)."""
    for path in files:
        root = etree.parse(str(path), _PARSER).getroot()
        rename_ids(root, prefix=f"{path.stem}-")
        path.write_bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))


def replicate(files: list[Path], folder: Path, copies: int) -> list[Path]:
    """``copies`` extra copies of each file in ``folder``, every xml:id (and ``#id`` pointer
    to it) suffixed ``-rN``, file names likewise; the originals are listed first."""
    made = list(files)
    for path in files:
        tree = etree.parse(str(path), _PARSER)
        source = etree.tostring(tree, encoding="UTF-8", xml_declaration=True)
        for n in range(1, copies + 1):
            root = etree.fromstring(source, _PARSER)
            rename_ids(root, f"-r{n}")
            if root.get(XML_ID) is None:
                root.set(XML_ID, f"{path.stem}-r{n}")
            target = folder / f"{path.stem}-r{n}.xml"
            target.write_bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))
            made.append(target)
    return made


def rename_ids(root: etree._Element, suffix: str = "", prefix: str = "") -> None:
    """Rename every xml:id in ``root`` to ``prefix + id + suffix``, and every local ``#id``
    pointer that names one."""
    ids = {e.get(XML_ID) for e in root.iter() if isinstance(e.tag, str) and e.get(XML_ID)}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name == XML_ID:
                element.set(name, prefix + value + suffix)
            elif "#" in value:
                parts = value.split()
                if any(p.startswith("#") and p[1:] in ids for p in parts):
                    element.set(
                        name,
                        " ".join(
                            f"#{prefix}{p[1:]}{suffix}" if p.startswith("#") and p[1:] in ids else p
                            for p in parts
                        ),
                    )
