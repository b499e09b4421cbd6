"""``edition import``: transcriptions → TEI files, never overwriting hand edits."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from edition import generated
from edition.diagnostics import Location, Reporter, error, info
from edition.errors import EditionError
from edition.fsutil import backup_path, write_atomic
from edition.header import build_header, document_id
from edition.project import Project
from edition.readers import Reading, Transcription, choose_reader, get_reader
from edition.tei import TEI_NS, XML_ID, XML_LANG, indent, serialize


@dataclass
class ImportOutcome:
    """What happened to one source."""

    source: str
    target: str
    status: str  # written | unchanged | kept-hand-edits | overwritten | failed
    profile: str = ""
    reason: str = ""
    backup: str = ""


def xml_model_pis(project: Project, tei_path: Path) -> list[etree._ProcessingInstruction]:
    """``<?xml-model?>`` PIs pointing at the project's schema, so XML editors validate live."""
    pis = []
    base = tei_path.parent
    for path, kind in ((project.schema_path, "rng"), (project.schematron_path, "sch")):
        href = Path(os.path.relpath(path, base)).as_posix()
        if kind == "rng":
            attrs = f'href="{href}" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"'
        else:
            attrs = f'href="{href}" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"'
        pis.append(etree.ProcessingInstruction("xml-model", attrs))
    return pis


def assemble(project: Project, reading: Reading, doc_id: str, source_shown: str, tei_path: Path) -> etree._ElementTree:
    """The full TEI document: PIs, ``TEI`` root, header and the reader's ``text``."""
    root = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
    root.set(XML_ID, doc_id)
    root.set(XML_LANG, reading.metadata.language or project.settings.edition.language)
    root.append(build_header(project.settings, reading.metadata, doc_id, source_shown))
    root.append(reading.text)
    indent(root)
    for pi in xml_model_pis(project, tei_path):
        root.addprevious(pi)
    tree = root.getroottree()
    tree.docinfo.URL = source_shown
    return tree


def import_one(
    project: Project, source: Path, reporter: Reporter, *, profile: str | None, force: bool
) -> ImportOutcome:
    """Import one source; problems go to ``reporter``."""
    shown = project.shown(source)
    target = project.tei_path_for(source)
    target_shown = project.shown(target)
    try:
        transcription = Transcription.load(source, shown)
        if profile:
            reader, reason = get_reader(profile), "chosen with --profile"
        else:
            reader, reason = choose_reader(transcription)
        reading = reader.read(transcription)
    except EditionError as err:
        reporter.extend(err.diagnostics)
        return ImportOutcome(shown, target_shown, "failed")
    reading.reason = reason
    reporter.extend(reading.diagnostics)
    tree = assemble(project, reading, document_id(source.stem), shown, target)
    data = generated.stamp(serialize(tree), shown)
    outcome = ImportOutcome(shown, target_shown, "written", reading.profile, reason)

    state = generated.state(target)
    if state is generated.FileState.GENERATED and target.read_bytes() == data:
        outcome.status = "unchanged"
        return outcome
    if state is generated.FileState.HAND_EDITED:
        if not force:
            reporter.report(
                error(
                    "S110",
                    f"{target_shown} was edited by hand since it was generated; not overwritten",
                    Location(shown),
                    f"keep your edits, or run 'edition import --force {shown}' "
                    "to replace them (a backup is kept)",
                )
            )
            outcome.status = "kept-hand-edits"
            return outcome
        backup = backup_path(target)
        write_atomic(backup, target.read_bytes())
        outcome.status, outcome.backup = "overwritten", project.shown(backup)
        reporter.report(
            info("S111", f"replaced hand-edited {target_shown}; backup in {outcome.backup}", Location(shown))
        )
    write_atomic(target, data)
    return outcome


def import_sources(
    project: Project,
    sources: Iterable[Path],
    reporter: Reporter,
    *,
    profile: str | None = None,
    force: bool = False,
    advance: Callable[[str], None] = lambda name: None,
) -> list[ImportOutcome]:
    """Import every source, continuing past bad ones."""
    outcomes = []
    for source in sources:
        advance(source.name)
        if not source.is_file():
            reporter.report(
                error("S100", "no such source file", Location(project.shown(source)))
            )
            continue
        outcomes.append(import_one(project, source, reporter, profile=profile, force=force))
    return outcomes
