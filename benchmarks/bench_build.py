"""Build benchmark: floor, full build, Pagefind, rebuilds, time and memory at scale (nox -s bench).

A benchmark edition is made in a temporary folder (never committed): every
``div[@type='document']`` of the FRUS volumes as a standalone TEI file plus the
frus-modern documents, with tei_all as the schema (no Schematron) and
``[site] search = false`` (and the default ``dts_units = false``: figures from before
that default include the DTS files per citable unit). The corpus has cross-document
validation errors, so every build here does what ``edition build`` does (validation's
Python checks, then the site built while jing validates, validation finished before the
commit) but commits past the errors, where ``edition build`` would refuse. Printed, all
from this run, as the median of ``--runs`` runs with the min–max range:

- the floor: lxml parse + serialise + write of the same files, each run into a new
  folder as a full build writes its site (and, for comparison, over the files of the
  run before, which creates no file);
- the full build (no site, no cache) with 1 worker and with all cores, and its validate
  and site parts on their own lines; the ratio full build ÷ floor for both;
- jing alone on the same files (one JVM, its class archive mapped, as a build runs it)
  and its ratio to the floor: what no build that validates with jing can go below;
- the floor, jing alone and the full build (all cores) again on a RAM disk
  (``/dev/shm``), where the ratio is what the CPU costs, without this machine's disk;
- the Pagefind step on its own (``edition.site.search``) over the built site, as one
  index; the index in parts as a build makes it (``search.update``: every part), and
  the one part a changed document's page is in;
- the rebuild with nothing changed (cache kept, all cores): the ``build_site`` call, and
  the whole ``edition build --no-validate`` command in a subprocess;
- the rebuild after one document changed, against 0.5 s plus that document's own share
  of the full site build; again with jing kept running in the process (``edition serve``),
  and with the jing server that outlives each ``edition build`` (``jing_daemon``);
- per multiple of the corpus (``--scales``), one full build in a child process (all
  cores): seconds, seconds per 1,000 documents, peak RSS of the build process and of its
  children (pool workers and the jing JVM; the build's own is ``VmHWM``, which a
  fork does not carry over), the nothing-changed rebuild, the rebuild after a
  paragraph was appended to one document (validate + site, jing started for it), the
  rebuild after a word of it was corrected (the same) and the edition-wide step;
- the growth of build time and memory from the smallest to the largest scale, and what
  remains single-threaded;
- the same table for an edition whose persons and places are named in every document
  (``--entity-scales``): the demo edition's three documents, its register, schema and
  Schematron, copied 100 times per multiple (new ids, the same register), so that its
  most mentioned place has thousands of mentions and its pages are paged.

Figures are printed, never asserted: these machines are noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from bench_validation_memory import rss_kib
from corpus import replicate, split_volume, uniquify
from lxml import etree

from edition import api, collector
from edition.cache import Cache
from edition.diagnostics import Reporter, Severity
from edition.executors import default_jobs, make_executor
from edition.fsutil import remove_tree
from edition.project import Project
from edition.site import search, wide
from edition.site.builder import build_site
from edition.site.state import PreviousState
from edition.validation import jing, jing_daemon, jing_server

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
EDITION = Path(sys.executable).with_name("edition")
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
WIDTH = 58


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


#: The demo edition (this repository): its documents name the register's entities.
DEMO = HERE.parent

#: Copies of the demo's documents per multiple of the entity-heavy edition.
DEMO_COPIES = 100


def make_entity_edition(folder: Path, scale: int) -> int:
    """Write into ``folder`` the demo edition with its documents copied ``DEMO_COPIES``
    times per ``scale`` (each copy's ids renamed, its names still pointing into the
    one register), validated as the demo is, without search; the number of documents."""
    folder.mkdir(parents=True)
    shutil.copytree(DEMO / "tei", folder / "tei")
    (folder / "docs").mkdir()
    shutil.copyfile(DEMO / "docs" / "introduction.md", folder / "docs" / "introduction.md")
    config = (DEMO / "edition.toml").read_text(encoding="utf-8")
    config = config.replace('templates = "templates"\n', "")  # the bundled templates
    (folder / "edition.toml").write_text(config + "\n[site]\nsearch = false\n", encoding="utf-8")
    documents = sorted(p for p in (folder / "tei").glob("*.xml") if p.name != "register.xml")
    return len(replicate(documents, folder / "tei", DEMO_COPIES * scale - 1))


def most_mentions(folder: Path) -> int:
    """How many mentions the most mentioned entity of the last build has."""
    state = folder / ".edition-cache" / "site.sqlite"
    with contextlib.closing(sqlite3.connect(state)) as db:
        row = db.execute(
            "SELECT COUNT(*) FROM mentions GROUP BY entity ORDER BY 1 DESC LIMIT 1"
        ).fetchone()
    return int(row[0]) if row else 0


@dataclass
class Timing:
    """One build, step by step (seconds)."""

    validate: float
    site: float
    #: The edition-wide step inside ``site`` (``None``: not measured).
    edition_wide: float | None = None
    errors: int = 0

    @property
    def total(self) -> float:
        return self.validate + self.site


#: Seconds spent in each edition-wide step of the running build (see ``time_edition_wide``).
_EDITION_WIDE: list[float] = []


def time_edition_wide() -> None:
    """Time the edition-wide step of ``build_site`` (lists, indexes, sitemap: in this process).

    It wraps ``EditionWide.build``; when that is renamed the figure is simply not printed.
    """
    original = getattr(wide.EditionWide, "build", None)
    if original is None or getattr(original, "benchmarked", False):
        return

    def build(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _EDITION_WIDE.append(time.perf_counter() - started)

    build.benchmarked = True  # type: ignore[attr-defined]
    wide.EditionWide.build = build  # type: ignore[method-assign]


def forget(project: Project) -> None:
    """Delete the built site and the build cache: the next build is a full one."""
    remove_tree(project.site_dir)  # as a build removes the site it replaces
    shutil.rmtree(project.cache_dir, ignore_errors=True)


def build(folder: Path, jobs: int, full: bool) -> Timing:
    """Validate and build as ``edition build`` does, but commit past validation errors.

    As in ``api.build``, validation's Python checks run first, then the site is built
    while jing validates, and validation is finished just before the commit. The
    validate part is the time spent in validation (its start, and waiting for it at
    the end); the site part, the rest. ``full``: from nothing. The executor is made
    and closed inside the timed steps, as ``edition build`` does.
    """
    project = Project.load(folder)
    if full:
        forget(project)
    _EDITION_WIDE.clear()
    waited: list[float] = []
    checked = Reporter()
    started = time.perf_counter()
    executor = make_executor("local", jobs)
    try:
        with Cache(project.cache_dir) as cache:
            documents = project.tei_files()  # listed and hashed once, as api.build does
            validation = api.start_validation(
                project, None, checked, cache=cache, executor=executor, documents=documents
            )
            begun = time.perf_counter()

            def finish() -> bool:
                before = time.perf_counter()
                validation.finish()
                waited.append(time.perf_counter() - before)
                return True  # the corpus has errors: built past them

            reporter = Reporter()
            try:
                result = build_site(
                    project,
                    reporter,
                    validated=True,
                    cache=cache,
                    executor=executor,
                    ready=finish,
                    files=documents,
                    digests=validation.digests(),
                )
                if not waited:  # nothing changed: build_site returned before asking
                    finish()
            finally:
                validation.close()
    finally:
        executor.close()
    done = time.perf_counter()
    if result.failed or reporter.has_errors:
        errors = [d for d in reporter.diagnostics if d.severity is Severity.ERROR][:5]
        raise SystemExit(f"benchmark build failed: {errors}")
    wide = sum(_EDITION_WIDE) if _EDITION_WIDE else None
    validating = begun - started + sum(waited)
    return Timing(validating, done - started - validating, wide, checked.count(Severity.ERROR))


@contextlib.contextmanager
def jing_servers_on(folder: Path) -> Iterator[None]:
    """jing kept running between builds, as for an editor's ``edition build`` (sockets in
    ``folder``); every server stopped after."""
    settings = {jing_daemon.ENV: "10", "XDG_RUNTIME_DIR": str(folder)}
    with mock.patch.dict(os.environ, settings):
        try:
            yield
        finally:
            for path in jing_daemon.running():
                jing_daemon.stop(path)


def cli_build(folder: Path) -> None:
    """``edition build --no-validate`` in a subprocess (validation errors would stop it),
    as an installation runs it: with Python's bytecode caches, even where the
    environment says not to write them (``PYTHONDONTWRITEBYTECODE``; without them every
    module is compiled again at each start: 0.1 s of this command's 0.3 s)."""
    command = [str(EDITION), "build", "--no-validate", "--project", str(folder)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def search_in_parts(runs: int, folder: Path) -> None:
    """The search index as a build makes it: in parts (``search.update``), every part; then
    after one document changed, the part its page is in."""
    state = PreviousState(folder / ".edition-cache" / "site.sqlite")
    pages, site, per_part = state.searched_pages, folder / "site", 1000
    jobs = default_jobs()  # as edition build's default --jobs
    count = search.part_count(sum(1 for _ in pages()), per_part)
    keys: dict[int, str] = {}

    def every_part() -> None:
        keys.update(search.update(site, pages, per_part, "en", {}, Reporter(), jobs) or {})

    show(f"search index in {count} parts, every part (a full build's)", timed(runs, every_part))
    stale = keys | {search.part_of(next(iter(pages()))[0], count): ""}  # as if its page changed

    def one_part() -> None:
        search.update(site, pages, per_part, "en", stale, Reporter(), jobs)

    show(
        "search index after one document changed: its part",
        timed(runs, one_part),
        f"  (about {1 / count:.0%} of the pages)",
    )
    state.close()


def timed(
    runs: int, once: Callable[[], object], before: Callable[[], object] = lambda: None
) -> list[float]:
    """The seconds of each of ``runs`` calls of ``once`` (``before`` runs untimed before each)."""
    seconds = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        once()
        seconds.append(time.perf_counter() - started)
    return seconds


def show(label: str, seconds: list[float], note: str = "") -> float:
    median = statistics.median(seconds)
    low, high = min(seconds), max(seconds)
    print(f"{label:<{WIDTH}} {median:7.2f} s ({low:.2f}–{high:.2f}){note}", flush=True)
    return median


@dataclass
class Medians:
    """The medians of some builds (seconds)."""

    total: float
    validate: float
    site: float
    edition_wide: float | None


def show_builds(label: str, timings: list[Timing], note: str = "") -> Medians:
    """Print the total, validate and site medians of some builds; the medians."""
    total = show(label, [t.total for t in timings], note)
    check = show("  validate part", [t.validate for t in timings])
    site = show("  site part (build_site)", [t.site for t in timings])
    wide = [t.edition_wide for t in timings if t.edition_wide is not None]
    return Medians(total, check, site, statistics.median(wide) if wide else None)


def floor(files: list[Path], out: Path) -> None:
    """lxml parse + serialise + write of every file (the lower bound of any build)."""
    out.mkdir(exist_ok=True)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in files:
        tree = etree.parse(str(path), parser)
        (out / path.name).write_bytes(etree.tostring(tree, encoding="UTF-8"))


def floor_runs(runs: int, files: list[Path], out: Path, *, new: bool) -> list[float]:
    """The floor's times: each run into a new folder (``new``, as a full build writes its
    site: every file created), or over the files of the run before (only the first run
    creates them; figures before December 2026 were measured so)."""
    shutil.rmtree(out, ignore_errors=True)

    def clear() -> None:
        if new:
            shutil.rmtree(out, ignore_errors=True)

    return timed(runs, lambda: floor(files, out), clear)


def jing_alone(runs: int, folder: Path, floor_seconds: float, where: str = "") -> None:
    """jing on every file of the edition, as a build runs it, and its ratio to the floor."""
    project = Project.load(folder)
    files = {path: path.name for path in project.tei_files()}
    archives = project.cache_dir / "jvm"
    jing.check(project.schema_path, files, archives=archives)  # writes the class archive
    seconds = show(
        f"{where}jing alone, every file in one JVM",
        timed(runs, lambda: jing.check(project.schema_path, files, archives=archives)),
    )
    print(
        f"{f'{where}ratio jing alone ÷ floor':<{WIDTH}} {seconds / floor_seconds:7.1f} ×  "
        "(no build validated by jing can go below this)",
        flush=True,
    )


def create_empty(folders: list[str], files: list[str], out: Path) -> None:
    """Create ``folders`` and empty ``files`` (paths relative to ``out``), nothing written."""
    for folder in folders:
        (out / folder).mkdir(parents=True, exist_ok=True)
    for name in files:
        os.close(os.open(out / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666))


def site_files_alone(
    runs: int, site: Path, out: Path, floor_seconds: float, count: int, where: str = ""
) -> None:
    """The built site's folders and files created empty, into a new folder each run: what
    creating them costs this disk, whatever the builder does (its ratio to the floor,
    which creates one file a document)."""
    folders = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir())
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    seconds = show(
        f"{where}the site's files created empty, no bytes",
        timed(
            runs,
            lambda: create_empty(folders, files, out),
            lambda: shutil.rmtree(out, ignore_errors=True),
        ),
        f"  ({len(files)} files, {len(folders)} folders: {len(files) / count:.1f} files "
        "a document, the floor's 1)",
    )
    shutil.rmtree(out, ignore_errors=True)
    print(
        f"{f'{where}ratio site files created ÷ floor':<{WIDTH}} {seconds / floor_seconds:7.1f} ×  "
        "(no build of this site on this disk can go below this)",
        flush=True,
    )


def ram_disk(folder: Path, runs: int, cores: int) -> None:
    """The floor and the full build again with every file in memory (``/dev/shm``).

    What is left of the ratio there is CPU: this machine's disk, shared and noisy,
    stalls writers for seconds at a time, and a site writes four times the bytes
    of the floor (pages, downloads, citations, DTS files).
    """
    shm = Path("/dev/shm")  # noqa: S108 (a fresh folder inside it, made by tempfile)
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        print(f"{'on a RAM disk: no writable /dev/shm here':<{WIDTH}}", flush=True)
        return
    with tempfile.TemporaryDirectory(prefix="edition-bench-ram-", dir=shm) as tmp:
        here = Path(tmp) / "x1"
        shutil.copytree(folder, here, ignore=shutil.ignore_patterns("site", ".edition-cache"))
        files = sorted((here / "tei").glob("*.xml"))
        base = show(
            "on a RAM disk (/dev/shm): floor, into a new folder",
            floor_runs(runs, files, Path(tmp) / "floor", new=True),
        )
        jing_alone(runs, here, base, "on a RAM disk: ")
        got = show_builds(
            f"on a RAM disk: full build, {cores} workers",
            [build(here, cores, full=True) for _ in range(runs)],
        )
        count = len(files)
        site_files_alone(runs, here / "site", Path(tmp) / "empty", base, count, "on a RAM disk: ")
        print(
            f"{f'on a RAM disk: ratio full build ÷ floor, {cores} workers':<{WIDTH}} "
            f"{got.total / base:7.1f} ×  (target ≤ 3×)",
            flush=True,
        )


def edited_document(folder: Path) -> Path:
    """The document the one-document rebuilds edit: the middle one by name."""
    files = sorted((folder / "tei").glob("*.xml"))
    return files[len(files) // 2]


def append_paragraph(path: Path, text: str) -> None:
    """The benchmark's edit: a paragraph appended before ``</body>``."""
    content = path.read_text(encoding="utf-8")
    path.write_text(content.replace("</body>", f"<p>{text}</p></body>", 1), encoding="utf-8")


def correct_word(path: Path) -> bool:
    """The benchmark's other edit: one word of the text changed, on its line (the last
    `` the `` becomes `` thee ``), so that no id, pointer, title or date moves; False
    when the document has no such word."""
    content = path.read_text(encoding="utf-8")
    head, found, tail = content.rpartition(" the ")
    if not found:
        return False
    path.write_text(f"{head} thee {tail}", encoding="utf-8")
    return True


def child(folder: Path) -> None:
    """One full build (all cores), one nothing-changed rebuild, one after a paragraph
    was appended to one document and one after a word of it was corrected, in this
    (child) process; the times and peak RSS (of the full build) as JSON."""
    time_edition_wide()
    first = build(folder, default_jobs(), full=True)
    # Not ``ru_maxrss``: Linux carries the parent's RSS at ``fork`` into it, and this
    # benchmark's own process is larger than a 1× build.
    own = rss_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    again = build(folder, default_jobs(), full=False)
    changed = edited_document(folder)
    text = changed.read_text(encoding="utf-8")
    append_paragraph(changed, "edit")
    try:
        one = build(folder, default_jobs(), full=False)
        word = build(folder, default_jobs(), full=False) if correct_word(changed) else None
    finally:
        changed.write_text(text, encoding="utf-8")
    print(
        json.dumps(
            {
                **asdict(first),
                "seconds": first.total,
                "rebuild_site": again.site,
                "one_changed": one.total,
                "one_word": word.total if word is not None else None,
                "rss_kib": own,
                "children_rss_kib": kids,
            }
        )
    )


def in_child(folder: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def scale_table(
    scales: list[int], make: Callable[[int], tuple[Path, int]], keep: Path | None = None
) -> None:
    """One full build per multiple of an edition (``make(scale)``: its folder and number
    of documents), each in a child process; the growth. Folders other than ``keep`` are
    removed after their build."""
    print(
        "scale  documents     build  s/1000 docs  peak RSS  children RSS  rebuild  one changed"
        "  one word  edition-wide  most mentions",
        flush=True,
    )
    got: dict[int, dict[str, Any]] = {}
    for scale in scales:
        here, documents = make(scale)
        found = got[scale] = {**in_child(here), "documents": documents}
        wide, word = found["edition_wide"], found["one_word"]
        print(
            f"{scale:>4}×  {documents:>9}  {found['seconds']:6.1f} s  "
            f"{found['seconds'] / documents * 1000:9.2f} s  "
            f"{found['rss_kib'] / 1024:5.0f} MiB  {found['children_rss_kib'] / 1024:8.0f} MiB  "
            f"{found['rebuild_site']:5.2f} s  {found['one_changed']:9.2f} s  "
            + (f"{word:6.2f} s  " if word is not None else "     —    ")
            + (f"{wide:8.2f} s" if wide is not None else "       —  ")
            + f"  {most_mentions(here):13,}",
            flush=True,
        )
        if here != keep:
            shutil.rmtree(here)
    if len(got) < 2:
        return
    small, large = min(got), max(got)
    factor = large / small
    a, b = got[small], got[large]
    print(
        f"{f'build time {large}× ÷ {small}×':<{WIDTH}} {b['seconds'] / a['seconds']:7.1f} ×  "
        f"(linear growth: {factor:g}×)",
        flush=True,
    )
    extra = b["documents"] - a["documents"]
    for name, key in (("peak RSS", "rss_kib"), ("children peak RSS", "children_rss_kib")):
        grown = b[key] - a[key]
        print(
            f"{f'{name} {large}× − {small}×':<{WIDTH}} {grown / 1024:7.0f} MiB  "
            f"({grown / extra:.1f} KiB per extra document; flat = 0)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument(
        "--scales", default="1,4,16", help="corpus multiples for time and memory (default 1,4,16)"
    )
    parser.add_argument(
        "--entity-scales",
        default="1,4,16",
        help=f"multiples of {DEMO_COPIES} copies of the demo edition, for time and memory "
        "with entities named in every document (default 1,4,16; 0: none)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="--runs 1, and 1,2 for both scales: a smoke run"
    )
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "frus")
    parser.add_argument("--modern", type=Path, default=SHARED / "corpus" / "frus-modern")
    parser.add_argument("--schema", type=Path, default=SHARED / "schema" / "tei_all.rng")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()  # nox -s bench passes bench_validation's options too
    collector.tune()  # as the command line does
    if args.child:
        child(args.child)
        return
    if args.quick:
        args.runs, args.scales, args.entity_scales = 1, "1,2", "1,2"
    scales = [int(s) for s in args.scales.split(",")]
    entity_scales = [int(s) for s in args.entity_scales.split(",") if int(s) > 0]
    cores = default_jobs()
    # Every build starts cold, its own jing included (children inherit this), except the
    # rebuild measured with jing kept running between builds.
    os.environ[jing_daemon.ENV] = "off"
    time_edition_wide()
    with tempfile.TemporaryDirectory(prefix="edition-bench-build-") as tmp:
        folder = Path(tmp) / "x1"
        count = make_edition(folder, args.corpus, args.modern, args.schema.resolve(), 1)
        if not count:
            raise SystemExit(
                f"no TEI files in {args.corpus} nor {args.modern}: give --corpus and --modern "
                "(the FRUS volumes and documents, by default in ../shared/corpus/)"
            )
        files = sorted((folder / "tei").glob("*.xml"))
        print(
            f"Build benchmark: {count} documents, tei_all, no Schematron, no search; "
            f"{cores} core(s); validation beside the site build, as edition build does; "
            f"median of {args.runs} runs (min–max)",
            flush=True,
        )
        base = show(
            "floor: lxml parse + serialise + write, into a new folder",
            floor_runs(args.runs, files, Path(tmp) / "floor", new=True),
        )
        show(
            "  the same over the files of the run before",
            floor_runs(args.runs, files, Path(tmp) / "floor", new=False),
            "  (files not created: not the ratio's floor)",
        )
        serial = [build(folder, 1, full=True) for _ in range(args.runs)]
        errors = serial[-1].errors
        one = show_builds(
            "full build, 1 worker: validate + site",
            serial,
            f"  ({errors} validation error(s) in the corpus, built past)",
        )
        parallel = show_builds(
            f"full build, {cores} workers: validate + site",
            [build(folder, cores, full=True) for _ in range(args.runs)],
        )
        for label, got in (("1 worker", one), (f"{cores} workers", parallel)):
            print(
                f"{f'ratio full build ÷ floor, {label}':<{WIDTH}} {got.total / base:7.1f} ×  "
                "(target ≤ 3×)",
                flush=True,
            )
        jing_alone(args.runs, folder, base)
        site_files_alone(args.runs, folder / "site", Path(tmp) / "empty", base, count)
        ram_disk(folder, args.runs, cores)
        site = folder / "site"
        pagefind = show(
            "Pagefind step alone, one index (edition.site.search)",
            timed(args.runs, lambda: search.build_index(site, "en", Reporter())),
        )
        search_in_parts(args.runs, folder)
        # The cache of the last full build (all cores) is kept from here on.
        unchanged = [build(folder, cores, full=False) for _ in range(args.runs)]
        show_builds(
            "rebuild, nothing changed: validate + site", unchanged, "  (target: site ≤ 0.50 s)"
        )
        changed = edited_document(folder)
        edits = iter(range(1, 1_000_000))

        def edit_and_build() -> Timing:
            append_paragraph(changed, f"edit {next(edits)}")
            return build(folder, cores, full=False)

        share = parallel.site / count
        show_builds(
            "rebuild, one document changed: validate + site",
            [edit_and_build() for _ in range(args.runs)],
            f"  (target: site ≤ {0.5 + share:.3f} s)",
        )
        with jing_server.kept_running():  # as in edition serve
            edit_and_build()  # starts jing and compiles the schema
            show_builds(
                "  the same, jing kept running (edition serve)",
                [edit_and_build() for _ in range(args.runs)],
            )
        with jing_servers_on(Path(tmp)):
            edit_and_build()  # starts the server
            show_builds(
                "  the same, jing server between builds (edition build)",
                [edit_and_build() for _ in range(args.runs)],
            )
        print(
            f"{'  its own share: full site build ÷ documents':<{WIDTH}} {share:7.3f} s  "
            f"(target 0.5 + share = {0.5 + share:.3f} s)",
            flush=True,
        )
        cli_build(folder)  # --no-validate changes what the pages say: one full rebuild first
        show(
            "rebuild, nothing changed: edition build --no-validate (CLI)",
            timed(args.runs, lambda: cli_build(folder)),
            "  (whole command: start-up, no validation; target ≤ 0.50 s)",
        )

        def frus(scale: int) -> tuple[Path, int]:
            if scale == 1:
                return folder, count
            here = folder.parent / f"x{scale}"
            return here, make_edition(here, args.corpus, args.modern, args.schema.resolve(), scale)

        scale_table(scales, frus, keep=folder)
        if entity_scales:
            print(
                f"The demo edition, {DEMO_COPIES} copies per multiple: its register's entities "
                "named in every document (its schema and Schematron, no search)",
                flush=True,
            )

            def demo(scale: int) -> tuple[Path, int]:
                here = Path(tmp) / f"demo{scale}"
                return here, make_entity_edition(here, scale)

            scale_table(entity_scales, demo)
        wide = f"{parallel.edition_wide:.2f} s" if parallel.edition_wide is not None else "—"
        print(
            f"single-threaded still: the edition-wide pages ({wide} of the {cores}-worker full "
            f"site build) and Pagefind ({pagefind:.2f} s, off in these builds)",
            flush=True,
        )


if __name__ == "__main__":
    main()
