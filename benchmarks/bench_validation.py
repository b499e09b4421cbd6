"""Validation benchmark: jing against lxml, in files per second (``nox -s bench``).

Sets: the three FRUS volumes whole, the same volumes split into one TEI file per
document (in a temporary folder, never committed), both against tei_all; and the demo
edition with the full ``edition validate`` (edition schema, Schematron, cross-checks).
Each figure is the median of ``--runs`` runs with the min–max range. Times include
the hardened parse every run does; jing compiles the schema in each run (one JVM per
run), lxml once per process (the compile is shown separately).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from edition import api
from edition.diagnostics import Reporter, Severity
from edition.project import Project
from edition.validation import Settings, jing, relaxng, run

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TEI = "http://www.tei-c.org/ns/1.0"
FRUS = "http://history.state.gov/frus/ns/1.0"


def split_volume(volume: Path, folder: Path) -> list[Path]:
    """One standalone TEI file per ``div[@type='document']``, FRUS-namespace markup removed."""
    tree = etree.parse(str(volume), etree.XMLParser(resolve_entities=False, no_network=True))
    root = tree.getroot()
    header = root.find(f"{{{TEI}}}teiHeader")
    files = []
    for number, div in enumerate(root.iter(f"{{{TEI}}}div")):
        if div.get("type") != "document":
            continue
        doc = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})
        doc.append(copy.deepcopy(header))
        body = etree.SubElement(etree.SubElement(doc, f"{{{TEI}}}text"), f"{{{TEI}}}body")
        body.append(copy.deepcopy(div))
        _strip_frus(doc)
        path = folder / f"{volume.stem}-{number:05d}.xml"
        path.write_bytes(etree.tostring(doc, encoding="UTF-8", xml_declaration=True))
        files.append(path)
    return files


def strip_volume(volume: Path, folder: Path) -> Path:
    """The whole volume with FRUS-namespace markup removed (valid against tei_all)."""
    tree = etree.parse(str(volume), etree.XMLParser(resolve_entities=False, no_network=True))
    _strip_frus(tree.getroot())
    path = folder / volume.name
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    return path


def _strip_frus(root: etree._Element) -> None:
    """Drop the FRUS-namespace attributes and ``frus:attachment`` elements (not TEI)."""
    for attachment in list(root.iter(f"{{{FRUS}}}attachment")):
        attachment.getparent().remove(attachment)
    for element in root.iter():
        if isinstance(element.tag, str):
            for name in [n for n in element.attrib if n.startswith(f"{{{FRUS}}}")]:
                del element.attrib[name]
    etree.cleanup_namespaces(root)


def measure(label: str, count: int, runs: int, once: Callable[[], int]) -> None:
    """Run ``once`` ``runs`` times; print median and range of seconds and files per second."""
    seconds, errors = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        errors = once()
        seconds.append(time.perf_counter() - started)
    rates = [count / s for s in seconds]
    print(
        f"{label:<44} {count:>5} files  {statistics.median(seconds):7.2f} s "
        f"({min(seconds):.2f}–{max(seconds):.2f})  {statistics.median(rates):8.1f} files/s "
        f"({min(rates):.1f}–{max(rates):.1f})  {errors} error(s)",
        flush=True,
    )


def against(schema: Path, files: list[Path], engine: str) -> Callable[[], int]:
    def once() -> int:
        reporter = Reporter()
        run([(p, p.name) for p in files], Settings(schema, None, engine, False), reporter)
        return reporter.count(Severity.ERROR)

    return once


def demo(engine: str) -> Callable[[], int]:
    def once() -> int:
        reporter = Reporter()
        api.validate(Project.load(REPO), reporter=reporter, engine=engine)
        return reporter.count(Severity.ERROR)

    return once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "frus")
    parser.add_argument("--schema", type=Path, default=SHARED / "schema" / "tei_all.rng")
    args = parser.parse_args()
    engines = ["jing", "lxml"] if jing.available() else ["lxml"]
    if "jing" not in engines:
        print("Java not found: lxml figures only.")
    volumes = sorted(args.corpus.glob("*.xml"))
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as tmp:
        folder = Path(tmp)
        (folder / "split").mkdir()
        whole = [strip_volume(v, folder) for v in volumes]
        split = [f for v in volumes for f in split_volume(v, folder / "split")]
        started = time.perf_counter()
        relaxng.compiled(args.schema)
        compile_time = time.perf_counter() - started
        print(f"lxml compiles {args.schema.name} once per process: {compile_time:.2f} s")
        print(
            f"median of {args.runs} runs (min–max); {len(volumes)} volumes, {len(split)} documents"
        )
        for engine in engines:
            measure(
                f"FRUS volumes, whole ({engine}, tei_all)",
                len(whole),
                args.runs,
                against(args.schema, whole, engine),
            )
            measure(
                f"FRUS documents, split ({engine}, tei_all)",
                len(split),
                args.runs,
                against(args.schema, split, engine),
            )
            measure(
                f"demo edition, all checks ({engine})",
                len(Project.load(REPO).tei_files()),
                args.runs,
                demo(engine),
            )


if __name__ == "__main__":
    main()
