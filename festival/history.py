"""The audit trail in words: what each recorded action and field is called, and its values as a person reads
them (roles, statuses and formats by name, times in the edition's time, yes and no, lists and records
spelt out), so no history page shows ``review · review.save`` or raw JSON.

``festival.audit`` writes the events; this module only reads them. Every action an area records gets a
line in ACTION_LABELS (tests/test_history.py checks the code against it), every field name a line in
FIELD_LABELS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival import localtime
from festival.audit import history
from festival.extensions import db
from festival.labels import (
    AUDIENCE_LABELS,
    EDITION_STATE_LABELS,
    FORMAT_LABELS,
    PREMIERE_LABELS,
    label_of,
    role_words,
)
from festival.models import AuditEvent, Edition, User

OBJECT_LABELS = {
    "entry": _l("Entry"),
    "review": _l("Review"),
    "decision": _l("Decision"),
    "conflict": _l("Conflict of interest"),
    "panel": _l("Panel"),
    "edition": _l("Edition"),
    "user": _l("Account"),
    "invitation": _l("Invitation"),
    "venue": _l("Venue"),
    "theater": _l("Theater"),
    "theater_block": _l("Block"),
    "timetable_version": _l("Timetable"),
    "solve_run": _l("Timetable run"),
    "scenario": _l("Scenario"),
    "mail_template": _l("Letter template"),
    "award_category": _l("Award"),
    "event": _l("Event"),
    "outbox_mail": _l("Mail"),
    "speaker": _l("Speaker"),
}

ACTION_LABELS = {
    # entries
    "edit": _l("Entry changed"),
    "status": _l("Entry status changed"),
    "reopen": _l("Entry form reopened"),
    "withdraw": _l("Entry withdrawn"),
    "delete": _l("Deleted"),
    "entry.panel": _l("Entry moved to another panel"),
    # review
    "review.save": _l("Review saved"),
    "assignment.add": _l("Curator assigned"),
    "assignment.remove": _l("Curator unassigned"),
    "assignment.conflict": _l("Assignment withdrawn for a conflict of interest"),
    "assignment.balanced": _l("Curators assigned automatically"),
    "conflict.declare": _l("Conflict of interest declared"),
    "conflict.link": _l("Conflict of interest linked to an entry"),
    "conflict.remove": _l("Conflict of interest removed"),
    "decision.save": _l("Decision saved"),
    "decision.discard": _l("Decision discarded"),
    "decision.release": _l("Decision released"),
    "decision.prints": _l("Prints of the film recorded"),
    "panel.create": _l("Panel created"),
    "panel.update": _l("Panel changed"),
    "panel.delete": _l("Panel deleted"),
    "panel.member_add": _l("Panel member added"),
    "panel.member_remove": _l("Panel member removed"),
    "panel.lead": _l("Panel lead chosen"),
    "rubric.add": _l("Criterion added"),
    "rubric.update": _l("Criterion changed"),
    "rubric.remove": _l("Criterion removed"),
    "rubric.default": _l("Default rubric added"),
    "template.save": _l("Letter template saved"),
    # venues
    "venue.create": _l("Venue added"),
    "venue.update": _l("Venue changed"),
    "venue.delete": _l("Venue deleted"),
    "venue.manager_add": _l("Venue manager added"),
    "venue.manager_remove": _l("Venue manager removed"),
    "theater.create": _l("Theater added"),
    "theater.update": _l("Theater changed"),
    "theater.delete": _l("Theater deleted"),
    "block.create": _l("Block added"),
    "block.update": _l("Block changed"),
    "block.delete": _l("Block deleted"),
    # timetable
    "screening.added": _l("Screening added"),
    "screening.moved": _l("Screening moved"),
    "screening.pinned": _l("Screening pinned"),
    "screening.removed": _l("Screening removed"),
    "solve_run.start": _l("Timetable run started"),
    "solve_run.stop": _l("Timetable run stopped"),
    "timetable.draft_created": _l("Draft created"),
    "scenario.created": _l("Scenario created"),
    "scenario.promoted": _l("Scenario made the draft"),
    "scenario.deleted": _l("Scenario deleted"),
    "shorts.propose": _l("Shorts programmes proposal started"),
    "timetable.draft_discarded": _l("Draft discarded"),
    "timetable.published": _l("Timetable published"),
    # editions
    "edition.create": _l("Edition created"),
    "edition.copy": _l("Edition created as a copy"),
    "edition.update": _l("Edition settings changed"),
    "edition.state": _l("Edition state changed"),
    "edition.demand": _l("Demand settings changed"),
    "edition.transit_days": _l("Transit days changed"),
    "edition.online": _l("Edition switched online"),
    "holiday.add": _l("Holiday added"),
    "holiday.remove": _l("Holiday removed"),
    # mail
    "mail.send_again": _l("Mail sent again"),
    # events and speakers
    "event.create": _l("Event added"),
    "event.update": _l("Event changed"),
    "event.copy": _l("Event copied"),
    "event.speaker_add": _l("Speaker invited"),
    "event.speaker_confirm": _l("Speaker confirmed"),
    "event.speaker_remove": _l("Speaker removed"),
    "speaker.profile": _l("Speaker profile changed"),
    "speaker.photo": _l("Speaker photo changed"),
    # audience (jury and awards)
    "award.save": _l("Award category saved"),
    "award.nominate": _l("Film nominated"),
    "award.unnominate": _l("Nomination withdrawn"),
    "award.approve": _l("Award winner approved"),
    "award.publish": _l("Award published"),
    "jury.add": _l("Juror added"),
    "jury.remove": _l("Juror removed"),
    # people
    "user.roles": _l("Roles changed"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "invitation.send": _l("Invitation sent"),
    "invitation.replace": _l("Invitation replaced by a new one"),
    "invitation.accept": _l("Invitation accepted"),
    "invitation.withdraw": _l("Invitation withdrawn"),
}

FIELD_LABELS = {
    # entries
    "title_original": _l("Original title"),
    "title_en": _l("English title"),
    "title_zh": _l("Chinese title (if any)"),
    "format": _l("Format"),
    "runtime_minutes": _l("Running time (minutes)"),
    "year": _l("Year of completion"),
    "country": _l("Country of production"),
    "languages": _l("Language(s) of the film"),
    "subtitles": _l("Subtitles available"),
    "synopsis_short": _l("Short synopsis"),
    "synopsis_long": _l("Long synopsis"),
    "audiences": _l("Target audiences"),
    "premiere_status": _l("Premiere status"),
    "director": _l("Director(s)"),
    "production_company": _l("Production company"),
    "rights_holder": _l("Rights holder"),
    "contact_name": _l("Contact person"),
    "contact_email": _l("Contact e-mail"),
    "contact_phone": _l("Contact phone (with country code)"),
    "language": _l("Language of our e-mails about this entry"),
    "delivery": _l("Delivery of the screening copy"),
    "sound_format": _l("Sound format"),
    "tech_spec": _l("Technical specification"),
    "trailer_url": _l("Trailer link"),
    "screener_url": _l("Screener link (full film)"),
    "screener_password": _l("Screener password"),
    "terms_accepted_at": _l("Terms accepted"),
    "status": _l("Status"),
    "reopened_until": _l("Open for changes until"),
    "panel": _l("Panel"),
    # review and decisions
    "scores": _l("Scores"),
    "comment": _l("Comment to the panel"),
    "private_note": _l("Private note"),
    "curator": _l("Curator"),
    "user": _l("Curator"),
    "user_id": _l("Curator"),
    "kind": _l("Kind"),
    "value": _l("Value"),
    "entry_id": _l("Entry"),
    "outcome": _l("Outcome"),
    "min_screenings": _l("Minimum screenings"),
    "max_screenings": _l("Maximum screenings"),
    "max_per_day": _l("At most per day"),
    "copies": _l("Copies (screenings at the same time)"),
    "popularity": _l("Expected audience per screening (popularity)"),
    "requires": _l("Theater features it needs"),
    "not_before": _l("Earliest screening date"),
    "not_after": _l("Latest screening date"),
    "note": _l("Note"),
    "released_at": _l("Released"),
    "k": _l("Reviews per entry"),
    "added": _l("Assignments added"),
    "label": _l("Label"),
    "label_zh": _l("Chinese label"),
    "weight": _l("Weight"),
    "min_score": _l("Lowest score"),
    "max_score": _l("Highest score"),
    "subject": _l("Subject"),
    "body": _l("Text"),
    # venues and timetable
    "code": _l("Code"),
    "name": _l("Name"),
    "name_zh": _l("Chinese name"),
    "hours": _l("Opening hours"),
    "closed_dates": _l("Closed on"),
    "special_hours": _l("Special opening hours"),
    "city": _l("City"),
    "is_partner": _l("Partner museum of the alliance"),
    "manager": _l("Venue manager"),
    "seats": _l("Seats"),
    "formats": _l("Formats it can show"),
    "features": _l("Features"),
    "changeover_minutes": _l("Changeover (minutes)"),
    "start_step_minutes": _l("Start times every (minutes)"),
    "position": _l("Position"),
    "theaters": _l("Theaters"),
    "start": _l("Start"),
    "end": _l("End"),
    "based_on": _l("Based on"),
    # editions
    "state": _l("State"),
    "slug": _l("Address (slug)"),
    "reference_prefix": _l("Reference prefix"),
    "timezone": _l("Time zone"),
    "call_opens_at": _l("Call opens"),
    "entry_deadline": _l("Entry deadline"),
    "first_day": _l("First screening day"),
    "last_day": _l("Last screening day"),
    "terms": _l("Terms of entry"),
    "terms_zh": _l("Terms of entry (Chinese)"),
    "copied_from": _l("Copied from"),
    "day": _l("Day"),
    "weekday_weights": _l("Weekday weights"),
    "hour_weights": _l("Hour weights"),
    "holiday_weight": _l("Holiday weight"),
    "workday_weight": _l("Make-up working day weight"),
    "breaks": _l("School breaks"),
    "shortfall_cost": _l("Cost of a missing screening"),
    "move_cost": _l("Cost of moving a published screening"),
    # audience
    "winner": _l("Winner"),
    "ballots": _l("Ballots"),
    "entry": _l("Film"),
    # people
    "roles": _l("Roles"),
    "active": _l("Active"),
    "email": _l("E-mail"),
}

ENTRY_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "withdrawn": _l("Withdrawn"),
    "accepted": _l("Accepted"),
    "waitlisted": _l("Waitlisted"),
    "rejected": _l("Not selected"),
}


def _named(labels: dict) -> Callable[[object], str]:
    """A stored code, or a list of codes, said by name."""
    return lambda v: ", ".join(label_of(labels, x) for x in v) if isinstance(v, list) else label_of(labels, v)


# values of these fields are said by name, not by their stored code
VALUE_WORDS: dict[str, Callable[[object], str]] = {
    "roles": role_words,
    "format": _named(FORMAT_LABELS),
    "formats": _named(FORMAT_LABELS),
    "premiere_status": _named(PREMIERE_LABELS),
    "audiences": _named(AUDIENCE_LABELS),
    "status": _named(ENTRY_STATUS_LABELS),
    "outcome": _named(ENTRY_STATUS_LABELS),
    "state": _named(EDITION_STATE_LABELS),
}

_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")


@dataclass(frozen=True)
class HistoryLine:
    """One audit event as a person reads it."""

    at: datetime
    who: str
    what: str
    field: str
    old: str
    new: str


def _humanised(key: str) -> str:
    return key.replace(".", " ").replace("_", " ").strip().capitalize()


def action_label(action: str) -> str:
    """What an action is called (a code not in the table: its words, spaced)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else _humanised(action)


