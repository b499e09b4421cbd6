"""The table of site outputs: files written beside the HTML pages at build time.

An output has a ``name``, a one-line ``description`` and two steps, so that
per-document work can run in parallel and be cached:

- ``document(project, doc)`` runs where the document is rendered (a worker),
  with its TEI tree: it returns the document's own files (path relative to the
  site → bytes) and a small JSON-able summary for the edition-wide files;
- ``edition(project, catalogue)`` runs once, from every document's summary
  (``doc.outputs[name]`` of ``catalogue.documents()``, read one at a time), and
  yields the edition-wide files (path, content), each as soon as it is made; a
  ``Keyed`` content is made only when its key is not the last build's.

Outputs never mutate the TEI.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from edition.outputs.atom import AtomFeed
from edition.outputs.content import FileContent, Keyed
from edition.outputs.dts import DTSOutput

__all__ = ["SITE_OUTPUTS", "FileContent", "Keyed", "SiteOutput"]

if TYPE_CHECKING:
    from edition.project import Project
    from edition.site.catalogue import Catalogue
    from edition.site.documents import SiteDocument


class SiteOutput(Protocol):
    """Something the build writes into the site besides the pages."""

    name: str
    description: str

    def document(self, project: Project, doc: SiteDocument) -> tuple[dict[str, bytes], Any]:
        """One document's files and what ``edition`` needs of it."""
        ...

    def edition(
        self, project: Project, catalogue: Catalogue
    ) -> Iterable[tuple[str, FileContent | Keyed]]:
        """The edition-wide files, from the documents' summaries, one at a time (``Keyed``:
        made only when what it is made of changed)."""
        ...


#: name → output, in the order they run.
SITE_OUTPUTS: dict[str, SiteOutput] = {
    "dts": DTSOutput(),
    "atom": AtomFeed(),
}
