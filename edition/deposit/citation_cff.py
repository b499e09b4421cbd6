"""``CITATION.cff`` (Citation File Format 1.2.0) for the edition."""

from __future__ import annotations

import json
from collections.abc import Sequence

from edition.config import Settings


def _scalar(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: no quoting rules to get wrong.
    return json.dumps(value, ensure_ascii=False)


def citation_cff(settings: Settings, keywords: Sequence[str], released: str = "") -> str:
    """The CFF text: title, version, authors (the editors), licence, URL, DOI, keywords."""
    edition = settings.edition
    lines = [
        "cff-version: 1.2.0",
        f"message: {_scalar('If you use this edition, please cite it as below.')}",
        "type: dataset",
        f"title: {_scalar(edition.title)}",
        f"version: {_scalar(edition.version)}",
        "authors:",
    ]
    people = [(p.name, p.orcid) for p in edition.editors if p.name]
    if not people:
        people = [(edition.publisher or edition.title, "")]
    for name, orcid in people:
        lines.append(f"  - name: {_scalar(name)}")
        if orcid:
            lines.append(f"    orcid: {_scalar(orcid)}")
    if edition.licence:
        lines.append(f"license: {_scalar(edition.licence)}")
    if edition.base_url:
        lines.append(f"url: {_scalar(edition.base_url)}")
    if settings.deposit.doi:
        lines.append(f"doi: {_scalar(settings.deposit.doi)}")
    if released:
        lines.append(f"date-released: {_scalar(released)}")
    if keywords:
        lines.append("keywords:")
        lines.extend(f"  - {_scalar(k)}" for k in keywords)
    return "\n".join(lines) + "\n"
