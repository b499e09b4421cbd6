"""edition: archival transcriptions → TEI with an apparatus → validated → static site.

The public façade; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

from edition.api import build, convert, deposit, validate

__all__ = ["__version__", "build", "convert", "deposit", "validate"]
