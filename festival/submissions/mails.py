"""The mails the entry workflow sends, written in the entry's language (en or zh)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from festival.localtime import format_local, timezone_label
from festival.mail.services import send_mail
from festival.models import Entry, OutboxMail
from festival.navigation import edition_name, public_url
from festival.submissions.display import entry_rows


def _entry_url(entry: Entry) -> str:
    return public_url("submissions.entry_detail", entry_id=entry.id)


def _signature(entry: Entry) -> str:
    lines = [_("The programme office"), edition_name(entry.edition)]
    if entry.edition.contact_email:
        lines.append(entry.edition.contact_email)
    return "\n".join(lines)


def _send(entry: Entry, *, kind: str, subject: str, body: str) -> OutboxMail:
    """Mail the filmmaker's account address (the one that confirmed it receives mail)."""
    return send_mail(to=entry.owner.email, subject=subject, body=body, kind=kind)


def send_receipt(entry: Entry) -> OutboxMail:
    """Confirm a submission with its reference number and a copy of what was entered."""
    with force_locale(entry.language):
        edition = entry.edition
        subject = _(
            "Entry received: %(reference)s %(title)s", reference=entry.reference, title=entry.display_title
        )
        details = "\n".join(f"{label}: {value}" for label, value in entry_rows(entry) if value)
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=entry.owner.name),
                _(
                    "Thank you: we have received your entry to %(edition)s. Its reference number is "
                    "%(reference)s; please quote it in every message about this film.",
                    edition=edition_name(edition),
                    reference=entry.reference,
                ),
                _(
                    "Submitted on %(when)s (%(tz)s). You can change the entry or withdraw it until "
                    "%(deadline)s (%(tz)s) at %(url)s",
                    when=format_local(entry.submitted_at, edition),
                    deadline=format_local(edition.entry_deadline, edition),
                    tz=timezone_label(edition),
                    url=_entry_url(entry),
                ),
                details,
                _signature(entry),
            ]
        )
    return _send(entry, kind="entry_receipt", subject=subject, body=body)


def send_withdrawn(entry: Entry) -> OutboxMail:
    """Confirm that an entry was withdrawn."""
    with force_locale(entry.language):
        subject = _(
            "Entry withdrawn: %(reference)s %(title)s", reference=entry.reference, title=entry.display_title
        )
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=entry.owner.name),
                _(
                    "Your entry %(reference)s (%(title)s) was withdrawn on %(when)s (%(tz)s). "
                    "While the entry form is open you can submit it again from %(url)s",
                    reference=entry.reference,
                    title=entry.display_title,
                    when=format_local(entry.withdrawn_at, entry.edition),
                    tz=timezone_label(entry.edition),
                    url=_entry_url(entry),
                ),
                _signature(entry),
            ]
        )
    return _send(entry, kind="entry_withdrawn", subject=subject, body=body)


def send_reopened(entry: Entry) -> OutboxMail:
    """Tell the filmmaker that staff reopened the entry form for this entry, and until when."""
    with force_locale(entry.language):
        subject = _("Your entry is open for changes: %(title)s", title=entry.display_title)
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=entry.owner.name),
                _(
                    "The festival office has reopened the entry form for %(title)s until %(until)s (%(tz)s). "
                    "Until then you can change and submit it at %(url)s",
                    title=entry.display_title,
                    until=format_local(entry.reopened_until, entry.edition),
                    tz=timezone_label(entry.edition),
                    url=_entry_url(entry),
                ),
                _signature(entry),
            ]
        )
    return _send(entry, kind="entry_reopened", subject=subject, body=body)
