"""Dates written into outputs: ``SOURCE_DATE_EPOCH`` when set, so builds are reproducible."""

from __future__ import annotations

import os
import time


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as an int, or None when unset or malformed."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def today(epoch: int | None = None) -> str:
    """ISO date (UTC) of ``epoch``, else of ``SOURCE_DATE_EPOCH``, else of now."""
    if epoch is None:
        epoch = source_date_epoch()
    return time.strftime("%Y-%m-%d", time.gmtime(epoch) if epoch is not None else time.gmtime())
