"""How entries are shown: the labels of stored choices, and an entry's details as rows."""

from __future__ import annotations

from flask_babel import gettext as _

from festival.labels import AUDIENCE_LABELS, FORMAT_LABELS, PREMIERE_LABELS, label_of
from festival.models import Entry
from festival.models.enums import EntryStatus
from festival.submissions.techspec import DELIVERY_LABELS, SOUND_LABELS, tech_items


def status_label(status: EntryStatus | str) -> str:
    """An entry status in the visitor's language."""
    labels = {
        EntryStatus.DRAFT: _("Draft"),
        EntryStatus.SUBMITTED: _("Submitted"),
        EntryStatus.WITHDRAWN: _("Withdrawn"),
        EntryStatus.ACCEPTED: _("Accepted"),
        EntryStatus.WAITLISTED: _("Waitlisted"),
        EntryStatus.REJECTED: _("Not selected"),
    }
    return labels.get(status, str(status))


def entry_rows(entry: Entry) -> list[tuple[str, str]]:
    """(label, value) pairs describing an entry, in form order, for summaries, mails and exports."""
    rows = [
        (_("Original title"), entry.title_original or ""),
        (_("English title"), entry.title_en or ""),
        (_("Chinese title"), entry.title_zh or ""),
        (_("Format"), label_of(FORMAT_LABELS, entry.format)),
        (_("Running time (minutes)"), "" if entry.runtime_minutes is None else str(entry.runtime_minutes)),
        (_("Year of completion"), "" if entry.year is None else str(entry.year)),
        (_("Country"), entry.country or ""),
        (_("Language(s)"), entry.languages or ""),
        (_("Subtitles"), entry.subtitles or ""),
        (_("Target audiences"), ", ".join(label_of(AUDIENCE_LABELS, a) for a in entry.audiences or [])),
        (_("Premiere status"), label_of(PREMIERE_LABELS, entry.premiere_status)),
        (_("Short synopsis"), entry.synopsis_short or ""),
        (_("Long synopsis"), entry.synopsis_long or ""),
        (_("Director"), entry.director or ""),
        (_("Production company"), entry.production_company or ""),
        (_("Rights holder"), entry.rights_holder or ""),
        (_("Contact person"), entry.contact_name or ""),
        (_("Contact e-mail"), entry.contact_email or ""),
        (_("Contact phone"), entry.contact_phone or ""),
        (_("Delivery"), label_of(DELIVERY_LABELS, entry.delivery)),
        (_("Sound format"), label_of(SOUND_LABELS, entry.sound_format)),
    ]
    rows += [(str(field.label), value) for field, value in tech_items(entry.format, entry.tech_spec)]
    rows += [
        (_("Trailer link"), entry.trailer_url or ""),
        (_("Screener link"), entry.screener_url or ""),
    ]
    return rows
