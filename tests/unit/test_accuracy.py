"""The importer meets the accuracy target on the hand-written answer keys (F1 ≥ 0.95 per kind)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from accuracy import KINDS, Score, compare, evaluate


def test_compare_counts_matches_misses_and_extras() -> None:
    expected = [{"line": 1, "reason": "illegible"}, {"line": 5}]
    found = [{"line": 1, "reason": "illegible", "unit": "word"}, {"line": 7}]
    score = compare(expected, found)
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.f1 == pytest.approx(0.5)


def test_wrong_attributes_do_not_match() -> None:
    assert (
        compare([{"line": 1, "reason": "withheld"}], [{"line": 1, "reason": "illegible"}]).tp == 0
    )


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return evaluate()


@pytest.mark.parametrize("kind", list(KINDS))
def test_f1_target_per_kind(scores: dict[str, Score], kind: str) -> None:
    assert scores[kind].f1 >= 0.95, (kind, scores[kind])
