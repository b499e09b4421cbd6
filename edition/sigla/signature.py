"""``[signature]`` → a signature gap; the block holding it becomes ``signed``."""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from edition.sigla._brackets import bracket_rule

_SIGNATURE = re.compile(
    r"^\s*(?:illegible\s+)?(?:signature|signed|initials)(?:\s+illegible)?\s*$", re.I
)


def classify_signature(content: str) -> dict[str, Any] | None:
    """``{}`` for a signature marker, else None."""
    return {} if _SIGNATURE.match(content) else None


def signature_plugin(md: MarkdownIt) -> None:
    """Recognise signature markers as ``signature`` tokens."""
    bracket_rule(md, "edition_signature", "signature", classify_signature)
