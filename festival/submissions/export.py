"""The staff CSV export of entries (written by festival.spreadsheets: BOM, no formulas)."""

from __future__ import annotations

from collections.abc import Iterable

from festival.localtime import format_local
from festival.models import Entry
from festival.spreadsheets import csv_text

COLUMNS = (
    "reference", "status", "edition", "title_original", "title_en", "title_zh", "format",
    "runtime_minutes", "year", "country", "languages", "subtitles", "premiere_status", "audiences",
    "director", "production_company", "rights_holder", "contact_name", "contact_email", "contact_phone",
    "account_email", "delivery", "sound_format", "tech_spec", "trailer_url", "screener_url",
    "images", "submitted_at", "withdrawn_at", "reopened_until", "updated_at",
)  # fmt: skip


def _row(entry: Entry) -> dict:
    edition = entry.edition
    return {
        "reference": entry.reference,
        "status": entry.status.value,
        "edition": edition.slug,
        "title_original": entry.title_original,
        "title_en": entry.title_en,
        "title_zh": entry.title_zh,
        "format": entry.format.value if entry.format else "",
        "runtime_minutes": entry.runtime_minutes,
        "year": entry.year,
        "country": entry.country,
        "languages": entry.languages,
        "subtitles": entry.subtitles,
        "premiere_status": entry.premiere_status.value if entry.premiere_status else "",
        "audiences": ";".join(entry.audiences or []),
        "director": entry.director,
        "production_company": entry.production_company,
        "rights_holder": entry.rights_holder,
        "contact_name": entry.contact_name,
        "contact_email": entry.contact_email,
        "contact_phone": entry.contact_phone,
        "account_email": entry.owner.email,
        "delivery": entry.delivery,
        "sound_format": entry.sound_format,
        "tech_spec": "; ".join(f"{k}={v}" for k, v in sorted((entry.tech_spec or {}).items())),
        "trailer_url": entry.trailer_url,
        "screener_url": entry.screener_url,
        "images": len(entry.images),
        "submitted_at": format_local(entry.submitted_at, edition),
        "withdrawn_at": format_local(entry.withdrawn_at, edition),
        "reopened_until": format_local(entry.reopened_until, edition),
        "updated_at": format_local(entry.updated_at, edition),
    }


def entries_csv(entries: Iterable[Entry]) -> str:
    """The entries as CSV text (festival.spreadsheets); times in each edition's timezone."""
    return csv_text(COLUMNS, ([row[column] for column in COLUMNS] for row in map(_row, entries)))
