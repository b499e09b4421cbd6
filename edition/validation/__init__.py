"""Validation of TEI files: well-formedness, RELAX NG (jing or lxml), Schematron, cross-checks.

Modules: ``runner`` (one run over many files, cached), ``jobs`` (the work on one
file, for worker processes), ``jing`` and ``relaxng`` (the two RELAX NG engines),
``schematron``, ``crossdoc`` (checks across files and on values), ``formats``
(JUnit and GitHub output).
"""

from __future__ import annotations

from edition.validation.formats import FORMATS
from edition.validation.runner import ENGINES, Run, Settings, Summary, run, start

__all__ = ["ENGINES", "FORMATS", "Run", "Settings", "Summary", "run", "start"]
