"""Distributed Text Services 1.0 as static files: entry point, collection, navigation, document.

A static host cannot read query strings, so the URI templates put the
parameters into the path (RFC 6570 path expansion, as the DTS 1.0
specification suggests for static implementations)::

    dts/index.json                              entry point
    dts/collection{/id}.json                    collection.json is the root collection
    dts/navigation/{resource}{/ref}.json        the whole tree, or one unit and its children
    dts/document/{resource}{/ref}.xml           the TEI, or one unit in a dts:wrapper

The per-unit files (``{/ref}``) are written only with ``[site] dts_units``: they are
most of a site's files. Without them the templates offer no ``{/ref}``, so that no
client is sent to a file that does not exist; the whole tree still lists every unit,
and the document endpoint is the TEI download itself
(``documents/{resource}/{resource}.xml``), not a second copy of it.
URLs are absolute when ``[edition] base_url`` is set, else root-relative (``/dts/…``).
The root collection lists ``COLLECTION_PAGE`` members per response: past that it is
paged as DTS pages a collection (a ``view`` of type ``Pagination`` with first, previous,
next and last), the later pages at ``collection/{id}/page-N.json`` (linked, not templated).
Citable units are the block children of ``text/body`` (paragraphs, speeches,
…), nested inside ``div``s; their identifiers are dotted positions (``2.3``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from lxml import etree

from edition.cache import digest
from edition.fsutil import safe_name
from edition.outputs.content import FileContent, Keyed
from edition.tei import TEI_NS, compiled_xpath, local_name, serialize, tei

if TYPE_CHECKING:
    from edition.project import Project
    from edition.site.catalogue import Catalogue
    from edition.site.documents import SiteDocument

CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_VERSION = "1.0"
DTS_NS = "https://w3id.org/api/dts#"
FOLDER = "dts"
#: Members per response of the root collection; more are paged (``view``).
COLLECTION_PAGE = 1000

#: Elements that are not citable units by themselves (milestones, page furniture).
_NOT_CITABLE = frozenset({"pb", "lb", "cb", "milestone", "fw", "anchor", "gap"})
#: Element → citeType; others use their own name.
_CITE_TYPES = {
    "div": "section",
    "p": "paragraph",
    "ab": "block",
    "sp": "speech",
    "lg": "stanza",
    "l": "line",
    "head": "heading",
    "quote": "quotation",
}


@dataclass
class CitableUnit:
    """One node of a document's citation tree."""

    identifier: str
    level: int
    parent: str | None
    cite_type: str
    element: etree._Element
    title: str = ""

    def as_json(self) -> dict[str, Any]:
        """The DTS ``CitableUnit`` object."""
        unit: dict[str, Any] = {
            "identifier": self.identifier,
            "@type": "CitableUnit",
            "level": self.level,
            "parent": self.parent,
            "citeType": self.cite_type,
        }
        if self.title:
            unit["dublinCore"] = {"title": [{"lang": _lang(self.element), "value": self.title}]}
        return unit


def _lang(element: etree._Element) -> str:
    found = compiled_xpath("ancestor-or-self::*[@xml:lang][1]/@xml:lang")(element)
    return str(found[0]) if isinstance(found, list) and found else "und"


def _cite_type(element: etree._Element) -> str:
    name = local_name(element)
    if name == "div" and element.get("type"):
        return str(element.get("type"))
    return _CITE_TYPES.get(name, name)


def citable_units(tree: etree._ElementTree) -> list[CitableUnit]:
    """Every citable unit of the document, in document order (pre-order, depth first)."""
    body = tree.getroot().find(f"{tei('text')}/{tei('body')}")
    units: list[CitableUnit] = []

    def walk(container: etree._Element, parent: str | None, level: int) -> None:
        position = 0
        for child in container:
            if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{TEI_NS}}}"):
                continue
            if local_name(child) in _NOT_CITABLE:
                continue
            position += 1
            ident = f"{parent}.{position}" if parent else str(position)
            title = ""
            if local_name(child) == "div":
                head = child.find(tei("head"))
                title = " ".join("".join(head.itertext()).split()) if head is not None else ""
            units.append(CitableUnit(ident, level, parent, _cite_type(child), child, title))
            if local_name(child) == "div":
                walk(child, ident, level + 1)

    if body is not None:
        walk(body, None, 1)
    return units


