"""The ranking as CSV (written by festival.spreadsheets: BOM, no formulas)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from festival.review.queries import RankingRow
from festival.spreadsheets import csv_text


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def ranking_csv(rows: Iterable[RankingRow], *, threshold: float) -> str:
    """The ranking rows the viewer may see, in their order, as CSV text with a BOM."""
    header = [
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
    return csv_text(header, (_cells(rank, row, threshold) for rank, row in enumerate(rows, start=1)))


def _cells(rank: int, row: RankingRow, threshold: float) -> list:
    entry, decision = row.entry, row.decision
    return [
        rank,
        entry.reference,
        entry.display_title,
        entry.title_original,
        entry.title_zh,
        entry.format.value if entry.format else "",
        row.panel.name if row.panel else "",
        entry.country,
        entry.production_company,
        row.reviews,
        row.missing,
        _score(row.mean),
        _score(row.spread),
        _("yes") if row.disagrees(threshold) else "",
        decision.outcome.value if decision else "",
        _("yes") if decision and decision.released_at else "",
    ]
