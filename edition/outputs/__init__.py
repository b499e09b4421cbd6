"""The table of site outputs: files written beside the HTML pages at build time.

Each output has a ``name``, a one-line ``description`` and
``write(project, documents, outdir, reporter)``, where ``documents`` are the
parsed ``SiteDocument``s and ``outdir`` is the staging folder of the site
(swapped in only when the whole build succeeds). Outputs never mutate the TEI.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from edition.diagnostics import Reporter
from edition.outputs.atom import AtomFeed
from edition.outputs.dts import DTSOutput

if TYPE_CHECKING:
    from edition.project import Project
    from edition.site.builder import SiteDocument


class SiteOutput(Protocol):
    """Something the build writes into the site besides the pages."""

    name: str
    description: str

    def write(
        self, project: Project, documents: Sequence[SiteDocument], outdir: Path, reporter: Reporter
    ) -> None:
        """Write this output's files below ``outdir``."""
        ...


#: name → output, in the order they run.
SITE_OUTPUTS: dict[str, SiteOutput] = {
    "dts": DTSOutput(),
    "atom": AtomFeed(),
}
