"""How a jing server is launched: ``JingServer.java`` compiled once with the JDK's ``javac``.

Run as a source file, the server is compiled in memory at every start by the
``java`` source launcher: more than half of its start with tei_all (a cold
server's first run of one file, on two cores: 0.88 s, against 0.36 s from its
compiled classes; medians of 7 alternated). The first start therefore compiles
it with the ``javac`` beside ``java`` into the user's private folder
(``jing_daemon.folder()``), in a folder named by the source, the Java, the javac
and the jar (paths, sizes and times), written under a temporary name and renamed
into place, so that a start never sees half a compilation; later starts put it
on the class path.
Without a ``javac`` (a runtime only), a private folder or a compilation that
works, the server is run from its source, as before.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from edition.cache import digest
from edition.validation.class_archive import stamp

SOURCE = Path(__file__).with_name("JingServer.java")
MAIN_CLASS = "JingServer"
#: Seconds after which a compilation still being written is a killed one's, and removed.
STALE = 3600
#: Seconds after which classes no start has used (another Java, jar or source) are removed.
UNUSED = 7 * 24 * 3600
#: javac's own JVM on two cores: the client compiler and the serial collector (0.9 → 0.65 s).
_JAVAC_OPTIONS = ["-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-nowarn"]


def launch(runner: str, jing_jar: Path, place: Path | None) -> list[str]:
    """What follows the JVM options: the class path and the main class (or the source)."""
    classes = compiled(runner, jing_jar, place) if place is not None else None
    if classes is None:
        return ["-cp", str(jing_jar), str(SOURCE)]
    return ["-cp", f"{jing_jar}{os.pathsep}{classes}", MAIN_CLASS]


def compiled(runner: str, jing_jar: Path, place: Path) -> Path | None:
    """The folder of the server's classes for this Java and jar, compiled on first use;
    None when they cannot be (no javac beside ``runner``, a failed compilation)."""
    java = os.path.realpath(shutil.which(runner) or runner)
    javac = Path(java).with_name("javac")
    source = SOURCE.read_bytes()
    jar = str(jing_jar)
    key = digest(source, java, stamp(java), str(javac), stamp(str(javac)), jar, stamp(jar))
    target = place / f"classes-{key[:16]}"
    if (target / f"{MAIN_CLASS}.class").is_file():
        with contextlib.suppress(OSError):
            os.utime(target)  # its last use: folders unused for UNUSED are removed
        return target
    if not javac.is_file():
        return None
    _remove_stale(place)
    try:
        writing = Path(tempfile.mkdtemp(prefix=f"{target.name}.", suffix=".new", dir=place))
    except OSError:
        return None
    command = [str(javac), *_JAVAC_OPTIONS, "-d", str(writing), "-cp", str(jing_jar), str(SOURCE)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
        if done.returncode == 0 and (writing / f"{MAIN_CLASS}.class").is_file():
            writing.rename(target)  # another start may have been first: its classes are as good
    except (OSError, subprocess.SubprocessError):
        pass
    with contextlib.suppress(OSError):
        shutil.rmtree(writing)
    return target if (target / f"{MAIN_CLASS}.class").is_file() else None


def _remove_stale(place: Path) -> None:
    """Remove what compilations killed before their rename left behind, and the classes
    of other Javas, jars or sources that no start has used for a week."""
    for left in place.glob("classes-*"):
        with contextlib.suppress(OSError):
            age = time.time() - left.stat().st_mtime
            if age > (STALE if left.name.endswith(".new") else UNUSED):
                shutil.rmtree(left)
