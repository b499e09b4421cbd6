"""The development server binds to loopback, serves the site and rebuilds on change."""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

from edition import api
from edition.diagnostics import Reporter
from edition.project import Project
from edition.site import serve


def test_serves_the_built_site_on_loopback_only(demo: Path) -> None:
    project = Project.load(demo)
    assert api.build(project, Reporter()) is not None
    server = serve.make_server(project.site_dir, 0)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/documents/index.html", timeout=5
        ) as r:
            assert r.status == 200
            assert "Documents" in r.read().decode()
    finally:
        server.shutdown()
        server.server_close()


def test_watcher_rebuilds_after_a_change(demo: Path) -> None:
    rebuilt = threading.Event()
    watcher = serve.Watcher([demo / "tei"], rebuilt.set, interval=0.05)
    watcher.start()
    try:
        time.sleep(0.2)
        assert not rebuilt.is_set()
        target = next((demo / "tei").glob("*.xml"))
        target.write_text(target.read_text() + "\n")
        assert rebuilt.wait(5)
    finally:
        watcher.stopped.set()
