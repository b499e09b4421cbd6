"""Settings: every key documented, defaults usable, the reference page in sync."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import REPO

from edition import config


def test_reference_page_is_generated_from_the_code() -> None:
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == config.documentation(), "run 'nox -s regen' and review the diff"


def test_every_option_has_a_docstring() -> None:
    for cls in (
        config.Settings,
        config.EditionSettings,
        config.PathSettings,
        config.DepositSettings,
        config.RenderSettings,
        config.SiteSettings,
        config.Person,
    ):
        assert cls.__doc__
        for field in dataclasses.fields(cls):
            assert field.metadata.get("doc"), f"{cls.__name__}.{field.name} has no doc"


def test_demo_configuration_loads() -> None:
    settings = config.load(REPO / "edition.toml")
    assert settings.edition.id == "mt"
    assert settings.edition.editors[0].role == "editor"
    assert settings.paths.tei == "tei"


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "edition.toml"
    path.write_text('[edition]\ntitle = 1\nfoo = "x"\n\n[pathz]\nsite = "out"\n')
    try:
        config.load(path)
    except config.ConfigError as err:
        rendered = [d.render().splitlines()[0] for d in err.diagnostics]
    assert rendered == [
        "edition.toml:2: error[C006]: 'edition.title' must be a string, not int 1",
        "edition.toml:3: error[C002]: unknown key 'edition.foo'",
        "edition.toml:5: error[C002]: unknown key 'pathz'",
    ]


def test_dts_units_is_off_by_default_and_must_be_a_boolean(tmp_path: Path) -> None:
    assert config.Settings().site.dts_units is False
    path = tmp_path / "edition.toml"
    path.write_text('[site]\nsearch = false\ndts_units = "yes"\n')
    try:
        config.load(path)
    except config.ConfigError as err:
        rendered = [d.render().splitlines()[0] for d in err.diagnostics]
    assert rendered == [
        "edition.toml:3: error[C006]: 'site.dts_units' must be true or false, not str 'yes'"
    ]
    path.write_text("[site]\ndts_units = true\n")
    assert config.load(path).site.dts_units is True


def test_paths_are_shown_relative_to_the_project_root(demo: Path, tmp_path: Path) -> None:
    from edition.project import Project

    project = Project.load(demo)
    root = project.root
    assert project.shown(root / "tei" / "a.xml") == "tei/a.xml"
    assert project.shown(root / "tei" / "a..b.xml") == "tei/a..b.xml"  # a name, not a step up
    (root / "elsewhere").mkdir()
    assert project.shown(root / "elsewhere" / ".." / "tei" / "a.xml") == "tei/a.xml"
    assert project.shown(root / ".." / "x.xml") == str(root / ".." / "x.xml")
    assert project.shown(tmp_path / "outside.xml") == str(tmp_path / "outside.xml")
