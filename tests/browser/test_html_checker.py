"""The Nu HTML checker (npm vnu-jar, run with Java) finds no errors in any page of the site."""

from __future__ import annotations

import json
import subprocess

import pytest
from site_checks import REPO

from edition.diagnostics import Reporter
from edition.project import Project
from edition.site.builder import build_site


def _errors(vnu_jar, pages):
    done = subprocess.run(
        ["java", "-Xss8m", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    return errors


def test_every_page_is_valid_html(built_site, vnu_jar):
    pages = sorted(str(p) for p in built_site.rglob("*.html") if "pagefind" not in p.parts)
    assert _errors(vnu_jar, pages) == []


@pytest.mark.parametrize("corpus", ["frus-modern", "frus"])
def test_frus_pages_are_valid_html(tmp_path, vnu_jar, corpus):
    """Single FRUS documents, and every fourth page of the three split volumes."""
    folder = REPO.parent / "shared" / "corpus" / corpus
    if not folder.is_dir():
        pytest.skip("the shared FRUS corpus is not beside the repository")
    root = tmp_path / "frus"
    root.mkdir()
    (root / "edition.toml").write_text(
        f'[edition]\ntitle = "FRUS"\n[paths]\ntei = "{folder}"\n[site]\nsearch = false\n'
    )
    reporter = Reporter()
    assert not build_site(Project.load(root), reporter, validated=False).failed
    pages = sorted(str(p) for p in (root / "site").rglob("*.html"))
    assert _errors(vnu_jar, pages[::4] if corpus == "frus" else pages) == []
