"""Assemble the deposit: TEI, register, schemas, corpus, metadata records, optional site → bag."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import bagit
from lxml import etree

from edition import __version__, clock
from edition.deposit import bag
from edition.deposit.citation_cff import citation_cff
from edition.deposit.corpus import tei_corpus
from edition.deposit.datacite import datacite_record, missing_fields
from edition.deposit.dublincore import oai_dc, schema_problems
from edition.deposit.metadata import HeaderRecord, read_header
from edition.deposit.readiness import check_deposit_ready, rules_path
from edition.diagnostics import Location, Reporter, Severity, error, warning
from edition.errors import EditionError
from edition.fsutil import safe_name, staged_directory, write_atomic
from edition.project import Project
from edition.tei import parse_xml, serialize
from edition.validation import schema_files


@dataclass
class DepositResult:
    """What a deposit wrote."""

    target: Path
    files: list[str] = field(default_factory=list)
    zipped: bool = True


@dataclass
class _Document:
    path: Path
    shown: str
    tree: etree._ElementTree
    record: HeaderRecord


def default_target(project: Project) -> Path:
    """``<deposit.output>/<edition id>-<version>.zip``."""
    edition = project.settings.edition
    name = f"{safe_name(edition.id, 'edition')}-{safe_name(edition.version, '0')}.zip"
    return project.path(project.settings.deposit.output) / name


def _read_documents(project: Project, reporter: Reporter) -> list[_Document]:
    documents = []
    for path in project.tei_files():
        shown = project.shown(path)
        try:
            tree = parse_xml(path, shown)
        except EditionError as err:
            reporter.extend(err.diagnostics)
            continue
        documents.append(_Document(path, shown, tree, read_header(tree, path.stem)))
    return documents


def build_payload(
    project: Project, reporter: Reporter, site: Path | None = None
) -> dict[str, bytes] | None:
    """Every payload file (bag-relative path → bytes); None when the edition cannot be deposited."""
    documents = _read_documents(project, reporter)
    if not documents and not reporter.has_errors:
        reporter.report(
            error(
                "D620",
                "no TEI documents to deposit",
                Location(project.shown(project.tei_dir)),
                "run 'edition import' first",
            )
        )
    if reporter.has_errors:
        return None
    rules = rules_path(project)
    check_deposit_ready(((d.tree, d.shown) for d in documents), rules, reporter, Severity.WARNING)
    payload = _tei_files(project, documents, rules, reporter)
    payload.update(_records(project, documents, reporter))
    if site is not None:
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            payload[f"site/{path.relative_to(site).as_posix()}"] = path.read_bytes()
    return None if reporter.has_errors else payload


def _tei_files(
    project: Project, documents: list[_Document], rules: Path, reporter: Reporter
) -> dict[str, bytes]:
    """The documents byte for byte, the register, the schemas and the teiCorpus."""
    payload: dict[str, bytes] = {}
    for doc in documents:
        payload[f"tei/{doc.path.name}"] = doc.path.read_bytes()
    if project.register_path.is_file():
        payload[f"tei/{project.register_path.name}"] = project.register_path.read_bytes()
    payload.update(_schema_files(project, rules, reporter))
    payload["corpus.xml"] = tei_corpus(project.settings, [d.tree for d in documents])
    return payload


def _schema_files(project: Project, rules: Path, reporter: Reporter) -> dict[str, bytes]:
    """The schemas, the Schematron rules and every file they include, each in
    ``tei/schema/`` at its place relative to the file that names it first, so that
    the package's references still resolve."""
    payload: dict[str, bytes] = {}
    schema = project.schema_path
    for main in (schema, schema.with_suffix(".rnc"), project.schematron_path, rules):
        if not main.is_file():
            continue
        folder, shown = main.parent.absolute(), project.shown(main)
        for path in schema_files.files(main):
            try:
                relative = path.relative_to(folder).as_posix()
            except ValueError:
                reporter.report(
                    error(
                        "D608",
                        f"{shown} includes {project.shown(path)}, outside its folder, "
                        "which the package cannot carry with it",
                        Location(shown),
                        f"move the included file into {project.shown(main.parent)}/ "
                        "and refer to it from there",
                    )
                )
                continue
            if path.is_file():
                payload.setdefault(f"tei/schema/{relative}", path.read_bytes())
    return payload


