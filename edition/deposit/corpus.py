"""A ``teiCorpus`` holding every document of the edition under one corpus header."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from lxml import etree

from edition.config import Settings
from edition.tei import TEI_NS, XML_ID, indent, make, serialize, sub


def tei_corpus(settings: Settings, documents: Sequence[etree._ElementTree]) -> bytes:
    """Serialised teiCorpus: a header describing the edition, then a copy of each ``TEI``."""
    edition = settings.edition
    corpus = etree.Element(f"{{{TEI_NS}}}teiCorpus", nsmap={None: TEI_NS})
    corpus.set(XML_ID, f"{edition.id}-corpus")
    header = sub(corpus, "teiHeader")
    file_desc = sub(header, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", edition.title, type="main")
    for person in edition.editors:
        sub(title_stmt, "editor", person.name, role=person.role or None)
    sub(
        sub(file_desc, "editionStmt"),
        "edition",
        f"{edition.title}, version {edition.version}",
        n=edition.version,
    )
    pub = sub(file_desc, "publicationStmt")
    sub(pub, "publisher", edition.publisher or edition.title)
    if edition.pub_place:
        sub(pub, "pubPlace", edition.pub_place)
    sub(pub, "idno", edition.id, type="edition")
    if edition.base_url:
        sub(pub, "idno", edition.base_url, type="URI")
    if settings.deposit.doi:
        sub(pub, "idno", settings.deposit.doi, type="DOI")
    sub(
        sub(pub, "availability", status="free"),
        "licence",
        edition.licence,
        target=edition.licence_url,
    )
    source = sub(file_desc, "sourceDesc")
    source.append(
        make("p", f"Born digital: the {len(documents)} document(s) of the edition follow.")
    )
    indent(corpus)
    header.tail = "\n  "
    for index, tree in enumerate(documents):
        document = copy.deepcopy(tree.getroot())
        document.tail = "\n  " if index + 1 < len(documents) else "\n"
        corpus.append(document)
    etree.cleanup_namespaces(corpus)
    return serialize(corpus)
