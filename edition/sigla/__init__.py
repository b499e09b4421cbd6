"""Editorial sigla as markdown-it-py plugins, one module per family.

``parser(names)`` builds an inline parser with the named sigla, in the order
of ``ORDER`` (the catch-all ``supplied`` last).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markdown_it import MarkdownIt

from edition.sigla.add import add_plugin
from edition.sigla.gap import gap_plugin
from edition.sigla.notes import notes_plugin
from edition.sigla.sic import sic_plugin
from edition.sigla.signature import signature_plugin
from edition.sigla.supplied import supplied_plugin

PLUGINS: dict[str, Callable[[MarkdownIt], None]] = {
    "notes": notes_plugin,
    "gap": gap_plugin,
    "sic": sic_plugin,
    "signature": signature_plugin,
    "add": add_plugin,
    "supplied": supplied_plugin,
}
ORDER = tuple(PLUGINS)


def parser(names: Iterable[str]) -> MarkdownIt:
    """An inline-only parser: emphasis, escapes, line breaks and the named sigla."""
    md = MarkdownIt("zero")
    md.enable(["emphasis", "escape", "newline"])  # entities stay verbatim
    wanted = set(names)
    for name in ORDER:
        if name in wanted:
            PLUGINS[name](md)
    return md


__all__ = ["ORDER", "PLUGINS", "parser"]
