"""Development tasks: `nox -l` lists them. All share one install function and run with --no-venv."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


def install(session: nox.Session, *extras: str) -> None:
    """Install edition (non-editable, as users get it) with the given extras."""
    spec = f".[{','.join(extras)}]" if extras else "."
    if isinstance(session.virtualenv, nox.virtualenv.PassthroughEnv):
        session.run("python", "-m", "pip", "install", "-q", spec, external=True)
    else:
        session.install(spec)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the whole test suite (pytest)."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style with ruff."""
    install(session, "lint")
    session.run("ruff", "check", "edition", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "edition", "tests", "noxfile.py")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """Type-check the package with mypy --strict."""
    install(session, "typecheck")
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
    session.log("Open site/index.html in a browser, or run: .nox/demo/bin/edition serve")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmark validation (jing against lxml, files/s) on the FRUS volumes and the demo."""
    install(session, "test")
    session.run("python", "benchmarks/bench_validation.py", *session.posargs)


@nox.session(python=PYTHON)
def accuracy(session: nox.Session) -> None:
    """Score the importer against the hand-written answer keys (P/R/F1 per apparatus kind)."""
    install(session, "test")
    session.run("python", "tests/accuracy.py")
