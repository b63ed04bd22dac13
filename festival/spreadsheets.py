"""CSV files for spreadsheet programs, written one way for every export (entries, ranking, timetable).

UTF-8 with a byte-order mark (so Excel reads Chinese titles), CRLF line ends, and every text cell guarded
against formula injection: a cell that starts like a formula gets a leading apostrophe, which spreadsheets
show as text. The prefixes are OWASP's (=, +, -, @, tab, carriage return) and their full-width forms,
which Chinese input methods type and some spreadsheet programs read as the ASCII ones.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows and never runs: None is empty, numbers stay numbers, text that starts
    like a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV text with a byte-order mark; every cell through ``safe_cell``."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
