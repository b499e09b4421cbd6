"""One built site, one HTTP server and one headless Chromium for all browser tests of a session."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_checks import make_project

from edition.diagnostics import Reporter
from edition.project import Project
from edition.site.builder import build_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RICH = "documents/rich-1962/"
D1960 = "documents/d1960-05-10_record-of-conversation_khrushchev-fukuda-takasaki/"
#: One URL of every page kind.
PAGE_KINDS = {
    "home": "",
    "documents": "documents/",
    "documents-sorted": "documents/by-title/",
    "document": RICH,
    "document-demo": D1960,
    "persons": "persons/",
    "entity": "persons/pers-gromyko/",
    "search": "search/",
    "method": "method/",
    "about": "about/",
    "404": "404.html",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in tests/browser/ is marked ``browser`` (and ``slow``)."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo edition plus the hand-made fixtures and register, with the search index in
    parts of one document each (the search page merges them)."""
    root = make_project(
        tmp_path_factory.mktemp("browser") / "project", search=True, search_part_documents=1
    )
    reporter = Reporter()
    result = build_site(Project.load(root), reporter)
    assert not result.failed, reporter.render("text")
    return root / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


#: The path of the demo's base_url: the site is served below it, as on the real host.
PREFIX = "/moscow-tokyo/"


class _Host(_Quiet):
    """Serves the site below PREFIX and answers missing pages with 404.html, like static hosts."""

    def translate_path(self, path: str) -> str:
        inside = path.startswith(PREFIX)
        return super().translate_path("/" + path[len(PREFIX) :] if inside else "/.missing")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def base_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 below the base_url's path (404s get the 404 page)."""
    handler = functools.partial(_Host, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page; console errors and uncaught exceptions are collected on ``page.errors``."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    tab = context.new_page()
    errors: list[str] = []
    tab.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.errors = errors
    yield tab
    context.close()


@pytest.fixture(scope="session")
def vnu_jar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Nu HTML checker from npm's ``vnu-jar``, installed once into a cache folder."""
    cache = Path.home() / ".cache" / "edition-tests" / "vnu"
    jar = cache / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists():
        npm = shutil.which("npm")
        if npm is None or shutil.which("java") is None:
            pytest.skip("the Nu HTML checker needs npm (to get vnu-jar) and java")
        import subprocess

        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache), "vnu-jar"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not jar.exists():
            pytest.skip(f"vnu-jar could not be installed from npm: {done.stderr.strip()[-200:]}")
    return jar
