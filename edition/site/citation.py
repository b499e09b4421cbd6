"""How to cite a document: a Chicago-style sentence, BibTeX and CSL-JSON."""

from __future__ import annotations

import re

import orjson

from edition.config import EditionSettings


def _url(edition: EditionSettings, slug: str) -> str:
    base = edition.base_url.rstrip("/")
    return f"{base}/documents/{slug}/" if base else f"documents/{slug}/"


def citation_text(edition: EditionSettings, title: str, date: str, slug: str, built: str) -> str:
    """``Editors, eds. “Title,” date. In Edition, version X. Publisher. URL (accessed …).``"""
    editors = [e.name for e in edition.editors if e.name]
    who = ""
    if editors:
        who = ", ".join(editors) + (", eds. " if len(editors) > 1 else ", ed. ")
    parts = [f"{who}“{title}”"]
    if date:
        parts[0] += f", {date}"
    sentence = parts[0] + f". In {edition.title}, version {edition.version}."
    if edition.publisher:
        sentence += f" {edition.publisher}"
        sentence += f", {edition.pub_place}." if edition.pub_place else "."
    sentence += f" {_url(edition, slug)}"
    if built:
        sentence += f" (version of {built})"
    return sentence + "."


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([{}\\%&$#_])", r"\\\1", text)


def bibtex(edition: EditionSettings, title: str, date: str, slug: str) -> str:
    """A BibTeX ``@misc`` entry."""
    key = re.sub(r"[^A-Za-z0-9]+", "-", f"{edition.id}-{slug}").strip("-")
    fields = {
        "title": title,
        "editor": " and ".join(e.name for e in edition.editors if e.name),
        "booktitle": edition.title,
        "publisher": edition.publisher,
        "year": date[:4] if date[:4].isdigit() else "",
        "date": date,
        "version": edition.version,
        "url": _url(edition, slug),
    }
    body = ",\n".join(f"  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields.items() if v)
    return f"@misc{{{key},\n{body}\n}}\n"


def csl_json(edition: EditionSettings, title: str, date: str, slug: str) -> str:
    """A CSL-JSON item list (one item)."""
    item: dict[str, object] = {
        "id": f"{edition.id}-{slug}",
        "type": "document",
        "title": title,
        "container-title": edition.title,
        "publisher": edition.publisher,
        "version": edition.version,
        "URL": _url(edition, slug),
        "editor": [{"literal": e.name} for e in edition.editors if e.name],
    }
    if re.match(r"^\d{4}", date):
        item["issued"] = {"date-parts": [[int(p) for p in date.split("-")[:3] if p.isdigit()]]}
    # As json.dumps(ensure_ascii=False, indent=2, sort_keys=True) writes it, four times faster.
    options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
    return orjson.dumps([item], option=options).decode()
