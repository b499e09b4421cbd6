"""Typed settings read from ``edition.toml``.

Each section is a dataclass; each option has a default and a ``doc`` that
``docs/configuration.md`` is generated from. Unknown keys and values of the
wrong type are ``C0xx`` diagnostics naming the key and its line.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from edition.diagnostics import Diagnostic, Location, error
from edition.errors import ConfigError

CONFIG_NAME = "edition.toml"


def option(default: Any, doc: str) -> Any:
    """Declare a config option with its default and one-line documentation."""
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"doc": doc})
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata={"doc": doc})
    if is_dataclass(default):
        factory = type(default)
        return field(default_factory=factory, metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass
class Person:
    """Someone responsible for the edition."""

    name: str = option("", "Full name as it should be cited.")
    role: str = option("editor", "Role in the edition: editor, encoder, translator, …")
    orcid: str = option("", "ORCID iD (https://orcid.org/…), if any.")
    id: str = option("", "Short id used in @resp pointers (for example 'ed1'); derived when empty.")


@dataclass
class EditionSettings:
    """Who publishes what, under which licence."""

    title: str = option("Untitled edition", "Title of the edition, shown on every page.")
    id: str = option("edition", "Short identifier of the edition, used in idno and file names.")
    version: str = option("0.1.0", "Version of the edition's content (not of the tool).")
    language: str = option("en", "BCP 47 language of the edition's apparatus and pages.")
    publisher: str = option("", "Publisher named in every TEI header and on the site.")
    licence: str = option("CC-BY-4.0", "SPDX identifier of the licence of the edition.")
    licence_url: str = option(
        "https://creativecommons.org/licenses/by/4.0/", "URL of the licence's text."
    )
    base_url: str = option("", "Public URL the site is served from (for permalinks and sitemap).")
    pub_place: str = option("", "Place of publication.")
    editors: list[Person] = option([], "The editors: [[edition.editors]] tables.")
    introduction: str = option("", "Markdown file with the introduction for the home page.")


@dataclass
class PathSettings:
    """Where the edition's files live, relative to edition.toml."""

    sources: str = option("sources", "Folder of transcriptions (.txt, .md, .html).")
    tei: str = option("tei", "Folder of the encoded TEI documents.")
    register: str = option("tei/register.xml", "TEI file with listPerson, listPlace and listOrg.")
    schema: str = option("tei/schema/edition.rng", "RELAX NG schema of the edition.")
    schematron: str = option("tei/schema/edition.sch", "ISO Schematron rules of the edition.")
    templates: str = option("templates", "Folder of Jinja2 templates overriding the defaults.")
    site: str = option("site", "Folder the site is built into (generated; never edit by hand).")


@dataclass
class DepositSettings:
    """The deposit package (``edition deposit``): a BagIt bag for repositories."""

    output: str = option("dist", "Folder the deposit zip is written to, relative to edition.toml.")
    doi: str = option("", "DOI of the edition (10.…/…) once minted; for DataCite and CITATION.cff.")
    resource_type: str = option(
        "Scholarly edition", "DataCite resourceType of the edition (a Collection)."
    )
    publication_year: int = option(
        0, "Publication year for DataCite; 0 means the year of SOURCE_DATE_EPOCH, else this year."
    )


@dataclass
class RenderSettings:
    """How TEI elements become HTML (see docs/site.md, "Rendering")."""

    elements: dict[str, Any] = option(
        {},
        "Per-element rule lists replacing the built-in ones: "
        "[render.elements.NAME] rules = [{behaviour, predicate, params, classes}].",
    )


@dataclass
class SiteSettings:
    """What the static site contains."""

    split: str = option(
        "auto",
        "Split TEI files into one page per document division: 'auto' (files holding two or "
        "more such divisions, as FRUS volumes), 'always' or 'never'.",
    )
    document_xpath: str = option(
        "//tei:div[@type='document']", "XPath (prefix tei:) of the divisions a file is split into."
    )
    search: bool = option(True, "Build the Pagefind full-text search index and the search page.")
    search_part_documents: int = option(
        1000,
        "Pages per part of the search index, at most: parts are indexed apart (an "
        "edit indexes again only its part) and merged by the search page (at most 64 parts).",
    )
    documents_per_page: int = option(
        1000,
        "Rows per page of the documents list (each order is paged alike: documents/, "
        "documents/page-2/, …); 0 puts every document on one page.",
    )
    mentions_per_page: int = option(
        500,
        "Mentions per page of a person's, place's or organisation's page (persons/ID/, "
        "persons/ID/page-2/, …); 0 puts every mention on one page.",
    )
    dts_units: bool = option(
        False,
        "Write two DTS files per citable unit (its navigation and its TEI) and offer {/ref} "
        "in the DTS URI templates; off: whole documents only (see docs/deposit.md).",
    )


@dataclass
class Settings:
    """All settings of an edition project."""

    edition: EditionSettings = option(EditionSettings(), "About the edition.")
    paths: PathSettings = option(PathSettings(), "Where files live.")
    deposit: DepositSettings = option(DepositSettings(), "Deposit packages.")
    render: RenderSettings = option(RenderSettings(), "Rendering overrides.")
    site: SiteSettings = option(SiteSettings(), "The static site.")


