"""``edition import``: transcriptions → TEI files, never overwriting hand edits."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from edition import clock, generated, lossless, profiles, transforms
from edition.diagnostics import Location, Reporter, error, info
from edition.entities import Mentions, Register
from edition.errors import EditionError
from edition.fsutil import backup_path, undecodable, write_atomic
from edition.header import build_header, document_id
from edition.project import Project
from edition.readers import Reading, Transcription, choose_reader, get_reader
from edition.tei import NSMAP, TEI_NS, XML_ID, XML_LANG, indent, serialize, tei


@dataclass
class ImportOutcome:
    """What happened to one source."""

    source: str
    target: str
    status: str  # written | unchanged | kept-hand-edits | overwritten | failed
    profile: str = ""
    reason: str = ""
    backup: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # apparatus kind → how many
    quality: float = 1.0  # OCR quality score of the source
    linked: int = 0  # mentions tagged with a register id
    fuzzy: int = 0  # of which matched fuzzily
    unlinked: list[str] = field(default_factory=list)  # unregistered name candidates

    def report(self) -> str:
        """One paragraph of the import report for this source."""
        counts = ", ".join(f"{kind} {n}" for kind, n in self.counts.items() if n) or "none"
        lines = [
            f"{self.source}: profile {self.profile} ({self.reason})",
            f"  apparatus: {counts}",
            f"  OCR quality: {self.quality:.2f}",
            f"  entities: {self.linked} linked ({self.fuzzy} fuzzy), "
            f"{len(self.unlinked)} unregistered candidate(s)"
            + (f": {', '.join(self.unlinked[:12])}" if self.unlinked else ""),
        ]
        return "\n".join(lines)


#: Apparatus kinds counted in the report: kind → XPath on the TEI text.
APPARATUS = {
    "gap": ".//tei:gap[not(@reason='signature')]",
    "supplied": ".//tei:supplied",
    "sic": ".//tei:sic",
    "add": ".//tei:add",
    "signature": ".//tei:signed",
    "note": ".//tei:note",
    "pb": ".//tei:pb",
    "sp": ".//tei:sp",
    "noise": ".//tei:ab[@type='noise'] | .//tei:fw[@type='margin']",
    "unclear": ".//tei:unclear",
    "field": ".//tei:ab[@type='field']",
}


def count_apparatus(text: etree._Element) -> dict[str, int]:
    """How many elements of each apparatus kind the TEI text holds."""
    return {kind: len(text.xpath(path, namespaces=NSMAP)) for kind, path in APPARATUS.items()}


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


def assemble(
    project: Project,
    reading: Reading,
    doc_id: str,
    source_shown: str,
    tei_path: Path,
    imported_on: str = "",
) -> etree._ElementTree:
    """The full TEI document: PIs, ``TEI`` root, header and the reader's ``text``."""
    root = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
    root.set(XML_ID, doc_id)
    root.set(XML_LANG, reading.metadata.language or project.settings.edition.language)
    root.append(build_header(project.settings, reading.metadata, doc_id, source_shown, imported_on))
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
    if (odd := undecodable(shown)) is not None:  # refused before its name is used or shown
        reporter.report(
            error(
                "S107",
                "the file name is not UTF-8",
                Location(odd),
                "rename the file: its TEI file, its document's id and its page's address"
                " are made of its name (its bytes are shown as \\xNN)",
            )
        )
        return ImportOutcome(odd, undecodable(target_shown) or target_shown, "failed")
    try:
        transcription = Transcription.load(source, shown)
        register = Register.load(project.register_path, project.shown(project.register_path))
        transcription.people = register.people()
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
    context = transforms.Context(register, reading.quality, shown)
    disabled = frozenset(profiles.load(reading.profile).transforms_disabled)
    transforms.run(reading.text, context, disabled)
    reporter.extend(context.diagnostics)
    mentions = context.mentions
    lost = lossless.check(
        reading.source_text or transcription.text, reading.consumed, reading.text, shown
    )
    if lost is not None:
        reporter.report(lost)
        return ImportOutcome(shown, target_shown, "failed", reading.profile, reason)
    outcome = _outcome(shown, target_shown, reading, reason, mentions)
    tree = assemble(project, reading, document_id(source.stem), shown, target, clock.today())
    transforms.run(tree.getroot(), context, disabled | {"mentions", "speakers"})
    state = generated.state(target)
    if state is generated.FileState.GENERATED and _same_but_for_date(tree, target, shown):
        outcome.status = "unchanged"
        return outcome
    data = generated.stamp(serialize(tree), shown)
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
            info(
                "S111",
                f"replaced hand-edited {target_shown}; backup in {outcome.backup}",
                Location(shown),
            )
        )
    write_atomic(target, data)
    return outcome


def _same_but_for_date(tree: etree._ElementTree, target: Path, shown: str) -> bool:
    """Whether ``tree`` equals the generated ``target`` once given the target's import date.

    A re-import on another day changes only the date of the import ``change``;
    keeping the old date then keeps the file byte-identical.
    """
    old = target.read_bytes()
    change = tree.find(f".//{tei('revisionDesc')}/{tei('change')}[@type='import']")
    match = _IMPORT_DATE.search(old)
    if change is None or match is None:
        return generated.stamp(serialize(tree), shown) == old
    today = change.get("when", "")
    change.set("when", match[1].decode())
    same = generated.stamp(serialize(tree), shown) == old
    change.set("when", today)
    return same


_IMPORT_DATE = re.compile(rb'<change when="(\d{4}-\d{2}-\d{2})" type="import">')


def _outcome(
    shown: str, target: str, reading: Reading, reason: str, mentions: Mentions
) -> ImportOutcome:
    return ImportOutcome(
        shown,
        target,
        "written",
        reading.profile,
        reason,
        counts=count_apparatus(reading.text),
        quality=reading.quality,
        linked=sum(mentions.linked.values()),
        fuzzy=mentions.fuzzy,
        unlinked=[name for name, _ in mentions.candidates.most_common()],
    )


def import_sources(
    project: Project,
    sources: Iterable[Path],
    reporter: Reporter,
    *,
    profile: str | None = None,
    force: bool = False,
    advance: Callable[[str], None] = lambda name: None,
) -> list[ImportOutcome]:
    """Import every source, continuing past bad ones; an unknown ``profile`` is a usage error."""
    if profile:
        profiles.load(profile)
    outcomes = []
    for source in sources:
        advance(source.name)
        if not source.is_file():
            reporter.report(error("S100", "no such source file", Location(project.shown(source))))
            continue
        try:
            outcomes.append(import_one(project, source, reporter, profile=profile, force=force))
        except (RecursionError, MemoryError, ValueError, KeyError, IndexError, TypeError) as err:
            # A bug met on one source must not stop the others; it is reported as such.
            reporter.report(
                error(
                    "S199",
                    f"internal error while importing: {type(err).__name__}: {err}",
                    Location(project.shown(source)),
                    "this is a bug in edition: please report it with the source file",
                )
            )
            outcomes.append(ImportOutcome(project.shown(source), "", "failed"))
    return outcomes
