"""The exception tree of ``edition``.

::

    EditionError                 expected failure: shown as diagnostics, no traceback
    ├── UsageError               bad command-line use             (exit 2)
    ├── ConfigError              bad edition.toml or profile      (exit 2)
    └── InputError               the edition's input has errors   (exit 1)
        ├── SourceError          a transcription cannot be read
        ├── XMLSecurityError     XML with entities, DTDs or other hazards
        └── HandEditError        a TEI file was edited by hand since it was generated

Any other exception is a bug: ``cli`` saves its traceback and exits 70.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edition.diagnostics import Diagnostic


class EditionError(Exception):
    """An expected failure that carries the diagnostics explaining it."""

    exit_status = 1

    def __init__(self, *diagnostics: Diagnostic) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(d.message for d in diagnostics))

    def __reduce__(self) -> tuple[type[EditionError], tuple[Diagnostic, ...]]:
        # Raised in a worker process, it is pickled back to the parent.
        return (type(self), tuple(self.diagnostics))


class UsageError(EditionError):
    """The command line was used wrongly."""

    exit_status = 2


class ConfigError(EditionError):
    """``edition.toml`` or a profile is missing, malformed or has a bad value."""

    exit_status = 2


class InputError(EditionError):
    """A source, TEI file or register has errors."""


class SourceError(InputError):
    """A transcription cannot be read (binary, not UTF-8, empty, too large)."""


class XMLSecurityError(InputError):
    """An XML document uses entities, a DTD or other features we refuse."""


class HandEditError(InputError):
    """A generated TEI file was edited since it was generated."""
