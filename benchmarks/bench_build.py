"""Build benchmark: the floor, the full build, Pagefind, peak memory, rebuilds (``nox -s bench``).

A benchmark edition is made in a temporary folder (never committed): every
``div[@type='document']`` of the FRUS volumes as a standalone TEI file plus the
frus-modern documents, with tei_all as the schema (no Schematron). Printed, all from
this run, as the median of ``--runs`` runs with the min–max range:

- the floor: lxml parse + serialise + write of the same files;
- the full build (``api.build``: validate, render, registers, lists) without the
  search index, and the Pagefind step on its own (``edition.site.search``);
- the ratio build ÷ floor;
- build time and peak memory (RSS high-water mark of a child process running the build)
  at several multiples of the corpus (documents replicated with new ids);
- a rebuild with nothing changed and one after one document changed (both are full
  rebuilds today: there is no cache yet).

Figures are printed, never asserted: these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import replicate, split_volume, uniquify
from lxml import etree

from edition import api
from edition.diagnostics import Reporter, Severity
from edition.project import Project
from edition.site import search
from edition.site.builder import build_site

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
CONFIG = """\
[edition]
title = "Benchmark edition"
id = "bench"
language = "en"

[paths]
tei = "tei"
register = "tei/register.xml"
schema = "{schema}"
schematron = "no-schematron.sch"
site = "site"

[site]
search = false
"""


def make_edition(folder: Path, corpus: Path, modern: Path, schema: Path, scale: int) -> int:
    """Write the benchmark edition into ``folder``; the number of documents."""
    tei = folder / "tei"
    tei.mkdir(parents=True)
    files = [f for v in sorted(corpus.glob("*.xml")) for f in split_volume(v, tei)]
    uniquify(files)
    for path in sorted(modern.glob("*.xml")):
        shutil.copyfile(path, tei / path.name)
        files.append(tei / path.name)
    if scale > 1:
        files = replicate(files, tei, scale - 1)
    (folder / "edition.toml").write_text(CONFIG.format(schema=schema), encoding="utf-8")
    return len(files)


def timed(runs: int, once: Callable[[], object]) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        once()
        seconds.append(time.perf_counter() - started)
    return seconds


def show(label: str, seconds: list[float], note: str = "") -> float:
    median = statistics.median(seconds)
    print(f"{label:<46} {median:7.2f} s ({min(seconds):.2f}–{max(seconds):.2f}){note}", flush=True)
    return median


def floor(files: list[Path], out: Path) -> None:
    """lxml parse + serialise + write of every file (the lower bound of any build)."""
    out.mkdir(exist_ok=True)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in files:
        tree = etree.parse(str(path), parser)
        (out / path.name).write_bytes(etree.tostring(tree, encoding="UTF-8"))


def build(folder: Path, check: bool = True) -> int:
    """``api.build`` step by step: validate (tei_all, cross-document checks), then build the
    site even past validation errors (the FRUS corpus has some: see ``main``); the number
    of validation errors."""
    project = Project.load(folder)
    checked = Reporter()
    if check:
        api.validate(project, reporter=checked)
    reporter = Reporter()
    result = build_site(project, reporter, validated=check)
    if result.failed or reporter.has_errors:
        errors = [d for d in reporter.diagnostics if d.severity is Severity.ERROR][:5]
        raise SystemExit(f"benchmark build failed: {errors}")
    return checked.count(Severity.ERROR)


def child(folder: Path) -> None:
    """Run one build in this (child) process and print its time and peak RSS as JSON."""
    started = time.perf_counter()
    build(folder)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_kib": own, "children_rss_kib": kids}))


def in_child(folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument(
        "--scales", default="1,4,16", help="corpus multiples for memory (default 1,4,16)"
    )
    parser.add_argument("--quick", action="store_true", help="--runs 1 --scales 1,2: a smoke run")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "frus")
    parser.add_argument("--modern", type=Path, default=SHARED / "corpus" / "frus-modern")
    parser.add_argument("--schema", type=Path, default=SHARED / "schema" / "tei_all.rng")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()  # nox -s bench passes bench_validation's options too
    if args.child:
        child(args.child)
        return
    if args.quick:
        args.runs, args.scales = 1, "1,2"
    scales = [int(s) for s in args.scales.split(",")]
    with tempfile.TemporaryDirectory(prefix="edition-bench-build-") as tmp:
        folder = Path(tmp) / "x1"
        count = make_edition(folder, args.corpus, args.modern, args.schema.resolve(), 1)
        files = sorted((folder / "tei").glob("*.xml"))
        print(
            f"Build benchmark: {count} documents, tei_all, no Schematron; 1 worker (no --jobs "
            f"yet); median of {args.runs} runs (min–max)",
            flush=True,
        )
        base = show(
            "floor: lxml parse + serialise + write",
            timed(args.runs, lambda: floor(files, Path(tmp) / "floor")),
        )
        errors: list[int] = []
        full = show(
            "build: validate + site, no search",
            timed(args.runs, lambda: errors.append(build(folder))),
            f"  ({errors[-1] if errors else 0} validation error(s) in the corpus, built past)",
        )
        show(
            "build without validation (check=False)", timed(args.runs, lambda: build(folder, False))
        )
        site = folder / "site"
        show(
            "Pagefind step alone (edition.site.search)",
            timed(args.runs, lambda: search.build_index(site, "en", Reporter())),
        )
        print(f"{'ratio build ÷ floor':<46} {full / base:7.1f} ×  (target ≤ 3×)", flush=True)
        show(
            "rebuild, nothing changed",
            timed(args.runs, lambda: build(folder)),
            "  full rebuild: no cache yet",
        )
        changed = files[len(files) // 2]

        def edit_and_build() -> None:
            text = changed.read_text(encoding="utf-8")
            changed.write_text(text.replace("</body>", "<p>edit</p></body>", 1), encoding="utf-8")
            build(folder)

        show(
            "rebuild, one document changed",
            timed(args.runs, edit_and_build),
            "  full rebuild: no cache yet",
        )
        print("scale  documents  build (child)   peak RSS  (jing child)", flush=True)
        for scale in scales:
            here = folder if scale == 1 else Path(tmp) / f"x{scale}"
            if scale > 1:
                count_n = make_edition(here, args.corpus, args.modern, args.schema.resolve(), scale)
            else:
                count_n = count
            got = in_child(here)
            print(
                f"{scale:>4}×  {count_n:>9}  {got['seconds']:9.2f} s  "
                f"{got['rss_kib'] / 1024:7.0f} MiB  ({got['children_rss_kib'] / 1024:.0f} MiB)",
                flush=True,
            )
            if scale > 1:
                shutil.rmtree(here)


if __name__ == "__main__":
    main()
