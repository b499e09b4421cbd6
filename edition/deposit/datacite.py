"""The DataCite XML record of the whole edition, so a repository can mint a DOI for it."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from edition.config import Settings
from edition.deposit.metadata import HeaderRecord

DATACITE_NS = "http://datacite.org/schema/kernel-4"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{DATACITE_NS} https://schema.datacite.org/meta/kernel-4.6/metadata.xsd"

#: resourceTypeGeneral values of the DataCite Metadata Schema 4.6.
RESOURCE_TYPES = frozenset(
    [
        "Audiovisual",
        "Award",
        "Book",
        "BookChapter",
        "Collection",
        "ComputationalNotebook",
        "ConferencePaper",
        "ConferenceProceeding",
        "DataPaper",
        "Dataset",
        "Dissertation",
        "Event",
        "Image",
        "Instrument",
        "InteractiveResource",
        "Journal",
        "JournalArticle",
        "Model",
        "OutputManagementPlan",
        "PeerReview",
        "PhysicalObject",
        "Project",
        "Preprint",
        "Report",
        "Service",
        "Software",
        "Sound",
        "Standard",
        "StudyRegistration",
        "Text",
        "Workflow",
        "Other",
    ]
)


def _q(name: str) -> str:
    return f"{{{DATACITE_NS}}}{name}"


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(name), {k: v for k, v in attrs.items() if v})
    if text:
        element.text = text
    return element


def datacite_record(
    settings: Settings, documents: Sequence[HeaderRecord], year: int
) -> etree._Element:
    """A DataCite kernel-4 ``resource`` for the edition as a whole (a collection of texts)."""
    edition, deposit = settings.edition, settings.deposit
    root = etree.Element(_q("resource"), nsmap={None: DATACITE_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    if deposit.doi:
        _sub(root, "identifier", deposit.doi, identifierType="DOI")
    creators = _sub(root, "creators")
    people = edition.editors or []
    for person in people:
        creator = _sub(creators, "creator")
        _sub(creator, "creatorName", person.name)
        if person.orcid:
            _sub(
                creator,
                "nameIdentifier",
                person.orcid,
                nameIdentifierScheme="ORCID",
                schemeURI="https://orcid.org",
            )
    if not people and edition.publisher:
        creator = _sub(creators, "creator")
        _sub(creator, "creatorName", edition.publisher, nameType="Organizational")
    titles = _sub(root, "titles")
    _sub(titles, "title", edition.title).set(XML_LANG, edition.language)
    _sub(root, "publisher", edition.publisher)
    _sub(root, "publicationYear", str(year))
    _sub(root, "resourceType", deposit.resource_type, resourceTypeGeneral="Collection")
    keywords = sorted({k for doc in documents for k in doc.keywords})
    if keywords:
        subjects = _sub(root, "subjects")
        for keyword in keywords:
            _sub(subjects, "subject", keyword)
    if len(people) > 1 or any(p.role != "editor" for p in people):
        contributors = _sub(root, "contributors")
        for person in people:
            contributor = _sub(
                contributors,
                "contributor",
                contributorType="Editor" if person.role == "editor" else "Other",
            )
            _sub(contributor, "contributorName", person.name)
    dates = sorted(doc.date for doc in documents if doc.date)
    if dates:
        _sub(
            _sub(root, "dates"),
            "date",
            f"{dates[0]}/{dates[-1]}" if dates[0] != dates[-1] else dates[0],
            dateType="Other",
            dateInformation="Dates of the edited documents",
        )
    _sub(root, "language", edition.language)
    if edition.base_url:
        alternates = _sub(root, "alternateIdentifiers")
        _sub(alternates, "alternateIdentifier", edition.base_url, alternateIdentifierType="URL")
    parts = [doc.uri for doc in documents if doc.uri]
    if parts:
        related = _sub(root, "relatedIdentifiers")
        for uri in parts:
            _sub(
                related,
                "relatedIdentifier",
                uri,
                relatedIdentifierType="URL",
                relationType="HasPart",
            )
    _sub(root, "version", edition.version)
    rights = _sub(_sub(root, "rightsList"), "rights", edition.licence)
    for key, value in (
        ("rightsURI", edition.licence_url),
        ("rightsIdentifier", edition.licence),
        ("rightsIdentifierScheme", "SPDX"),
        ("schemeURI", "https://spdx.org/licenses/"),
    ):
        if value:
            rights.set(key, value)
    _sub(
        _sub(root, "descriptions"),
        "description",
        f"A scholarly edition in TEI of {len(documents)} document(s).",
        descriptionType="Abstract",
    )
    etree.indent(root)
    return root


def missing_fields(record: etree._Element) -> list[str]:
    """The mandatory DataCite properties ``record`` lacks or fills wrongly (empty when complete)."""
    ns = {"d": DATACITE_NS}

    def text(xpath: str) -> list[str]:
        found = record.xpath(xpath, namespaces=ns)
        if not isinstance(found, list):
            return []
        return [str(v).strip() for v in found if str(v).strip()]

    problems = []
    if record.tag != _q("resource"):
        problems.append("the root element must be resource in the DataCite kernel-4 namespace")
    if not text("d:identifier[@identifierType='DOI']/text()"):
        problems.append("Identifier: no DOI (identifier[@identifierType='DOI'])")
    if not text("d:creators/d:creator/d:creatorName/text()"):
        problems.append("Creator: no creators/creator/creatorName")
    if not text("d:titles/d:title/text()"):
        problems.append("Title: no titles/title")
    if not text("d:publisher/text()"):
        problems.append("Publisher: no publisher")
    years = text("d:publicationYear/text()")
    if not years or not (len(years[0]) == 4 and years[0].isdigit()):
        problems.append("PublicationYear: no four-digit publicationYear")
    general = text("d:resourceType/@resourceTypeGeneral")
    if not general or general[0] not in RESOURCE_TYPES:
        problems.append("ResourceType: resourceType needs a known @resourceTypeGeneral")
    return problems
