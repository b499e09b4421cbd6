"""Development tasks: `nox -l` lists them. All share one install function and run with --no-venv."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"
CHROMIUM = "/usr/bin/chromium"


def install(session: nox.Session, *extras: str) -> None:
    """Install edition (non-editable, as users get it) with the given extras."""
    spec = f".[{','.join(extras)}]" if extras else "."
    if isinstance(session.virtualenv, nox.virtualenv.PassthroughEnv):
        session.run("python", "-m", "pip", "install", "-q", spec, external=True)
    else:
        session.install(spec)


def ensure_chromium(session: nox.Session) -> None:
    """Install Debian's Chromium for the browser tests when missing (as root, with apt-get)."""
    if Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        session.error(f"The browser tests need {CHROMIUM}: install Debian's chromium package.")
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    session.run("apt-get", "update", "-qq", external=True, env=env)
    session.run("apt-get", "install", "-y", "-qq", "chromium", external=True, env=env)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite (pytest), browser tests in Debian's Chromium included."""
    ensure_chromium(session)
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style with ruff."""
    install(session, "lint")
    session.run("ruff", "check", "edition", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "edition", "tests", "benchmarks", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """Type-check the package with mypy --strict (with the optional Dask executor's library)."""
    install(session, "typecheck", "dask")
    session.run("mypy", "edition")


@nox.session(python=PYTHON)
def screenshots(session: nox.Session) -> None:
    """Screenshot every page kind in headless Chromium into build/screenshots/ (look at them)."""
    install(session, "test")
    session.run("python", "tests/browser/take_screenshots.py", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Validate and build the bundled demo edition into site/, then say how to open it."""
    install(session)
    session.run("edition", "validate")
    session.run("edition", "build")
    session.log(
        "The demo edition is in site/. To read it (search included), serve it on this machine: "
        "python3 -m http.server -b 127.0.0.1 -d site 8000, then open http://127.0.0.1:8000/ "
        "(or: .nox/demo/bin/edition serve, which also rebuilds on every change). jing keeps "
        "running for 30 idle minutes, so that the next validation is fast: "
        ".nox/demo/bin/edition jing stop stops it now."
    )


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmark validation (jing against lxml, files/s), then the build (floor, build, Pagefind,
    memory at scale, rebuilds), then the documents list's pages at sizes beyond the build's.
    Arguments go to every script: --runs N, --quick (a smoke run), --scales 1,4,16 and
    --entity-scales 1,4,16 (build only), --sizes 25000,100000 (list pages only)."""
    install(session, "test")
    session.run("python", "benchmarks/bench_validation.py", *session.posargs)
    session.run("python", "benchmarks/bench_build.py", *session.posargs)
    session.run("python", "benchmarks/bench_list_pages.py", *session.posargs)


@nox.session(python=PYTHON)
def accuracy(session: nox.Session) -> None:
    """Score the importer against the hand-written answer keys (P/R/F1 per apparatus kind)."""
    install(session, "test")
    session.run("python", "tests/accuracy.py")


@nox.session(python=PYTHON)
def regen(session: nox.Session) -> None:
    """Rewrite the generated reference files (goldens, configuration page); review the git diff."""
    install(session, "test")
    session.run(
        "python",
        "-c",
        "from edition.config import documentation; "
        "open('docs/configuration.md', 'w', encoding='utf-8').write(documentation())",
    )
    session.run(
        "pytest",
        "-q",
        "tests/unit/test_import_golden.py",
        "tests/unit/test_render_goldens.py",
        "tests/unit/test_outputs_golden.py",
        env={"EDITION_REGEN": "1"},
    )
    session.log(
        "Goldens rewritten: review them with 'git diff tests/golden docs' before committing."
    )
