"""The invitation mail: in English and in Chinese, one after the other (the invited person has chosen no
language yet)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale
from flask_babel import gettext as _

from festival import localtime
from festival.mail.services import send_mail
from festival.models import Invitation, OutboxMail, User
from festival.navigation import public_url

LANGUAGES = ("en", "zh")


def _in(locale: str, invitation: Invitation, link: str, inviter: User, describe: Callable) -> tuple[str, str]:
    with force_locale(locale):
        subject = _("Invitation: %(what)s", what=describe(invitation))
        greeting = _("Dear %(name)s,", name=invitation.name) if invitation.name else _("Hello,")
        body = "\n\n".join(
            [
                greeting,
                _(
                    "%(inviter)s invites you %(what)s on the festival's site.",
                    inviter=inviter.name,
                    what=describe(invitation),
                ),
                _(
                    "Open this link to accept. If you have no account with this address yet, you will "
                    "choose a password there; if you have one, log in first."
                ),
                link,
                _(
                    "The link works once, until %(when)s (%(zone)s). If you did not expect this "
                    "invitation, ignore this message.",
                    when=localtime.format_local(invitation.expires_at, None),
                    zone=localtime.timezone_label(None),
                ),
            ]
        )
    return subject, body


def send_invitation(invitation: Invitation, token: str, *, inviter: User, describe: Callable) -> OutboxMail:
    """Mail the invitation's link to the invited address, in both languages."""
    link = public_url("people.invitation", token=token)
    parts = [_in(locale, invitation, link, inviter, describe) for locale in LANGUAGES]
    subject = " / ".join(subject for subject, _body in parts)
    body = ("\n\n" + "—" * 24 + "\n\n").join(body for _subject, body in parts)
    return send_mail(to=invitation.email, subject=subject, body=body, kind="invitation")
