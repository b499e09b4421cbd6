"""``edition new``: start an edition project with the same shape as the demo edition."""

from __future__ import annotations

import shutil
from pathlib import Path

from edition.diagnostics import Location, error
from edition.errors import UsageError
from edition.project import bundled
from edition.tei import xml_text

EDITION_TOML = """\
# Settings of this edition; every key is documented in docs/configuration.md of `edition`.

[edition]
title = "{title}"
id = "{ident}"
version = "0.1.0"
language = "en"
publisher = ""
licence = "CC-BY-4.0"
licence_url = "https://creativecommons.org/licenses/by/4.0/"
base_url = ""

[[edition.editors]]
name = "Your Name"
role = "editor"

[paths]
sources = "sources"
tei = "tei"
register = "tei/register.xml"
schema = "tei/schema/edition.rng"
schematron = "tei/schema/edition.sch"
templates = "templates"
site = "site"
"""

# TEI allows no empty list: the new register holds one example entry per list,
# to show editors the shape; replace or delete them.
REGISTER = """\
<?xml version="1.0" encoding="UTF-8"?>
<?xml-model href="schema/edition.rng" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>
<?xml-model href="schema/edition.sch" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="register" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title type="main">Register of persons, places and organisations</title>
        <title type="collection">{title}</title>
      </titleStmt>
      <publicationStmt>
        <publisher>{title}</publisher>
      </publicationStmt>
      <sourceDesc>
        <p>Compiled by the editors.</p>
      </sourceDesc>
    </fileDesc>
  </teiHeader>
  <standOff>
    <listPerson>
      <person xml:id="pers-example">
        <persName>Example Person</persName>
        <persName type="variant">E. Person</persName>
        <note>An example entry: replace or delete it. Documents point here with
          ref="register.xml#pers-example".</note>
      </person>
    </listPerson>
    <listPlace>
      <place xml:id="place-example">
        <placeName>Example Place</placeName>
        <note>An example entry: replace or delete it.</note>
      </place>
    </listPlace>
    <listOrg>
      <org xml:id="org-example">
        <orgName>Example Organisation</orgName>
        <note>An example entry: replace or delete it.</note>
      </org>
    </listOrg>
  </standOff>
</TEI>
"""

README = """\
# {title}

A scholarly edition made with `edition`.

| step | command |
|---|---|
| put transcriptions (.txt, .md, .html) into `sources/` | |
| encode them as TEI in `tei/` | `edition import` |
| correct the TEI by hand in your XML editor | (your edits are never overwritten) |
| check the TEI | `edition validate` |
| build the site into `site/` | `edition build` |
| preview while you edit | `edition serve` |

`tei/schema/` holds the schema that your XML editor uses through the
`<?xml-model?>` lines at the top of every TEI file. `templates/` may hold
Jinja2 templates and `static/` files that replace the built-in ones.
"""

GITIGNORE = "site/\n.site.*\n.pagefind-*\n.edition-cache/\n*.bak\n*.bak.*\n"


def create(target: Path, title: str | None = None) -> list[Path]:
    """Create the project folder ``target``; refuse a folder that already holds files."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(
            error(
                "C030",
                f"{target} is not empty; 'edition new' only creates new projects",
                Location(str(target)),
                "choose a new folder name",
            )
        )
    title = title or target.name.replace("-", " ").replace("_", " ").title()
    ident = "".join(c if c.isalnum() else "-" for c in target.name.lower()).strip("-") or "edition"
    values = {"title": title.replace('"', "'"), "ident": ident}
    files = {
        "edition.toml": EDITION_TOML.format(**values),
        "tei/register.xml": REGISTER.format(title=xml_text(title)),
        "README.md": README.format(**values),
        ".gitignore": GITIGNORE,
        "sources/.gitkeep": "",
        "templates/static/.gitkeep": "",
    }
    written = []
    for relative, content in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    schema_dir = target / "tei" / "schema"
    shutil.copytree(bundled("schema"), schema_dir)
    written.extend(sorted(schema_dir.iterdir()))
    return written
