"""Validation benchmark: jing against lxml, in files per second (``nox -s bench``).

Sets: the three FRUS volumes whole, the same volumes split into one TEI file per
document (in a temporary folder, never committed), both against tei_all; and the demo
edition with the full ``edition validate`` (edition schema, Schematron, cross-checks).
Each figure is the median of ``--runs`` runs with the min–max range. Times include
the hardened parse every run does; jing compiles the schema in each run (one JVM per
run), lxml once per process (the compile is shown separately). A last line gives the
split documents checked by the jing server that outlives each run (``jing_daemon``),
started by an untimed run before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_build import jing_servers_on
from corpus import split_volume, strip_volume

from edition import api
from edition.diagnostics import Reporter, Severity
from edition.project import Project
from edition.validation import Settings, jing, relaxng, start

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


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
        named = [(p, p.name) for p in files]
        start(named, Settings(schema, None, engine, False), reporter).finish()
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
    parser.add_argument("--quick", action="store_true", help="--runs 1: a smoke run")
    args, _ = parser.parse_known_args()  # nox -s bench passes bench_build's options too
    if args.quick:
        args.runs = 1
    os.environ["EDITION_JING_DAEMON"] = "off"  # one JVM per run, but for the last line
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
        if "jing" in engines:
            with jing_servers_on(folder):
                against(args.schema, split[:1], "jing")()  # starts the server
                measure(
                    "FRUS documents, split (jing server running)",
                    len(split),
                    args.runs,
                    against(args.schema, split, "jing"),
                )


if __name__ == "__main__":
    main()
