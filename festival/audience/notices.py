"""When a new version of the programme is published: the visitors' plans follow it, and each visitor with a
planned screening that moved or was cancelled gets one mail, in their language.

``follow_publication`` is the publication listener (festival.schedule.publishing.on_publish, connected in
festival/audience/__init__.py): in the
publication's transaction it moves the plan items of moved screenings to their new theater and start,
removes those of cancelled ones, and puts the mails in the outbox (sent after the commit, as every mail)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from festival import localtime
from festival.extensions import db
from festival.labels import film_title
from festival.mail.services import send_mail
from festival.models import Edition, PlanItem, TimetableVersion, User
from festival.navigation import edition_name, localized, public_url
from festival.schedule.changelog import Change, Diff, Slot

KIND = "plan_change"


def _slot(edition: Edition, slot: Slot) -> str:
    return _(
        "%(when)s, %(theater)s",
        when=localtime.format_local(slot.start, edition, "EEE d MMM HH:mm"),
        theater=localized(slot.theater, "name"),
    )


def _line(edition: Edition, change: Change) -> str:
    title = film_title(change.entry)
    if change.kind == "moved":
        return _(
            "“%(title)s” moved: %(before)s → %(after)s",
            title=title,
            before=_slot(edition, change.before),
            after=_slot(edition, change.after),
        )
    return _("“%(title)s” cancelled: %(slot)s", title=title, slot=_slot(edition, change.before))


def follow_publication(version: TimetableVersion, diff: Diff, actor: User | None) -> int:
    """Update the plans to the new version and mail their owners; returns the number of mails."""
    if diff.base is None:
        return 0
    edition = db.session.get(Edition, version.edition_id)
    touched: dict[int, list[Change]] = defaultdict(list)
    for change in diff.changes:
        if change.kind not in ("moved", "removed"):
            continue
        before = change.before
        items = db.session.scalars(
            sa.select(PlanItem).where(
                PlanItem.edition_id == edition.id,
                PlanItem.entry_id == change.entry.id,
                PlanItem.theater_id == before.theater.id,
                PlanItem.start == before.start,
            )
        ).all()
        for item in items:
            touched[item.user_id].append(change)
            if change.kind == "moved":
                item.theater_id, item.start = change.after.theater.id, change.after.start
            else:
                db.session.delete(item)
    db.session.flush()
    for user_id, changes in touched.items():
        user = db.session.get(User, user_id)
        if user is None or not user.active:
            continue
        with force_locale(user.locale or "en"):
            subject = _("Your plan for %(edition)s has changed", edition=edition_name(edition))
            body = "\n\n".join(
                [
                    _("Dear %(name)s,", name=user.name),
                    _(
                        "The programme has a new version (version %(number)s). Screenings in your plan "
                        "changed (times are %(tz)s):",
                        number=version.number,
                        tz=localtime.timezone_label(edition),
                    ),
                    "\n".join(_line(edition, c) for c in sorted(changes, key=lambda c: c.sort_key)),
                    _(
                        "Your plan follows the moved screenings; the cancelled ones are out of it. "
                        "Your plan: %(url)s",
                        url=public_url("audience.plan", slug=edition.slug),
                    ),
                    edition_name(edition),
                ]
            )
        send_mail(to=user.email, subject=subject, body=body, kind=KIND)
    return len(touched)
