"""``edition build`` builds the site while jing validates, and commits only a valid edition.

On the demo: an invalid document leaves the published site exactly as it was and
reports what ``edition validate`` reports; a valid one is built as a build after a
separate validation would be; and the rendering really happens before jing's
result is waited for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import needs_jing

from edition import api
from edition.diagnostics import Reporter
from edition.project import Project
from edition.site import builder, steps
from edition.validation import jing

pytestmark = needs_jing

TELEGRAM = "1975-01-13_telegram_tokyo-00458.xml"


def site_files(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and "pagefind" not in p.parts
    }


def test_an_invalid_edition_leaves_the_site_as_it_was(demo: Path) -> None:
    assert api.build(Project.load(demo), Reporter()) is not None
    before = site_files(demo)
    path = demo / "tei" / TELEGRAM
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(<body>.*?<p>)", r"\1<blink/>", text, count=1, flags=re.S))
    expected = Reporter()
    api.validate(Project.load(demo), reporter=expected)
    reporter = Reporter()
    assert api.build(Project.load(demo), reporter) is None
    assert reporter.render() == expected.render() and "blink" in reporter.render()
    assert site_files(demo) == before
    assert not list(demo.glob(".site.*")), "the staged build is gone"


def test_a_valid_edition_builds_as_after_a_separate_validation(demo: Path, tmp_path: Path) -> None:
    reporter = Reporter()
    assert api.build(Project.load(demo), reporter, cache=False) is not None
    separate = Reporter()
    api.validate(Project.load(demo), reporter=separate)
    assert not separate.has_errors
    project = Project.load(demo)
    (demo / "site").rename(tmp_path / "overlapped")
    builder.build_site(project, Reporter(), validated=True)
    assert site_files(demo) == {
        p.relative_to(tmp_path / "overlapped").as_posix(): p.read_bytes()
        for p in sorted((tmp_path / "overlapped").rglob("*"))
        if p.is_file() and "pagefind" not in p.parts
    }
    assert [d.code for d in reporter] == [d.code for d in separate] + [
        d.code for d in _build_notes(demo)
    ]


def _build_notes(root: Path) -> Reporter:
    notes = Reporter()
    builder.build_site(Project.load(root), notes, validated=True)
    return notes


def test_the_site_is_rendered_before_jing_is_waited_for(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    render, output = steps.render_file, jing.Pending._output

    def rendering(*args: object, **kwargs: object) -> object:
        events.append("render")
        return render(*args, **kwargs)  # type: ignore[arg-type]

    def waiting(self: jing.Pending) -> object:  # where jing's problems are waited for
        events.append("jing")
        return output(self)

    monkeypatch.setattr(steps, "render_file", rendering)
    monkeypatch.setattr(jing.Pending, "_output", waiting)
    assert api.build(Project.load(demo), Reporter(), cache=False) is not None
    assert events.index("jing") > events.index("render")
    assert events.count("render") == len(list((demo / "tei").glob("1*.xml")))


def test_a_build_lists_and_hashes_each_file_once(demo: Path, monkeypatch, tmp_path: Path) -> None:
    """Validation's listing and content hashes serve the site build too, a linked file's
    hash by its own path; the site is the one a build hashing for itself makes."""
    from edition import cache as cache_module

    elsewhere = demo / "tei" / f"{TELEGRAM}.kept"  # not listed itself: no .xml
    (demo / "tei" / TELEGRAM).rename(elsewhere)
    (demo / "tei" / TELEGRAM).symlink_to(elsewhere.name)
    listings, groups, hashed = [], [], []
    tei_files = Project.tei_files
    file_digests, file_hashes = cache_module.file_digests, cache_module.file_hashes

    def listing(self: Project) -> list[Path]:
        listings.append(1)
        return tei_files(self)

    def hashing(cache, group, paths):
        groups.append(group)
        found = file_digests(cache, group, paths)
        hashed.append(dict(found.items_as_text()))
        return found

    def hashing_in_order(cache, group, paths):
        groups.append(group)
        found = file_hashes(cache, group, paths)
        hashed.append(dict(zip(paths(), found, strict=True)))
        return found

    monkeypatch.setattr(Project, "tei_files", listing)
    monkeypatch.setattr("edition.site.builder.file_digests", hashing)
    monkeypatch.setattr("edition.validation.runner.file_hashes", hashing_in_order)
    reporter = Reporter()
    assert api.build(Project.load(demo), reporter) is not None, reporter.render()
    assert listings == [1]
    assert sorted(groups) == ["templates", "validation"]
    (validation,) = [h for h, g in zip(hashed, groups, strict=True) if g == "validation"]
    assert validation[str(elsewhere)] == cache_module.digest(elsewhere.read_bytes())
    monkeypatch.undo()
    (demo / "site").rename(tmp_path / "shared")
    builder.build_site(Project.load(demo), Reporter(), validated=True)  # hashes for itself
    assert site_files(demo) == {
        p.relative_to(tmp_path / "shared").as_posix(): p.read_bytes()
        for p in sorted((tmp_path / "shared").rglob("*"))
        if p.is_file() and "pagefind" not in p.parts
    }
