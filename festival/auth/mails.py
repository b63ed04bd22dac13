"""Account mails (address confirmation, password reset), in the account's language."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from festival.auth import tokens
from festival.mail.services import send_mail
from festival.models import OutboxMail, User
from festival.models.enums import Role
from festival.navigation import public_url


def _hours(delta) -> int:
    return int(delta.total_seconds() // 3600)


def send_confirmation(user: User, token: str) -> OutboxMail:
    """Mail the link that confirms the account's address."""
    link = public_url("auth.confirm_email", token=token)
    with force_locale(user.locale):
        subject = _("Confirm your e-mail address")
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=user.name),
                _("Please confirm that this is your e-mail address by opening this link:"),
                link,
                _(
                    "The link works for %(days)d days. You can wish for films and plan your visits "
                    "once your address is confirmed.",
                    days=tokens.CONFIRM_MAX_AGE.days,
                )
                if user.roles == {Role.VISITOR}
                else _(
                    "The link works for %(days)d days. You can prepare entries already; you need a "
                    "confirmed address to submit them.",
                    days=tokens.CONFIRM_MAX_AGE.days,
                ),
                _("If you did not create an account, ignore this message."),
            ]
        )
    return send_mail(to=user.email, subject=subject, body=body, kind="confirm_email")


def send_password_reset(user: User, token: str) -> OutboxMail:
    """Mail a single-use link to choose a new password."""
    link = public_url("auth.reset_password", token=token)
    with force_locale(user.locale):
        subject = _("Choose a new password")
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=user.name),
                _(
                    "Someone (probably you) asked to reset the password of your account. "
                    "Open this link to choose a new one:"
                ),
                link,
                _(
                    "The link works once, for %(hours)d hour(s). If you did not ask for it, ignore this "
                    "message: your password stays as it is.",
                    hours=_hours(tokens.RESET_MAX_AGE),
                ),
            ]
        )
    return send_mail(to=user.email, subject=subject, body=body, kind="password_reset")


def send_already_registered(user: User) -> OutboxMail:
    """Tell an account's owner that someone tried to register with their address (maybe they forgot)."""
    login, reset = public_url("auth.login"), public_url("auth.request_reset")
    with force_locale(user.locale):
        subject = _("You already have an account")
        body = "\n\n".join(
            [
                _("Dear %(name)s,", name=user.name),
                _(
                    "Someone (probably you) tried to create an account with this e-mail address, which "
                    "has one already. Log in here:"
                ),
                login,
                _("If you have forgotten your password, choose a new one here:"),
                reset,
                _("If it was not you, ignore this message: nothing has changed."),
            ]
        )
    return send_mail(to=user.email, subject=subject, body=body, kind="already_registered")
