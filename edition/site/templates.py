"""The Jinja2 environment: autoescaping, StrictUndefined, and located template errors."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edition.diagnostics import Location, error
from edition.errors import InputError
from edition.tei import compiled_xpath

if TYPE_CHECKING:
    import jinja2

#: Where a pre-rendered list row links from: each page puts its own ``root`` there.
#: No text of a TEI file can hold it (XML has no NUL character).
ROW_ROOT = "\x00root\x00"


def environment(template_dirs: Sequence[Path], compiled: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment that escapes everything and fails on undefined names.

    Templates are not checked for changes on every use (``auto_reload``): a build's
    environment is kept only while the templates' contents stay the same
    (``cached_environment``). ``compiled``: a folder that keeps the compiled templates
    between processes (Jinja's bytecode cache, which compiles a template again when
    its source changed): 0.14 s of an ``edition build`` of the demo, and of each worker.
    """
    import jinja2  # here: 20 ms of every command's start otherwise (a build with nothing to do)

    cache = None
    if compiled is not None:
        try:
            compiled.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # compiled in every process, as without a folder
        else:
            cache = jinja2.FileSystemBytecodeCache(str(compiled))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=cache,
    )
    env.filters["facet_class"] = facet_class
    env.filters["xpath"] = xpath
    return env


def xpath(node: Any, expression: str) -> Any:
    """``{{ tree | xpath("…") }}``: what an XPath selects (``tei:`` bound), compiled once per
    process; ``tree.xpath("…")`` in a template parses the expression on every page."""
    return compiled_xpath(expression)(node)


def facet_class(value: str, prefix: str) -> str:
    """A CSS class for a filter value ('' for none): readable, and distinct per value.

    The list's rows are rendered once, before the edition's values are all known,
    so the class is made of the value itself (``kind-telegram-1f3a9c``).
    """
    if not value:
        return ""
    readable = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40]
    hashed = hashlib.blake2b(value.encode("utf-8"), digest_size=3).hexdigest()
    return f"{prefix}-{readable}-{hashed}" if readable else f"{prefix}-{hashed}"


@functools.lru_cache(maxsize=2)
def cached_environment(
    template_dirs: tuple[Path, ...], key: str, compiled: str | None = None
) -> jinja2.Environment:
    """An environment kept while ``key`` (a hash of the templates' contents, among others)
    stays the same: builds in one process (``edition serve``) compile templates once
    (``compiled``: see ``environment``)."""
    return environment(template_dirs, Path(compiled) if compiled is not None else None)


def render(env: jinja2.Environment, name: str, shown_root: Path, **context: Any) -> str:
    """Render a template; template mistakes become R5xx diagnostics with file and line."""
    with _diagnosed(name, shown_root):
        return env.get_template(name).render(**context)


def generate(env: jinja2.Environment, name: str, shown_root: Path, **context: Any) -> Iterator[str]:
    """Render a template piece by piece (a page is never held whole), in pieces of about
    ``PIECE`` characters; mistakes as ``render``.

    Jinja yields a piece for every bit of text between two expressions, a dozen for each
    mention of an entity's page: joined, a page's pieces cost the writer and the search
    mark's finder a call each per ``PIECE``, not per expression.
    """
    with _diagnosed(name, shown_root):
        pieces: list[str] = []
        size = 0
        for piece in env.get_template(name).generate(**context):
            pieces.append(piece)
            size += len(piece)
            if size >= PIECE:
                yield "".join(pieces)
                pieces, size = [], 0
        if pieces:
            yield "".join(pieces)


#: About how many characters of a page ``generate`` yields at a time.
PIECE = 32_768


@contextlib.contextmanager
def _diagnosed(name: str, shown_root: Path) -> Iterator[None]:
    """Template mistakes raised inside the block, as R5xx diagnostics with file and line."""
    import jinja2

    try:
        yield
    except jinja2.TemplateSyntaxError as err:
        raise InputError(
            error(
                "R501",
                f"template syntax error: {err.message}",
                Location(_shown(err.filename, shown_root, name), err.lineno),
            )
        ) from err
    except jinja2.UndefinedError as err:
        path, line = _template_frame(name)
        raise InputError(
            error(
                "R502",
                f"template uses an undefined value: {err.message}",
                Location(_shown(path, shown_root, name), line),
                "check the variable's spelling, or guard it with {% if … is defined %}",
            )
        ) from err
    except jinja2.TemplateNotFound as err:
        raise InputError(error("R503", f"template not found: {err.name}", None)) from err


def _template_frame(name: str) -> tuple[str | None, int | None]:
    """File and line of the innermost template frame of the exception being handled."""
    tb = sys.exc_info()[2]
    found: tuple[str | None, int | None] = (None, None)
    for frame, line in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".xml") or filename == "<template>":
            found = (filename, line)
    return found


def _shown(filename: str | None, root: Path, fallback: str) -> str:
    if not filename:
        return f"templates/{fallback}"
    try:
        return Path(filename).resolve().relative_to(root).as_posix()
    except ValueError:
        return filename
