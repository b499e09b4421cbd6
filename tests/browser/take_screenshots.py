"""Screenshots of every page kind in headless Chromium, for looking at the site by eye.

Usage: ``python tests/browser/take_screenshots.py [OUTDIR] [SITE]`` (default OUTDIR
build/screenshots; without SITE the demo edition plus the test fixtures is built).
"""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import CHROMIUM, CHROMIUM_ARGS, D1960, PAGE_KINDS, PREFIX, RICH, _Host
from playwright.sync_api import sync_playwright
from site_checks import make_project

from edition.diagnostics import Reporter
from edition.project import Project
from edition.site.builder import build_site

SHOTS = [
    *((name, url, "") for name, url in sorted(PAGE_KINDS.items())),
    ("document-diplomatic", RICH, "diplomatic"),
    ("document-popover", RICH, "popover"),
    ("document-demo-diplomatic", D1960, "diplomatic"),
    ("search-results", "search/", "search"),
    ("document-mobile", RICH, "mobile"),
    ("documents-mobile", "documents/", "mobile"),
    ("document-print", RICH, "print"),
]


def main(outdir: Path, site: Path | None) -> None:
    if site is None:
        root = make_project(Path(tempfile.mkdtemp()) / "project")
        reporter = Reporter()
        build_site(Project.load(root), reporter)
        site = root / "site"
    outdir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Host, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}{PREFIX}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name, url, action in SHOTS:
            width = 390 if action == "mobile" else 1100
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + url)
            if action == "diplomatic":
                page.click("label[for=view-diplomatic]")
            if action == "popover":
                page.locator("button.app-sign.sign-supplied").first.click()
            if action == "search":
                page.fill(".pagefind-ui__search-input", "Japan")
                page.wait_for_selector(".pagefind-ui__result")
                page.wait_for_timeout(500)
            if action == "print":
                page.emulate_media(media="print")
            page.screenshot(path=str(outdir / f"{name}.png"), full_page=action != "popover")
            page.close()
        browser.close()
    server.shutdown()
    print(f"{len(SHOTS)} screenshots in {outdir}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        Path(args[0]) if args else Path("build/screenshots"),
        Path(args[1]) if len(args) > 1 else None,
    )