def field_label(key: str, names: Mapping[str, str] | None = None) -> str:
    """What a field is called (``names``: the page's own words, e.g. its rubric's criteria)."""
    if names and key in names:
        return names[key]
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else _humanised(key)


def _parsed(raw: str) -> object:
    if raw[:1] in "[{" or raw in ("true", "false", "null"):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def value_words(
    key: str | None, value: object, edition: Edition | None = None, names: Mapping[str, str] | None = None
) -> str:
    """A recorded value as words."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if key in VALUE_WORDS:
        return VALUE_WORDS[key](value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(k, names)}: {value_words(k, v, edition, names)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return ", ".join(value_words(None, v, edition, names) for v in value)
    if isinstance(value, str) and _MOMENT.match(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return localtime.format_local(moment, edition)
    return str(value)


def describe(
    event: AuditEvent,
    who: User | None,
    *,
    edition: Edition | None = None,
    names: Mapping[str, str] | None = None,
) -> HistoryLine:
    """One event in words: when, who, what happened, to which field, the value before and after."""

    def words(raw: str | None) -> str:
        return "" if raw is None else value_words(event.field, _parsed(raw), edition, names)

    return HistoryLine(
        at=event.at,
        who=who.name if who is not None else _("system"),
        what=action_label(event.action),
        field=field_label(event.field, names) if event.field else "",
        old=words(event.old_value),
        new=words(event.new_value),
    )


def trail(
    objects: Iterable, *, edition: Edition | None = None, names: Mapping[str, str] | None = None
) -> list[HistoryLine]:
    """The audit events of several objects in words, oldest first."""
    events = sorted(
        (e for obj in objects if obj is not None for e in history(obj)), key=lambda e: (e.at, e.id)
    )
    ids = {e.actor_id for e in events if e.actor_id}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    return [describe(e, users.get(e.actor_id), edition=edition, names=names) for e in events]
