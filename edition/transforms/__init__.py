"""TEI → TEI passes run on every imported document, in order of priority.

Each transform is a module exporting ``priority``, ``name`` and
``apply(text, context)``; a profile can switch one off with
``[transforms] disabled = ["name"]``. Lower priorities run first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from lxml import etree

from edition.diagnostics import Diagnostic
from edition.entities import Mentions, Register
from edition.transforms import header_names, mentions, speakers


@dataclass
class Context:
    """What a transform may use: the register, the document's OCR quality, and what was found."""

    register: Register
    quality: float
    shown: str = ""  # the source, as diagnostics show it
    mentions: Mentions = field(default_factory=Mentions)
    diagnostics: list[Diagnostic] = field(default_factory=list)


Apply = Callable[[etree._Element, Context], None]

TRANSFORMS: list[ModuleType] = sorted([mentions, header_names, speakers], key=lambda m: m.priority)


def run(root: etree._Element, context: Context, disabled: frozenset[str] = frozenset()) -> None:
    """Apply every enabled transform to ``root`` (a ``TEI`` or ``text`` element)."""
    for transform in TRANSFORMS:
        if transform.name not in disabled:
            transform.apply(root, context)


__all__ = ["TRANSFORMS", "Context", "run"]
