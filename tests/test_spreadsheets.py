"""One guard against formula injection for every CSV export (OWASP's prefixes and their full-width forms)."""

from __future__ import annotations

import csv
import io

import pytest

from festival.spreadsheets import FORMULA_PREFIXES, csv_text, safe_cell


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_a_cell_starting_like_a_formula_is_shown_as_text(prefix):
    assert safe_cell(f"{prefix}SUM(A1)") == f"'{prefix}SUM(A1)"


def test_numbers_stay_numbers_and_plain_text_is_untouched():
    assert safe_cell(-2) == -2 and safe_cell(2.5) == 2.5
    assert safe_cell("Film") == "Film" and safe_cell("蓝鲸") == "蓝鲸" and safe_cell(None) == ""


def test_a_csv_file_has_a_bom_crlf_and_guarded_cells():
    text = csv_text(["title"], [["=1+1"], ["－1"], [7]])
    assert text.startswith("\ufeff") and "\r\n" in text
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [["title"], ["'=1+1"], ["'－1"], ["7"]]
