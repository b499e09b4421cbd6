"""``edition serve``: serve site/ on the loopback interface and rebuild when inputs change."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

LOOPBACK = "127.0.0.1"


def snapshot(folders: Iterable[Path]) -> dict[Path, float]:
    """Modification times of every file below the watched folders (or the files themselves)."""
    seen: dict[Path, float] = {}
    for folder in folders:
        if folder.is_file():
            seen[folder] = folder.stat().st_mtime
        elif folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    seen[path] = path.stat().st_mtime
    return seen


class Watcher(threading.Thread):
    """Polls the inputs and calls ``rebuild`` after a change (polling needs no extra library)."""

    def __init__(
        self, folders: list[Path], rebuild: Callable[[], None], interval: float = 0.5
    ) -> None:
        super().__init__(daemon=True)
        self.folders, self.rebuild, self.interval = folders, rebuild, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        before = snapshot(self.folders)
        while not self.stopped.wait(self.interval):
            now = snapshot(self.folders)
            if now != before:
                before = now
                self.rebuild()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def make_server(site: Path, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``site`` bound to 127.0.0.1 only."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    return http.server.ThreadingHTTPServer((LOOPBACK, port), handler)


def serve_forever(server: http.server.ThreadingHTTPServer, watcher: Watcher) -> None:
    """Run until interrupted."""
    watcher.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stopped.set()
        server.server_close()
        time.sleep(0)
