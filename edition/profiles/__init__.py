"""Source profiles as data: TOML files in this folder, each extending another.

A profile names a structure rule set (``structure``), the sigla it enables,
options for the reader, header defaults and how it is detected.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from edition.diagnostics import error
from edition.errors import UsageError


@dataclass(frozen=True)
class Profile:
    """One source profile, with everything it inherits merged in."""

    name: str
    description: str
    structure: str
    reader: str
    sigla: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)
    detect: dict[str, Any] = field(default_factory=dict)
    transforms_disabled: tuple[str, ...] = ()

    def option(self, key: str, default: Any = None) -> Any:
        """An option's value, or ``default``."""
        return self.options.get(key, default)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _raw(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    parent = data.pop("extends", None)
    if parent:
        base = _raw(parent)
        base.pop("detect", None)  # detection is never inherited
        return _merge(base, data)
    return data


@cache
def names() -> tuple[str, ...]:
    """The names of the bundled profiles, sorted."""
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name[:-5] for f in files if f.name.endswith(".toml")))


@cache
def load(name: str) -> Profile:
    """The profile called ``name``; an unknown name is a usage error listing the known ones."""
    if name not in names():
        raise UsageError(
            error(
                "C010", f"unknown profile '{name}'", None, f"known profiles: {', '.join(names())}"
            )
        )
    data = _raw(name)
    return Profile(
        name=data["name"],
        description=data.get("description", ""),
        structure=data.get("structure", "prose"),
        reader=data.get("reader", "text"),
        sigla=tuple(data.get("sigla", {}).get("enabled", ())),
        options=dict(data.get("options", {})),
        header=dict(data.get("header", {})),
        detect=dict(data.get("detect", {})),
        transforms_disabled=tuple(data.get("transforms", {}).get("disabled", ())),
    )


def detect(text: str, suffix: str, quality: float) -> tuple[Profile, str]:
    """The best profile for a source and the reason, stated for the import report.

    ``quality`` is the OCR quality score of the text (share of readable words).
    """
    best: tuple[int, str, str] | None = None
    for name in names():
        rules = load(name).detect
        if suffix.lower() in rules.get("suffixes", ()):
            return load(name), f"the file is {suffix.lower()[1:].upper()}"
        patterns = rules.get("patterns", ())
        if not patterns:
            continue
        hits = [p for p in patterns if re.search(p, text[:200_000])]
        if len(hits) < rules.get("minimum", 1):
            continue
        limit = rules.get("max_quality")
        if limit is not None and quality > limit:
            continue
        reason = f"{len(hits)} of {len(patterns)} {name} conventions found"
        if limit is not None:
            reason += f" and OCR quality {quality:.2f} ≤ {limit}"
        if best is None or len(hits) > best[0]:
            best = (len(hits), name, reason)
    if best is None:
        return load("transcription"), "no more specific profile matched"
    return load(best[1]), best[2]
