"""Validation memory benchmark: peak RSS and time of ``api.validate`` at multiples of the corpus.

The benchmark edition of ``bench_build.py`` is made at each ``--scales`` multiple;
each run is one ``api.validate`` (no cache, a process pool of ``--jobs``) in a fresh
child process, which prints its peak RSS (``ru_maxrss``), its RSS (``VmRSS``) before
and after, its seconds and CPU seconds, and a hash of the diagnostics. This process
imports nothing big and makes the editions in a subprocess: Linux carries the parent's
RSS at ``fork`` into the child's ``ru_maxrss``. Two reporters:
``reporter`` (a plain ``Reporter``, which holds every diagnostic: it grows with the
problems) and ``discard`` (hashes and drops them, so that only what grows with the
files shows). ``--against CHECKOUT`` runs the same children with another checkout's
``edition`` (say an export of ``main``), interleaved with this one's, so that the
machine's noise falls on both; the hashes show whether the diagnostics are the same.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
MODES = ("reporter", "discard")


def rss_kib(field: str = "VmRSS") -> int:
    """This process's resident set size now (or ``VmHWM``, its peak; KiB; 0 when unknown)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith(f"{field}:")), "")
    return int(line.split()[1]) if line else 0


def make(folder: Path, scale: int, args: argparse.Namespace) -> None:
    """The benchmark edition at ``scale``, made by a subprocess (see the module docstring)."""
    command = [sys.executable, __file__, "--make", str(folder), str(scale)]
    command += ["--corpus", str(args.corpus), "--modern", str(args.modern)]
    command += ["--schema", str(args.schema.resolve())]
    subprocess.run(command, check=True)


def child(folder: Path, mode: str, jobs: int) -> None:
    """One validation of ``folder`` in this process; the figures as one JSON line."""
    import edition
    from edition import api
    from edition.cache import Cache
    from edition.diagnostics import Diagnostic, Reporter
    from edition.executors import make_executor
    from edition.project import Project

    class Discarding(Reporter):
        """Counts and hashes the diagnostics, keeps none."""

        def __init__(self) -> None:
            super().__init__()
            self.seen, self.hasher = 0, hashlib.sha256()

        def report(self, diagnostic: Diagnostic) -> None:
            self.seen += 1
            self.hasher.update(diagnostic.render().encode() + b"\n")

    project = Project.load(folder)
    reporter = Discarding() if mode == "discard" else Reporter()
    executor = make_executor("local", jobs)
    before = rss_kib()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        api.validate(project, reporter=reporter, cache=Cache(None), executor=executor)
    finally:
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        executor.close()
    # Before the hash below: rendering every diagnostic into one string is not validation.
    after, high_water = rss_kib(), rss_kib("VmHWM")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if isinstance(reporter, Discarding):
        count, digest = reporter.seen, reporter.hasher.hexdigest()
    else:
        count = len(reporter.diagnostics)
        digest = hashlib.sha256(reporter.render().encode()).hexdigest()
    figures = {
        "code": str(Path(edition.__file__).resolve().parent.parent),
        "seconds": seconds,
        "cpu": cpu,
        "peak": peak,
        "before": before,
        "after": after,
        "high_water": high_water,
        "diagnostics": count,
        "hash": digest[:16],
    }
    print(json.dumps(figures))


def in_child(code: Path, folder: Path, mode: str, jobs: int) -> dict[str, Any]:
    """``child`` in a fresh process that imports ``edition`` from ``code``."""
    command = [sys.executable, __file__, "--child", str(folder), mode, "--jobs", str(jobs)]
    environment = dict(os.environ, PYTHONPATH=str(code))
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the child failed:\n{done.stdout}{done.stderr}")
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    if Path(found["code"]) != code:
        raise SystemExit(f"the child imported edition from {found['code']}, not {code}")
    return found


def show(scale: int, mode: str, label: str, runs: list[dict[str, Any]]) -> None:
    """One line of the table: medians of the runs (MiB, seconds)."""

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    seconds = [r["seconds"] for r in runs]
    growth = statistics.median(r["peak"] - r["before"] for r in runs) / 1024
    hashes = {r["hash"] for r in runs}
    print(
        f"{scale:>4}× {mode:<8} {label:<8} {median('peak') / 1024:7.1f} "
        f"{median('before') / 1024:7.1f} → {median('after') / 1024:6.1f} {growth:+8.1f}  "
        f"{statistics.median(seconds):6.2f} ({min(seconds):.2f}–{max(seconds):.2f}) "
        f"{median('cpu'):6.2f} {runs[0]['diagnostics']:>7} {'/'.join(sorted(hashes))}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "frus")
    parser.add_argument("--modern", type=Path, default=SHARED / "corpus" / "frus-modern")
    parser.add_argument("--schema", type=Path, default=SHARED / "schema" / "tei_all.rng")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=2, metavar=("FOLDER", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["EDITION_JING_DAEMON"] = "off"  # each run starts its own jing (children too)
    if args.child:
        child(Path(args.child[0]), args.child[1], args.jobs)
        return
    if args.make:
        from bench_build import make_edition

        make_edition(Path(args.make[0]), args.corpus, args.modern, args.schema, int(args.make[1]))
        return
    codes = {"this": HERE.parent}
    if args.against is not None:
        codes["against"] = args.against.resolve()
    print(
        "scale mode     code     peak MiB  RSS before → after  peak−before  "
        "seconds (range)      cpu s  diagnostics  hash",
        flush=True,
    )
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="bench-validation-") as temporary:
            folder = Path(temporary) / "edition"
            make(folder, scale, args)
            for mode in args.modes:
                found: dict[str, list[dict[str, Any]]] = {label: [] for label in codes}
                for _ in range(args.runs):
                    for label, code in codes.items():
                        found[label].append(in_child(code, folder, mode, args.jobs))
                for label, runs in found.items():
                    show(scale, mode, label, runs)


if __name__ == "__main__":
    main()
