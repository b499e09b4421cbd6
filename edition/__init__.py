"""edition: archival transcriptions → TEI with an apparatus → validated → static site.

The public façade; everything else is internal.
"""

from __future__ import annotations

__version__ = "0.1.0"

# The subpackage ``edition.deposit`` is loaded first (it imports nothing): loaded later, by
# code that reads headers, it would take the name ``deposit`` from the function below.
from edition import deposit as _deposit_package  # noqa: F401
from edition.api import build, convert, deposit, validate

__all__ = ["__version__", "build", "convert", "deposit", "validate"]
