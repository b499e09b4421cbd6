"""The teiHeader of a generated document, from the edition's settings and a reader's metadata."""

from __future__ import annotations

import re

from lxml import etree

from edition import __version__
from edition.config import Settings
from edition.readers.base import Metadata
from edition.tei import make, sub

_LANGUAGES = {"en": "English", "ru": "Russian", "ja": "Japanese", "de": "German", "fr": "French"}


def document_id(stem: str) -> str:
    """An ``xml:id``-safe document id from a file stem (NCName: starts with a letter)."""
    ident = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "doc"
    return ident if ident[0].isalpha() or ident[0] == "_" else f"d{ident}"


def build_header(
    settings: Settings, meta: Metadata, doc_id: str, source_shown: str, imported_on: str = ""
) -> etree._Element:
    """A complete teiHeader: file, encoding and profile descriptions and the revision."""
    edition = settings.edition
    header = make("teiHeader")
    file_desc = sub(header, "fileDesc")

    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", meta.title or doc_id, type="main")
    sub(title_stmt, "title", edition.title, type="collection")
    for person in edition.editors:
        sub(title_stmt, "editor", person.name, role=person.role or None)
    for ident, resp, name in meta.responsibilities:
        resp_stmt = sub(title_stmt, "respStmt", xml_id=ident)
        sub(resp_stmt, "resp", resp)
        sub(resp_stmt, "name", name)
    for funder in meta.funders:
        sub(title_stmt, "funder", funder)

    edition_stmt = sub(file_desc, "editionStmt")
    sub(edition_stmt, "edition", f"{edition.title}, version {edition.version}", n=edition.version)

    pub = sub(file_desc, "publicationStmt")
    sub(pub, "publisher", edition.publisher or edition.title)
    if edition.pub_place:
        sub(pub, "pubPlace", edition.pub_place)
    sub(pub, "idno", f"{edition.id}:{doc_id}", type="edition")
    if edition.base_url:
        sub(pub, "idno", f"{edition.base_url.rstrip('/')}/documents/{doc_id}/", type="URI")
    availability = sub(pub, "availability", status="free")
    sub(availability, "licence", edition.licence, target=edition.licence_url)

    _source_desc(sub(file_desc, "sourceDesc"), meta, doc_id, source_shown)

    encoding = sub(header, "encodingDesc")
    project = sub(encoding, "projectDesc")
    sub(project, "p", f"Part of {edition.title}.")
    editorial = sub(encoding, "editorialDecl")
    sub(
        editorial,
        "p",
        "Encoded by edition from the transcription; the text keeps the source's "
        "spelling and errors, marked rather than corrected.",
    )
    correction = sub(editorial, "correction", status="unknown")
    sub(correction, "p", "Errors of the source are kept; sic marks those the transcriber flagged.")
    hyphenation = sub(editorial, "hyphenation", eol="some")
    sub(
        hyphenation,
        "p",
        'Words hyphenated across lines keep the hyphen; lb/@break="no" joins them.',
    )

    profile = sub(header, "profileDesc")
    if meta.abstract:
        sub(sub(profile, "abstract"), "p", meta.abstract)
    if meta.correspondence:
        corresp = sub(profile, "correspDesc")
        for kind, name, when in meta.correspondence:
            action = sub(corresp, "correspAction", type=kind)
            sub(action, "orgName", name)
            if when:
                sub(action, "date", when, when=when)
    if meta.hands:
        hands = sub(profile, "handNotes")
        for hand_id, description in sorted(meta.hands.items()):
            sub(sub(hands, "handNote", xml_id=hand_id, scope="minor"), "p", description)
    lang = meta.language or edition.language
    lang_usage = sub(profile, "langUsage")
    sub(lang_usage, "language", _LANGUAGES.get(lang, lang), ident=lang)
    if meta.kind or meta.keywords:
        text_class = sub(profile, "textClass")
        if meta.kind:
            sub(sub(text_class, "keywords", scheme="kind"), "term", meta.kind)
        if meta.keywords:
            keywords = sub(text_class, "keywords")
            for word in meta.keywords:
                sub(keywords, "term", word)

    revision = sub(header, "revisionDesc")
    sub(
        revision,
        "change",
        f"Imported from {source_shown} by edition {__version__}.",
        when=imported_on or None,
        type="import",
    )
    return header


def _source_desc(
    source_desc: etree._Element, meta: Metadata, doc_id: str, source_shown: str
) -> None:
    """``msDesc`` for an archival reference, then ``bibl`` for citation, identifiers and notes."""
    if meta.repository:
        ms = sub(source_desc, "msDesc")
        ident = sub(ms, "msIdentifier")
        sub(ident, "repository", meta.repository)
        shelfmark = next((v for t, v in meta.idnos if t == "shelfmark"), "")
        sub(ident, "idno", shelfmark or "unknown", type="shelfmark")
        item = sub(sub(ms, "msContents"), "msItem")
        if meta.locus:
            sub(item, "locus", meta.locus)
        sub(item, "title", meta.title or doc_id)
        if meta.original_language:
            lang = meta.original_language
            sub(item, "textLang", _LANGUAGES.get(lang, lang), mainLang=lang)
    bibl = sub(source_desc, "bibl")
    sub(bibl, "title", meta.title or doc_id)
    if meta.date:
        sub(bibl, "date", meta.date, when=meta.date)
    for kind, value in meta.idnos:
        if kind != "shelfmark":
            sub(bibl, "idno", value, type=kind)
    if meta.url:
        sub(bibl, "idno", meta.url, type="URI")
    if meta.source_idno:
        sub(bibl, "idno", meta.source_idno, type="document")
    if meta.citation:
        sub(bibl, "note", meta.citation, type="citation")
    if meta.original_language and not meta.repository:
        lang = meta.original_language
        sub(bibl, "textLang", _LANGUAGES.get(lang, lang), mainLang=lang)
    for kind, text in meta.notes:
        sub(bibl, "note", text, type=kind)
    if meta.source_description:
        sub(bibl, "note", meta.source_description)
    sub(bibl, "note", f"Transcription: {source_shown}", type="transcription")
