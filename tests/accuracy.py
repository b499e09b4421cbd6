"""Accuracy of the importer against the hand-written answer keys in tests/answers/.

Run as ``python tests/accuracy.py`` (or ``nox -s accuracy``): reads the
sample sources afresh with the profile the importer detects (the in-memory
TEI keeps each element's source line) and prints precision, recall and F1
per apparatus kind.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
ANSWERS = REPO / "tests" / "answers"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
KINDS = {
    "gap": ".//tei:gap[not(@reason='signature')]",
    "supplied": ".//tei:supplied",
    "add": ".//tei:add",
    "signature": ".//tei:signed",
    "pb": ".//tei:pb",
    "sp": ".//tei:sp",
    "noise": ".//tei:ab[@type='noise'] | .//tei:fw[@type='margin']",
}


@dataclass
class Score:
    """Counts for one kind: true positives, false positives, false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def found_items(tree: etree._ElementTree, kind: str) -> list[dict[str, str | int]]:
    """Apparatus elements of one kind as line + attributes (noise: one item per line)."""
    text = tree.getroot()
    items: list[dict[str, str | int]] = []
    seen: set[int] = set()
    for element in text.xpath(KINDS[kind], namespaces=NS):
        line = element.sourceline or 0
        if kind == "noise":
            if line in seen:
                continue
            seen.add(line)
        item: dict[str, str | int] = {"line": line}
        item.update({k: v for k, v in element.attrib.items() if "}" not in k})
        items.append(item)
    return items


def compare(expected: list[dict[str, object]], found: list[dict[str, str | int]]) -> Score:
    """Match expected items to found ones (same line and every attribute the key names)."""
    score = Score()
    remaining = list(found)
    for item in expected:
        match = next((f for f in remaining if all(f.get(k) == v for k, v in item.items())), None)
        if match is None:
            score.fn += 1
        else:
            score.tp += 1
            remaining.remove(match)
    score.fp = len(remaining)
    return score


def read_source(path: Path) -> etree._Element:
    """The TEI ``text`` the importer makes of a source, with source lines on its elements."""
    from edition.readers import Transcription, choose_reader

    transcription = Transcription.load(path, path.name)
    reader, _ = choose_reader(transcription)
    return reader.read(transcription).text


def evaluate() -> dict[str, Score]:
    """Scores per kind, summed over every answer key."""
    totals = {kind: Score() for kind in KINDS}
    for key_path in sorted(ANSWERS.glob("*.toml")):
        key = tomllib.loads(key_path.read_text(encoding="utf-8"))
        tree = read_source(REPO / key["source"]).getroottree()
        for kind in KINDS:
            score = compare(key.get(kind, []), found_items(tree, kind))
            totals[kind].tp += score.tp
            totals[kind].fp += score.fp
            totals[kind].fn += score.fn
    return totals


def main() -> int:
    """Print the table; exit 1 when a kind is under F1 0.95."""
    totals = evaluate()
    print(f"{'kind':<10} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    worst = 1.0
    for kind, s in totals.items():
        print(
            f"{kind:<10} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
            f"  {s.tp:3d} {s.fp:3d} {s.fn:3d}"
        )
        worst = min(worst, s.f1)
    return 0 if worst >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
