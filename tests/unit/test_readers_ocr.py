"""OCR rules: quality scores, noise lines, margin columns, garbled form labels."""

from __future__ import annotations

import pytest

from edition import ocr
from edition.readers.ocr_lines import match_form_label, split_margins

LABELS = ["COUNTRY", "SUBJECT", "REPORT NO.", "DATE OF INFO.", "PLACE ACQUIRED", "NO. OF PAGES"]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("UNTRY", "UNTRY"),  # COUNTRY, left edge cut off by the scan
        ("JECT", "JECT"),  # SUBJECT
        ("OF INFO. To Early 1951", "OF INFO."),
        ("CE ACQUIRED Japan", "CE ACQUIRED"),
        ("NO. OF PAGES", "NO. OF PAGES"),
        ("COUNTRV USSR", "COUNTRV"),  # an OCR slip inside the label
    ],
)
def test_garbled_form_labels_are_recognised(line: str, label: str) -> None:
    assert line[: match_form_label(line, LABELS)] == label


@pytest.mark.parametrize("line", ["The country is large.", "ECT", "Japan"])
def test_text_is_not_a_form_label(line: str) -> None:
    assert match_form_label(line, LABELS) == 0


@pytest.mark.parametrize(
    "line",
    ["PlineglirM7111111111111111=111111111111111111111111", "r", "WO ARM+1 mnirar=arna", ".A.582"],
)
def test_garbage_lines_are_noise(line: str) -> None:
    assert ocr.is_noise_line(line)


@pytest.mark.parametrize(
    "line",
    ["30 March 1954", "3", "CSDB_ 18851", "Pavlychev declined to meet vith them. Ei WA deettly"],
)
def test_text_lines_are_not_noise(line: str) -> None:
    assert not ocr.is_noise_line(line)


def test_left_margin_column_is_split_off() -> None:
    line = "2 2 0\t • completely incompetent And was returned o tvoscow"
    assert split_margins(line) == (
        "2 2 0\t",
        " • completely incompetent And was returned o tvoscow",
        "",
    )


def test_text_before_a_tab_is_not_a_margin() -> None:
    line = "through o\t hiliartai-esic the 'hpajiese eacher at th e Boyle-. Mission in kyo."
    assert split_margins(line)[0] == ""


def test_quality_separates_ocr_from_clean_text() -> None:
    assert ocr.text_quality("The leaders discuss possibilities to improve relations.") > 0.95
    assert ocr.text_quality("tag et Talk SillyesiosT10 ps tar V orweel, Ity bei poim") < 0.6
