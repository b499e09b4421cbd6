"""What a command loads before it can answer: a build with nothing to do needs none of
the code that renders (``builder`` loads ``steps`` only when there is something to do)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

#: Modules that only rendering, writing pages or running jobs in a pool need.
RENDERING = (
    "edition.site.steps",
    "edition.site.jobs",
    "edition.site.catalogue",
    "edition.render.behaviours",
    "edition.deposit.metadata",
    "jinja2",
    "concurrent.futures",
    "pickle",
)


def loaded_by(*arguments: str) -> set[str]:
    """The modules an ``edition`` command imports, from Python's own import log."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "edition", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", done.stderr, re.M))


def test_a_build_with_nothing_to_do_loads_no_rendering_code(demo: Path) -> None:
    first = loaded_by("build", "--project", str(demo), "--jobs", "2")
    assert set(RENDERING) <= first  # the import log is read right: a real build needs them
    again = loaded_by("build", "--project", str(demo), "--jobs", "2")
    assert "edition.site.builder" in again
    assert sorted(again & set(RENDERING)) == []


def test_a_corrected_word_loads_no_markdown(demo: Path) -> None:
    """The introduction's HTML is kept with the hash of its text: a build in which it did
    not change neither loads nor runs the Markdown parser, and the home page keeps it.
    The search index is brought up to date without reading any package's metadata."""
    assert "markdown_it" in loaded_by("build", "--project", str(demo))
    home = (demo / "site" / "index.html").read_text(encoding="utf-8")
    document = next((demo / "tei").glob("1960-*.xml"))
    text = document.read_text(encoding="utf-8")
    document.write_text(text.replace("Khrushchev affirms", "Khrushchev asserts", 1), "utf-8")
    again = loaded_by("build", "--project", str(demo))
    assert "edition.site.steps" in again  # it rendered
    assert "markdown_it" not in again
    assert "importlib.metadata" not in again  # Pagefind's parts are keyed by its binary
    assert (demo / "site" / "index.html").read_text(encoding="utf-8") == home
    assert "Khrushchev asserts" in "".join(
        p.read_text(encoding="utf-8") for p in (demo / "site" / "documents").rglob("*.html")
    )


def test_the_facade_keeps_its_deposit_function_once_headers_are_read() -> None:
    """``edition.deposit`` is the façade's function, also after the subpackage of the same
    name is loaded by code that reads headers (which a build now loads late)."""
    code = (
        "import edition, edition.site.steps, edition.deposit.package;"
        "from edition import api; print(edition.deposit is api.deposit)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
