"""An edition project on disk: its root folder, settings and the files it holds."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from edition import config
from edition.diagnostics import Location, error, relative_path
from edition.errors import InputError
from edition.fsutil import undecodable
from edition.packed import FileList

SOURCE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")


def bundled(name: str) -> Path:
    """A folder shipped with the tool (``templates`` or ``schema``).

    Installed wheels carry them under ``edition/_bundled``; in a source checkout
    they are the repository's own ``templates/`` and ``tei/schema/``.
    """
    packaged = Path(str(resources.files("edition"))) / "_bundled" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent
    return checkout / ("templates" if name == "templates" else "tei/schema")


@dataclass
class Project:
    """The edition rooted at the folder that holds ``edition.toml``."""

    root: Path
    settings: config.Settings

    @classmethod
    def load(cls, root: Path) -> Project:
        """Read ``root/edition.toml``."""
        root = root.resolve()
        return cls(root, config.load(root / config.CONFIG_NAME))

    @classmethod
    def find(cls, start: Path) -> Project:
        """Load the project whose edition.toml is in ``start`` or one of its parents."""
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / config.CONFIG_NAME).is_file():
                return cls.load(folder)
        return cls.load(start)  # raises C001 with the expected path

    def path(self, configured: str) -> Path:
        """Resolve a configured path against the project root."""
        return (self.root / configured).resolve()

    def shown(self, path: Path) -> str:
        """A path as diagnostics show it: relative to the project root."""
        text, prefix = str(path), f"{self.root}{os.sep}"
        inside = text[len(prefix) :]  # str() of a Path is normalised already
        # The common case, without I/O (and without ``path.parts``, which each Path keeps).
        if text.startswith(prefix) and f"{os.sep}..{os.sep}" not in f"{os.sep}{inside}{os.sep}":
            return inside if os.sep == "/" else Path(inside).as_posix()
        return relative_path(path, self.root)

    def shown_files(self, files: FileList) -> Iterator[tuple[str, str]]:
        """Each file's path (as ``str(path)``) and shown path, without ``Path`` objects."""
        prefix = self.shown_folder(files)
        return zip(files.texts(), (prefix + name for name in files.names()), strict=True)

    def shown_folder(self, files: FileList) -> str:
        """What the shown path of each of ``files`` starts with (its name follows)."""
        folder = self.shown(files.folder)
        return "" if folder in ("", ".") else f"{folder}/"

    @property
    def cache_dir(self) -> Path:
        """The build cache (``.edition-cache/`` beside edition.toml): safe to delete."""
        return self.root / ".edition-cache"

    @property
    def sources_dir(self) -> Path:
        return self.path(self.settings.paths.sources)

    @property
    def tei_dir(self) -> Path:
        return self.path(self.settings.paths.tei)

    @property
    def site_dir(self) -> Path:
        return self.path(self.settings.paths.site)

    @property
    def register_path(self) -> Path:
        return self.path(self.settings.paths.register)

    @property
    def schema_path(self) -> Path:
        return self.path(self.settings.paths.schema)

    @property
    def schematron_path(self) -> Path:
        return self.path(self.settings.paths.schematron)

    @cached_property
    def template_dirs(self) -> list[Path]:
        """Template search path: the project's own folder first, then the bundled defaults."""
        dirs = [self.path(self.settings.paths.templates), bundled("templates")]
        unique: list[Path] = []
        for d in dirs:
            if d.is_dir() and d.resolve() not in unique:
                unique.append(d.resolve())
        return unique

    def source_files(self) -> list[Path]:
        """Transcriptions in the sources folder, sorted by name (sidecars excluded)."""
        if not self.sources_dir.is_dir():
            return []
        return sorted(
            p
            for p in self.sources_dir.iterdir()
            if p.is_file()
            and p.suffix.lower() in SOURCE_SUFFIXES
            and not p.name.startswith(".")
            and p.name.lower() != "readme.md"
        )

    def tei_files(self) -> FileList:
        """The edition's TEI documents, sorted by name (the register excluded), held packed."""
        folder = self.tei_dir
        if not folder.is_dir():
            return FileList(folder, ())
        register = self.register_path
        skipped = register.name if register.parent == folder else None
        with os.scandir(folder) as entries:  # as glob("*.xml"), without a stat per file
            files = FileList(
                folder,
                (
                    entry.name
                    for entry in entries
                    if entry.name.endswith(".xml")
                    and not entry.name.startswith(".")
                    and entry.name != skipped
                    and entry.is_file()
                ),
            )
        refuse_undecodable(files.names(), self.shown_folder(files))
        return files

    def tei_path_for(self, source: Path) -> Path:
        """Where the TEI of a source goes: ``sources/x.txt`` → ``tei/x.xml``."""
        return self.tei_dir / f"{source.stem}.xml"


def refuse_undecodable(names: Iterable[str], prefix: str = "") -> None:
    """Report each file name (or path) that is not UTF-8 (``fsutil.undecodable``), shown
    after ``prefix``, and stop (V306)."""
    found = [
        error(
            "V306",
            "the file name is not UTF-8",
            Location(prefix + shown),
            "rename the file (page addresses and identifiers are made of file"
            " names): its bytes are shown as \\xNN",
        )
        for name in names
        if (shown := undecodable(name)) is not None
    ]
    if found:
        raise InputError(*found)
