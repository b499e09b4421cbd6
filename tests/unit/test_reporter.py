"""The Reporter: ignore and strict, counts, and diagnostics spooled past ``HELD``.

The diagnostics are the FRUS benchmark's real validation findings (pointers the
split leaves dangling), so the spool round-trips what validation reports.
"""

from __future__ import annotations

import pytest
from conftest import SCHEMA, SCHEMATRON, split_frus

from edition.diagnostics import Diagnostic, Location, Reporter, Severity, error, info, warning
from edition.validation import Settings, start


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> list[Diagnostic]:
    """What validation finds in 12 split FRUS documents, plus hand-made edge cases."""
    files = split_frus(tmp_path_factory.mktemp("frus"), 12)
    reporter = Reporter()
    items = [(path, path.name) for path in files]
    start(items, Settings(SCHEMA, SCHEMATRON, "lxml"), reporter, edition_files=items).finish()
    assert len(reporter.diagnostics) > 20
    return [
        *reporter.diagnostics,
        warning("X001", "no location, two hints", None, "one", "two"),
        info("X002", "a column", Location("tei/a.xml", 3, 7)),
        error("X003", 'quotes " and \\\\ and ünïcödé', Location("tei/b.xml")),
    ]


def test_spooled_diagnostics_come_back_in_order(found, monkeypatch) -> None:
    whole = Reporter(diagnostics=found)
    monkeypatch.setattr(Reporter, "HELD", 5)
    spooled = Reporter()
    spooled.extend(found)
    assert len(spooled._held) == 5 and spooled._spool is not None
    assert spooled.diagnostics == found == whole.diagnostics
    for fmt in ("text", "json"):
        assert spooled.render(fmt) == whole.render(fmt)
    for severity in Severity:
        assert spooled.count(severity) == sum(d.severity is severity for d in found)
    assert spooled.codes() == whole.codes()


def test_reporting_goes_on_while_the_spool_is_read(found, monkeypatch) -> None:
    monkeypatch.setattr(Reporter, "HELD", 2)
    reporter = Reporter(diagnostics=found[:10])
    seen = []
    for diagnostic in reporter:
        seen.append(diagnostic)
        if len(seen) == 6:
            reporter.report(found[10])  # written at the end while reading the middle
    assert seen == found[:10]
    assert reporter.diagnostics == found[:11]


def test_ignore_and_strict_apply_before_spooling(found, monkeypatch) -> None:
    monkeypatch.setattr(Reporter, "HELD", 1)
    reporter = Reporter(frozenset({"X002"}), strict=True)
    reporter.extend(found)
    kept = [d for d in found if d.code != "X002"]
    assert [d.code for d in reporter] == [d.code for d in kept]
    assert {d.severity for d in reporter} <= {Severity.ERROR, Severity.INFO}
    assert reporter.count(Severity.WARNING) == 0
    assert reporter.has_errors


@pytest.mark.parametrize("held", [2, 5, 1000])
@pytest.mark.parametrize("block", [1, 64, 1 << 20])
def test_a_reporter_absorbed_keeps_the_order_and_counts(found, monkeypatch, held, block) -> None:
    """Absorbed, spooled or held, then more reported: the same as reported one by one."""
    from edition import diagnostics

    monkeypatch.setattr(Reporter, "HELD", held)
    monkeypatch.setattr(diagnostics, "_BLOCK", block)  # lines longer than a block, too
    one_by_one = Reporter(frozenset({"X002"}), strict=True, diagnostics=found[:3])
    one_by_one.extend(found[3:])
    one_by_one.extend(found[:2])
    target = Reporter(frozenset({"X002"}), strict=True, diagnostics=found[:3])
    other = Reporter(frozenset({"X002"}), strict=True)
    other.extend(found[3:])
    target.absorb(other)
    target.extend(found[:2])
    assert target.diagnostics == one_by_one.diagnostics
    assert target.render("json") == one_by_one.render("json")
    for severity in Severity:
        assert target.count(severity) == one_by_one.count(severity)
    with pytest.raises(ValueError, match="same settings"):
        target.absorb(Reporter())


@pytest.mark.parametrize("held", [0, 3, 1000])
@pytest.mark.parametrize(("ignore", "strict"), [(frozenset(), False), (frozenset({"X002"}), True)])
def test_diagnostics_given_as_data_are_those_reported(found, monkeypatch, held, ignore, strict):
    """``extend_data`` (a cache's diagnostics, spooled without decoding) records what
    ``extend`` records of the decoded ones: the same order, counts and output."""
    monkeypatch.setattr(Reporter, "HELD", held)
    decoded, as_data = Reporter(ignore, strict), Reporter(ignore, strict)
    decoded.extend(found)
    as_data.extend_data([d.to_data() for d in found])
    assert as_data.diagnostics == decoded.diagnostics
    assert as_data.render("json") == decoded.render("json")
    for severity in Severity:
        assert as_data.count(severity) == decoded.count(severity)
    assert as_data.codes() == decoded.codes()


@pytest.mark.parametrize(
    "damaged",
    [
        ["X9", "a severity out of range", None, 7, []],
        ["X9", "a bad place", ["a.xml", 1, 2, 3], 2, []],
    ],
)
def test_damaged_diagnostics_given_as_data_raise_before_spooling(monkeypatch, damaged):
    monkeypatch.setattr(Reporter, "HELD", 0)
    reporter = Reporter()
    reporter.extend_data([["X1", "fine", ["a.xml", 1, 2], 1, ["a hint"]]])
    with pytest.raises((TypeError, ValueError)):
        reporter.extend_data([damaged])
    assert [d.code for d in reporter] == ["X1"]
