"""The filmmakers' mails when a new version of the programme is published: only the filmmakers whose film's
screenings changed, each in the language of the entry, listing the film's screenings before and after.

``filmmaker_notices`` writes them (the publish page previews exactly these); ``mail_filmmakers`` is the
listener publishing calls (festival.schedule.publishing.on_publish), which hands them to the mail service:
each lands in the outbox, and is delivered as every mail is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from festival import localtime
from festival.extensions import db
from festival.labels import film_title
from festival.mail.services import send_mail
from festival.models import Edition, Entry, Screening, TimetableVersion, User
from festival.navigation import edition_name, localized, public_url
from festival.schedule.changelog import Change, Diff

KIND = "timetable_change"


@dataclass(frozen=True)
class Notice:
    """One mail to a filmmaker about one film."""

    entry: Entry
    to: str
    language: str
    subject: str
    body: str


def filmmaker_notices(diff: Diff, number: int) -> list[Notice]:
    """The mails a publication of ``diff.target`` over ``diff.base`` as version ``number`` sends: one per film
    whose screenings changed, to its filmmaker, in the entry's language. None for a first publication."""
    if diff.base is None or diff.empty:
        return []
    edition = db.session.get(Edition, diff.target.edition_id)
    changes: dict[int, list[Change]] = defaultdict(list)
    for change in diff.changes:
        changes[change.entry.id].append(change)
    before = _screenings(diff.base, set(changes))
    after = _screenings(diff.target, set(changes))
    notices = []
    for entry_id in sorted(changes, key=lambda i: changes[i][0].entry.display_title.casefold()):
        entry = changes[entry_id][0].entry
        owner = db.session.get(User, entry.owner_id)
        if owner is None or not owner.email:
            continue
        with force_locale(entry.language or "en"):
            subject, body = _words(edition, number, entry, owner, changes[entry_id], before, after)
        notices.append(Notice(entry, owner.email, entry.language or "en", subject, body))
    return notices


def mail_filmmakers(version: TimetableVersion, diff: Diff, actor: User | None) -> None:
    """The publication listener: put each filmmaker's mail in the outbox (sent after the commit)."""
    for notice in filmmaker_notices(diff, version.number):
        send_mail(to=notice.to, subject=notice.subject, body=notice.body, kind=KIND)


def _screenings(version: TimetableVersion, entry_ids: set[int]) -> dict[int, list[Screening]]:
    stmt = (
        sa.select(Screening)
        .where(Screening.timetable_id == version.id, Screening.showing(entry_ids))
        .order_by(Screening.start, Screening.theater_id)
    )
    out: dict[int, list[Screening]] = defaultdict(list)
    for s in db.session.scalars(stmt):
        for film in s.films:  # a shorts programme's screening is one of each of its films
            if film.id in entry_ids:
                out[film.id].append(s)
    return out


def _slot(edition: Edition, start, end, theater) -> str:
    return _(
        "%(date)s %(start)s–%(end)s, %(theater)s",
        date=localtime.format_skeleton(start, edition, "MMMEd"),
        start=localtime.format_skeleton(start, edition, "Hm"),
        end=localtime.format_skeleton(end, edition, "Hm"),
        theater=localized(theater, "name"),
    )


def _change_line(edition: Edition, change: Change) -> str:
    if change.kind == "moved":
        return _(
            "Moved: %(before)s → %(after)s",
            before=_slot(edition, change.before.start, change.before.end, change.before.theater),
            after=_slot(edition, change.after.start, change.after.end, change.after.theater),
        )
    if change.kind == "added":
        slot = change.after
        return _("Added: %(slot)s", slot=_slot(edition, slot.start, slot.end, slot.theater))
    slot = change.before
    return _("Cancelled: %(slot)s", slot=_slot(edition, slot.start, slot.end, slot.theater))


def _list(edition: Edition, screenings: list[Screening]) -> str:
    if not screenings:
        return "  " + _("none")
    return "\n".join("  " + _slot(edition, s.start, s.end, s.theater) for s in screenings)


def _words(edition, number, entry, owner, changes, before, after) -> tuple[str, str]:
    title = film_title(entry)
    subject = _("New programme: the screenings of “%(title)s” have changed", title=title)
    lines = [
        _("Dear %(name)s,", name=owner.name),
        _(
            "The programme of %(edition)s has a new version (version %(number)s). The screenings of your "
            "film “%(title)s” (%(reference)s) have changed; times are %(tz)s.",
            edition=edition_name(edition),
            number=number,
            title=title,
            reference=entry.reference or "",
            tz=localtime.timezone_label(edition),
        ),  # fmt: skip
        "\n".join(_change_line(edition, c) for c in changes),
        _("Its screenings before:") + "\n" + _list(edition, before.get(entry.id, [])),
        _("Its screenings now:") + "\n" + _list(edition, after.get(entry.id, [])),
    ]
    if after.get(entry.id):
        url = public_url("programme.film", slug=edition.slug, entry_id=entry.id)
        lines.append(_("The film's page in the public programme: %(url)s", url=url))
    signature = [_("The programme office"), edition_name(edition), edition.contact_email]
    lines.append("\n".join(filter(None, signature)))
    return subject, "\n\n".join(lines)