def _records(project: Project, documents: list[_Document], reporter: Reporter) -> dict[str, bytes]:
    """One oai_dc record per document, the DataCite record and CITATION.cff."""
    settings = project.settings
    payload: dict[str, bytes] = {}
    base = settings.edition.base_url
    for doc in documents:
        slug = safe_name(doc.record.id, "document")
        record = oai_dc(doc.record, url=f"{base.rstrip('/')}/documents/{slug}/" if base else "")
        for message in schema_problems(record):
            reporter.report(
                error(
                    "D612",
                    f"the oai_dc record of {doc.record.id} is invalid: {message}",
                    Location(doc.shown),
                    "report this as a bug in edition",
                )
            )
        payload[f"metadata/oai_dc/{slug}.xml"] = serialize(record)

    epoch = clock.source_date_epoch()
    year = settings.deposit.publication_year or int(
        time.strftime("%Y", time.gmtime(epoch) if epoch is not None else time.gmtime())
    )
    datacite = datacite_record(settings, [d.record for d in documents], year)
    for problem in missing_fields(datacite):
        reporter.report(
            warning(
                "D610",
                f"the DataCite record is incomplete: {problem}",
                Location("edition.toml"),
                "set [deposit] doi once the repository has minted one"
                if problem.startswith("Identifier")
                else "fill in [edition] in edition.toml (title, publisher, editors)",
            )
        )
    payload["metadata/datacite.xml"] = serialize(datacite)
    keywords = sorted({k for d in documents for k in d.record.keywords})
    released = time.strftime("%Y-%m-%d", time.gmtime(epoch)) if epoch is not None else ""
    payload["CITATION.cff"] = citation_cff(settings, keywords, released).encode("utf-8")
    return payload


def bag_info(project: Project) -> dict[str, str]:
    """The bag-info.txt fields: who deposits what, and when (from SOURCE_DATE_EPOCH)."""
    edition = project.settings.edition
    info = {
        "Source-Organization": edition.publisher or edition.title,
        "External-Description": f"{edition.title}, version {edition.version}: TEI edition",
        "External-Identifier": project.settings.deposit.doi or edition.id,
        "Bagging-Date": bag.bagging_date(clock.source_date_epoch()),
        "Bag-Software-Agent": f"edition {__version__} (bagit.py {bagit.VERSION})",
    }
    if edition.editors:
        info["Contact-Name"] = edition.editors[0].name
    return info


def write_deposit(
    project: Project, reporter: Reporter, target: Path | None = None, site: Path | None = None
) -> DepositResult | None:
    """Write the bag as a zip (``target`` ends in .zip) or a folder, then validate it."""
    target = target or default_target(project)
    payload = build_payload(project, reporter, site)
    if payload is None:
        return None
    info = bag_info(project)
    shown = project.shown(target)
    files = sorted(f"data/{name}" for name in payload)
    if target.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="edition-deposit-") as tmp:
            folder = Path(tmp) / "bag"
            folder.mkdir()
            bag.make_bag(folder, payload, info)
            problems = bag.check_bag_folder(folder, shown)
            if problems:
                reporter.extend(problems)
                return None
            root = target.name[: -len(".zip")] or "bag"
            data = bag.zip_folder(folder, root, clock.source_date_epoch())
            # Check the zip itself as a repository will unpack it, before it replaces anything.
            candidate = Path(tmp) / target.name
            candidate.write_bytes(data)
            problems = bag.check_bag(candidate, shown)
            if problems:
                reporter.extend(problems)
                return None
            write_atomic(target, data)
        return DepositResult(target, files, zipped=True)
    if target.exists() and not target.is_dir():
        reporter.report(
            error(
                "D601",
                "the output exists and is not a folder",
                Location(shown),
                "give a new folder, or a path ending in .zip",
            )
        )
        return None
    try:
        with staged_directory(target) as folder:
            bag.make_bag(folder, payload, info)
            problems = bag.check_bag_folder(folder, shown)
            if problems:
                reporter.extend(problems)
                raise _Discard
    except _Discard:
        return None
    return DepositResult(target, files, zipped=False)


class _Discard(Exception):
    """Raised inside the staging block to throw away a bag that failed validation."""


def check_deposit(path: Path, shown: str, reporter: Reporter) -> bool:
    """Validate an existing bag (folder or zip); report each tampered file; True when valid."""
    try:
        problems = bag.check_bag(path, shown)
    except EditionError as err:
        problems = err.diagnostics
    reporter.extend(problems)
    return not problems