T = TypeVar("T")


def load(path: Path) -> Settings:
    """Read and check ``edition.toml``; raise ``ConfigError`` listing every problem."""
    shown = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError(
            error(
                "C001",
                f"no {CONFIG_NAME} found at {path}",
                None,
                "run 'edition new DIR' to start an edition, or pass --project DIR",
            )
        ) from err
    except UnicodeDecodeError as err:
        raise ConfigError(error("C003", "edition.toml is not UTF-8 text", Location(shown))) from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line, column = (int(match[1]), int(match[2])) if match else (None, None)
        message = re.sub(r"\s*\(at line.*\)$", "", str(err))
        raise ConfigError(
            error("C004", f"invalid TOML: {message}", Location(shown, line, column))
        ) from err
    problems: list[Diagnostic] = []
    settings = _build(Settings, data, (), _KeyLines(text), shown, problems)
    if problems:
        raise ConfigError(*problems)
    return settings


class _KeyLines:
    """Finds the line of a key in TOML text (tomllib keeps no positions)."""

    _table = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
    _key = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            if m := self._table.match(line):
                table = tuple(part.strip().strip('"') for part in m[1].split("."))
                self.lines.setdefault(table, number)
            elif m := self._key.match(line):
                self.lines.setdefault((*table, m[1]), number)

    def line(self, key: tuple[str, ...]) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return None


def _build(
    cls: type[T],
    data: Any,
    key: tuple[str, ...],
    lines: _KeyLines,
    shown: str,
    problems: list[Diagnostic],
) -> T:
    where = ".".join(key) or "the top level"
    if not isinstance(data, dict):
        problems.append(
            error("C005", f"'{where}' must be a table", Location(shown, lines.line(key)))
        )
        return cls()
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for name, value in data.items():
        full = (*key, name)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            problems.append(
                error(
                    "C002",
                    f"unknown key '{'.'.join(full)}'",
                    Location(shown, lines.line(full)),
                    hint,
                )
            )
            continue
        values[name] = _convert(hints[name], value, full, lines, shown, problems)
    return cls(**values)


def _convert(
    expected: Any,
    value: Any,
    key: tuple[str, ...],
    lines: _KeyLines,
    shown: str,
    problems: list[Diagnostic],
) -> Any:
    origin = typing.get_origin(expected)
    if is_dataclass(expected):
        return _build(expected, value, key, lines, shown, problems)  # type: ignore[arg-type]
    if origin is list:
        (item_type,) = typing.get_args(expected)
        if isinstance(value, list):
            return [_convert(item_type, item, key, lines, shown, problems) for item in value]
    elif origin in (typing.Union, types.UnionType):
        if any(_matches(arg, value) for arg in typing.get_args(expected)):
            return value
    elif _matches(expected, value):
        return value
    problems.append(
        error(
            "C006",
            f"'{'.'.join(key)}' must be {_describe(expected)}, "
            f"not {type(value).__name__} {value!r}",
            Location(shown, lines.line(key)),
        )
    )
    return None


def _matches(expected: Any, value: Any) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is Any:
        return True
    if typing.get_origin(expected) is dict:
        return isinstance(value, dict)
    return isinstance(expected, type) and isinstance(value, expected)


def _describe(expected: Any) -> str:
    origin = typing.get_origin(expected)
    if origin is list:
        (item,) = typing.get_args(expected)
        return "a list of tables" if is_dataclass(item) else f"a list of {_describe(item)}"
    if is_dataclass(expected):
        return "a table"
    names = {str: "a string", int: "an integer", bool: "true or false", float: "a number"}
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def documentation() -> str:
    """Markdown reference of every option, generated from the dataclasses."""
    out = ["# Configuration reference (`edition.toml`)", ""]
    out.append("Generated from `edition/config.py`; every key, its type and default.")

    def walk(cls: type, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        rows = []
        for f in fields(cls):
            kind = hints[f.name]
            if is_dataclass(kind):
                continue
            default = f.default if f.default is MISSING else None
            if f.default is not MISSING:
                default = f.default
            elif f.default_factory is not MISSING:
                default = f.default_factory()
            rows.append(f"| `{f.name}` | {_describe(kind)} | `{default!r}` | {f.metadata['doc']} |")
        if rows:
            out.extend(["", f"## `[{prefix}]`", "", (cls.__doc__ or "").strip(), ""])
            out.append("| key | type | default | meaning |")
            out.append("|---|---|---|---|")
            out.extend(rows)
        for f in fields(cls):
            kind = hints[f.name]
            if is_dataclass(kind):
                walk(kind, f"{prefix}.{f.name}" if prefix else f.name)  # type: ignore[arg-type]
            elif typing.get_origin(kind) is list and is_dataclass(typing.get_args(kind)[0]):
                walk(typing.get_args(kind)[0], f"[{prefix}.{f.name}]")

    walk(Settings, "")
    return "\n".join(out) + "\n"
