"""Check that every speaker's ``@who`` points at a person in the register."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from edition.diagnostics import Location, warning

if TYPE_CHECKING:
    from edition.transforms import Context

priority = 700
name = "speakers"


def apply(root: etree._Element, context: Context) -> None:
    """Warn (S124) about speakers the register does not know, and list them as candidates."""
    text = root if etree.QName(root).localname == "text" else root.find("{*}text")
    if text is None:
        return
    known = {ident for _, ident in context.register.names.values()}
    reported: set[str] = set()
    for sp in text.iter("{*}sp"):
        who = sp.get("who", "")
        ident = who.rsplit("#", 1)[-1]
        if ident in known or ident in reported:
            continue
        reported.add(ident)
        speaker = "".join(sp.findtext("{*}speaker") or "").strip().rstrip(".")
        context.mentions.candidates[speaker] += 1
        context.diagnostics.append(
            warning(
                "S124",
                f'speaker "{speaker}" points at {who}, which the register does not list',
                Location(context.shown, sp.sourceline),
                f'add <person xml:id="{ident}"> to the register, or correct the speaker',
            )
        )
