"""The ranking as CSV: UTF-8 with a BOM (so spreadsheet programs read Chinese titles), formula-safe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from festival.review.queries import RankingRow

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def ranking_csv(rows: Iterable[RankingRow], *, threshold: float) -> str:
    """The ranking rows the viewer may see, in their order, as CSV text with a BOM."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("Rank"),
            _("Reference"),
            _("Title"),
            _("Original title"),
            _("Chinese title"),
            _("Format"),
            _("Panel"),
            _("Country"),
            _("Production company"),
            _("Reviews"),
            _("Missing"),
            _("Mean weighted score"),
            _("Spread"),
            _("Disagreement"),
            _("Decision"),
            _("Released"),
        ]
    )
    for rank, row in enumerate(rows, start=1):
        entry = row.entry
        decision = row.decision
        writer.writerow(
            [
                safe_cell(rank),
                safe_cell(entry.reference),
                safe_cell(entry.display_title),
                safe_cell(entry.title_original),
                safe_cell(entry.title_zh),
                safe_cell(entry.format.value if entry.format else ""),
                safe_cell(row.panel.name if row.panel else ""),
                safe_cell(entry.country),
                safe_cell(entry.production_company),
                safe_cell(row.reviews),
                safe_cell(row.missing),
                safe_cell(row.mean),
                safe_cell(row.spread),
                safe_cell(_("yes") if row.disagrees(threshold) else ""),
                safe_cell(decision.outcome.value if decision else ""),
                safe_cell(_("yes") if decision and decision.released_at else ""),
            ]
        )
    return out.getvalue()
