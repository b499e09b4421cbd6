"""Validation of TEI files: well-formedness, RELAX NG (jing or lxml), Schematron, cross-checks.

Modules: ``runner`` (one run over many files, cached: ``start(...).finish()``),
``jobs`` (the work on one file, for worker processes), ``jing`` and ``relaxng`` (the
two RELAX NG engines), ``jing_server`` (jing kept running), ``results`` (a run's
results on disk), ``schematron``, ``crossdoc`` (checks across files and on values),
``formats`` (JUnit and GitHub output).
"""

from __future__ import annotations

from edition.validation.formats import FORMATS
from edition.validation.runner import ENGINES, Run, Settings, Summary, start

__all__ = ["ENGINES", "FORMATS", "Run", "Settings", "Summary", "start"]