def cite_structure(units: Sequence[CitableUnit]) -> list[dict[str, Any]]:
    """The ``citeStructure`` that declares every path of citeTypes found in ``units``."""
    by_id = {u.identifier: u for u in units}
    root: dict[str, Any] = {}
    for unit in units:
        path = [unit.cite_type]
        parent = unit.parent
        while parent is not None:
            path.insert(0, by_id[parent].cite_type)
            parent = by_id[parent].parent
        node = root
        for cite_type in path:
            node = node.setdefault(cite_type, {})

    def render(node: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for cite_type, children in node.items():
            entry: dict[str, Any] = {"@type": "CiteStructure", "citeType": cite_type}
            if children:
                entry["citeStructure"] = render(children)
            out.append(entry)
        return out

    return render(root)


def _dump(data: dict[str, Any]) -> bytes:
    """JSON as ``json.dumps(indent=2, ensure_ascii=False)`` writes it, plus a newline (orjson)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _urls(project: Project) -> tuple[str, str]:
    """The site's base URL and the DTS prefix (absolute with ``base_url``, else root-relative)."""
    edition = project.settings.edition
    base = edition.base_url.rstrip("/") + "/" if edition.base_url else "/"
    return base, f"{base}{FOLDER}/"


def _ref(project: Project) -> str:
    """The templates' ``{/ref}``: offered only when the units have files (``dts_units``)."""
    return "{/ref}" if project.settings.site.dts_units else ""


def _document_url(project: Project, resource: str) -> str:
    """The document endpoint for ``resource`` (a slug, or ``{resource}`` in a template).

    With units it is ``dts/document/``, where the fragments live beside the whole
    TEI; without, the site's TEI download, the same bytes, so they are not written twice.
    """
    base, prefix = _urls(project)
    if project.settings.site.dts_units:
        return f"{prefix}document/{resource}{{/ref}}.xml"
    return f"{base}documents/{resource}/{resource}.xml"


class DTSOutput:
    """Static DTS 1.0 endpoints under ``dts/``."""

    name = "dts"
    description = "Distributed Text Services 1.0 endpoints as static JSON-LD files under dts/."

    def document(self, project: Project, doc: SiteDocument) -> tuple[dict[str, bytes], Any]:
        """The document's collection entry, navigation and TEI: whole, and per unit if asked."""
        if doc.tree is None:
            return {}, None
        _, prefix = _urls(project)
        units = citable_units(doc.tree)
        resource = self._resource(project, doc, doc.tree, units)
        files = self._document_files(doc, units, resource, prefix)
        if project.settings.site.dts_units:
            files[f"{FOLDER}/document/{doc.slug}.xml"] = doc.tei
            files.update(self._unit_files(doc, doc.tree, units, resource, prefix))
        return files, resource

    def edition(
        self, project: Project, catalogue: Catalogue
    ) -> Iterable[tuple[str, FileContent | Keyed]]:
        """The entry point and the root collection listing every document.

        The collection is as large as the edition: it is written member by
        member (indented as ``_dump`` would), never held whole, and paged past
        ``COLLECTION_PAGE`` documents. Each page is keyed by its window's documents
        (and the pages' count): an edit remakes the page it is on.
        """
        edition = project.settings.edition
        base, prefix = _urls(project)
        ref = _ref(project)
        entry = {
            "@context": CONTEXT,
            "dtsVersion": DTS_VERSION,
            "@id": f"{prefix}index.json",
            "@type": "EntryPoint",
            "collection": f"{prefix}collection{{/id}}.json",
            "navigation": f"{prefix}navigation/{{resource}}{ref}.json",
            "document": _document_url(project, "{resource}"),
        }
        root = {
            "@context": CONTEXT,
            "dtsVersion": DTS_VERSION,
            "@id": edition.id,
            "@type": "Collection",
            "title": edition.title,
            "totalParents": 0,
            "totalChildren": catalogue.count(having=self.name),
            "collection": f"{prefix}collection{{/id}}.json",
            "dublinCore": _edition_dc(project),
            "member": [],
        }

        total = catalogue.count()
        count = max(1, -(-total // COLLECTION_PAGE))
        root_name = safe_name(edition.id, "edition")
        pages = [f"{FOLDER}/collection/{root_name}.json"] + [
            f"{FOLDER}/collection/{root_name}/page-{n}.json" for n in range(2, count + 1)
        ]

        def collection(number: int) -> Keyed:
            """Page ``number`` (from 1) of the root collection, written member by member."""
            response = dict(root)
            if count > 1:
                url = [f"{base}{page}" for page in pages]
                view = {"@id": url[number - 1], "@type": "Pagination", "first": url[0]}
                if number > 1:
                    view["previous"] = url[number - 2]
                if number < count:
                    view["next"] = url[number]
                view["last"] = url[-1]
                response["view"] = view

            offset = (number - 1) * COLLECTION_PAGE
            page = catalogue.documents("edition", offset, COLLECTION_PAGE) if total else None

            def members() -> Iterator[bytes]:
                head, _, tail = _dump(response).rpartition(b'"member": []')
                separator = b""
                for _, _, _, resource in page.records(self.name) if page is not None else ():
                    if resource:
                        if not separator:
                            head += b'"member": [\n'
                            yield head
                        dumped = orjson.dumps(resource, option=orjson.OPT_INDENT_2)
                        yield separator + b"    " + dumped.replace(b"\n", b"\n    ")
                        separator = b",\n"
                yield (b"\n  ]" + tail) if separator else (head + b'"member": []' + tail)

            made_of = (str(root["totalChildren"]), str(count), str(number))
            return Keyed(digest(*made_of, page.digest if page is not None else ""), members)

        files: dict[str, FileContent | Keyed] = {
            f"{FOLDER}/index.json": _dump(entry),
            f"{FOLDER}/collection.json": collection(1),
        }
        for number, page in enumerate(pages, start=1):
            files[page] = collection(number)
        return files.items()

    def _resource(
        self,
        project: Project,
        doc: SiteDocument,
        tree: etree._ElementTree,
        units: Sequence[CitableUnit],
    ) -> dict[str, Any]:
        base, prefix = _urls(project)
        ref = _ref(project)
        record = doc.header
        lang = tree.getroot().get("{http://www.w3.org/XML/1998/namespace}lang") or "und"
        dublin_core: dict[str, Any] = {"title": [{"lang": lang, "value": doc.title}]}
        if record.date:
            dublin_core["date"] = record.date
        if record.languages:
            dublin_core["language"] = record.languages
        if record.publisher:
            dublin_core["publisher"] = [record.publisher]
        if record.editors:
            dublin_core["contributor"] = [e.name for e in record.editors]
        if record.licence_url:
            dublin_core["license"] = record.licence_url
        if record.abstract:
            dublin_core["abstract"] = [{"lang": lang, "value": record.abstract}]
        structure = cite_structure(units)
        return {
            "@id": doc.slug,
            "@type": "Resource",
            "title": doc.title,
            "totalParents": 1,
            "totalChildren": 0,
            "collection": f"{prefix}collection/{doc.slug}.json",
            "navigation": f"{prefix}navigation/{doc.slug}{ref}.json",
            "document": _document_url(project, doc.slug),
            "download": f"{base}documents/{doc.slug}/{doc.slug}.xml",
            "mediaTypes": ["application/tei+xml"],
            "dublinCore": dublin_core,
            "citationTrees": (
                [{"@type": "CitationTree", "citeStructure": structure}] if structure else []
            ),
        }

    def _document_files(
        self,
        doc: SiteDocument,
        units: Sequence[CitableUnit],
        resource: dict[str, Any],
        prefix: str,
    ) -> dict[str, bytes]:
        """The collection entry and the whole citation tree (every unit, ``down=-1``)."""
        slug = doc.slug
        files: dict[str, bytes] = {}
        own = {"@context": CONTEXT, "dtsVersion": DTS_VERSION, **resource}
        files[f"{FOLDER}/collection/{slug}.json"] = _dump(own)
        members = [u.as_json() for u in units]
        files[f"{FOLDER}/navigation/{slug}.json"] = _dump(
            {
                "@context": CONTEXT,
                "dtsVersion": DTS_VERSION,
                "@type": "Navigation",
                "@id": f"{prefix}navigation/{slug}.json",
                "resource": _navigation_resource(resource),
                "member": members,
            }
        )
        return files

    def _unit_files(
        self,
        doc: SiteDocument,
        tree: etree._ElementTree,
        units: Sequence[CitableUnit],
        resource: dict[str, Any],
        prefix: str,
    ) -> dict[str, bytes]:
        """Per citable unit: its navigation (the unit and its children) and its TEI fragment."""
        slug = doc.slug
        files: dict[str, bytes] = {}
        navigation_resource = _navigation_resource(resource)
        members = [u.as_json() for u in units]
        children: dict[str | None, list[dict[str, Any]]] = {}
        for unit, member in zip(units, members, strict=True):
            children.setdefault(unit.parent, []).append(member)
        for unit, member in zip(units, members, strict=True):
            files[f"{FOLDER}/navigation/{slug}/{unit.identifier}.json"] = _dump(
                {
                    "@context": CONTEXT,
                    "dtsVersion": DTS_VERSION,
                    "@type": "Navigation",
                    "@id": f"{prefix}navigation/{slug}/{unit.identifier}.json",
                    "resource": navigation_resource,
                    "ref": member,
                    "member": children.get(unit.identifier) or [member],
                }
            )
            files[f"{FOLDER}/document/{slug}/{unit.identifier}.xml"] = _fragment(tree, unit)
        return files


def _navigation_resource(resource: dict[str, Any]) -> dict[str, Any]:
    """The ``Resource`` object of a navigation response: the required keys of the full one."""
    keys = ("@id", "@type", "collection", "navigation", "document", "citationTrees")
    return {k: resource[k] for k in keys}


def _fragment(tree: etree._ElementTree, unit: CitableUnit) -> bytes:
    """A TEI root holding one citable unit in ``dts:wrapper`` (DTS document response)."""
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS, "dts": DTS_NS})
    lang = tree.getroot().get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    wrapper = etree.SubElement(root, f"{{{DTS_NS}}}wrapper")
    wrapper.set("ref", _xpath(unit.element))
    element = copy.deepcopy(unit.element)
    element.tail = None
    wrapper.append(element)
    return serialize(root)


def _xpath(element: etree._Element) -> str:
    """An XPath with the ``tei:`` prefix and positions among same-named siblings."""
    steps = []
    node: etree._Element | None = element
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if parent is None:
            steps.append(f"tei:{name}")
        else:
            same = [c for c in parent if c.tag == node.tag]
            steps.append(f"tei:{name}[{same.index(node) + 1}]")
        node = parent
    return "/" + "/".join(reversed(steps))


def _edition_dc(project: Project) -> dict[str, Any]:
    edition = project.settings.edition
    dublin_core: dict[str, Any] = {
        "title": [{"lang": edition.language, "value": edition.title}],
        "language": [edition.language],
    }
    if edition.publisher:
        dublin_core["publisher"] = [edition.publisher]
    if edition.editors:
        dublin_core["creator"] = [p.name for p in edition.editors]
    if edition.licence_url:
        dublin_core["license"] = edition.licence_url
    return dublin_core
