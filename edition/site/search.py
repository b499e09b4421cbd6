"""The Pagefind full-text index over the rendered pages (filters come from data attributes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from edition.diagnostics import Reporter, error


def build_index(site: Path, language: str, reporter: Reporter, output: Path | None = None) -> bool:
    """Run the Pagefind binary shipped by the ``pagefind[bin]`` package over ``site``.

    The index goes to ``site/pagefind``, or to ``output`` when given.
    """
    output = output if output is not None else site / "pagefind"
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--silent",
        "--force-language",
        language or "en",
        "--output-path",
        str(output),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        reporter.report(
            error(
                "R520",
                f"the search index could not be built: {err}",
                None,
                "install pagefind with: pip install 'pagefind[bin]'",
            )
        )
        return False
    if done.returncode != 0 or not (output / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()
        reporter.report(
            error(
                "R520",
                "the search index could not be built: "
                + (detail[-1] if detail else f"exit status {done.returncode}"),
                None,
                "install pagefind with: pip install 'pagefind[bin]', or set site.search = false",
            )
        )
        return False
    return True
