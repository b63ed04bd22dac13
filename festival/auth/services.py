"""Account rules: registration, authentication with lockout."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from festival.auth import mails, tokens
from festival.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from festival.extensions import db
from festival.models import User
from festival.models.enums import Role
from festival.models.types import utcnow

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# A real hash so that unknown e-mails take as long to check as known ones (no enumeration by timing).
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


class AccountError(ValueError):
    """A registration or login problem, with messages per form field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


class AccountLocked(Exception):
    """Too many failed logins; the account is locked for a while."""


def normalise_email(raw: str) -> str:
    """Return the canonical form of an e-mail address or raise AccountError."""
    try:
        info = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(
            {"email": [_("This is not a valid e-mail address: %(why)s", why=str(exc))]}
        ) from exc
    return info.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this (normalised) e-mail, or None."""
    return db.session.scalar(sa.select(User).where(User.email == email))


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.FILMMAKER,
    locale: str = "en",
    organisation: str | None = None,
    confirmed: bool = False,
) -> User:
    """Create an account after checking the e-mail and password; raises AccountError."""
    errors: dict[str, list[str]] = {}
    try:
        email = normalise_email(email)
    except AccountError as exc:
        errors.update(exc.errors)
    else:
        if find_user_by_email(email) is not None:
            errors["email"] = [_("An account with this e-mail address already exists.")]
    problems = password_problems(password, email=email, name=name)
    if problems:
        errors["password"] = problems
    if not name.strip():
        errors["name"] = [_("Please give your name.")]
    if errors:
        raise AccountError(errors)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        locale=locale,
        organisation=(organisation or "").strip() or None,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; counts failures and raises AccountLocked."""
    try:
        email = normalise_email(email)
    except AccountError:
        verify_password(_DUMMY_HASH, password)
        return None
    user = find_user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        raise AccountLocked()
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        db.session.flush()
        return None
    if not user.active:
        return None
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Change a user's password after the strength check; raises AccountError."""
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise AccountError({"password": problems})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.session.flush()


# ---------------------------------------------------------------- e-mail confirmation and password reset


def send_confirmation(user: User) -> None:
    """Mail the account a signed link confirming its address (valid CONFIRM_MAX_AGE)."""
    mails.send_confirmation(user, tokens.confirmation_token(user))


def confirm_email(token: str) -> tuple[User, bool]:
    """Mark the address of the token's account confirmed; returns (user, newly confirmed).

    A link used a second time changes nothing. Raises tokens.TokenExpired or tokens.TokenInvalid.
    """
    user = tokens.user_for_confirmation(token)
    if user.email_confirmed_at is not None:
        return user, False
    user.email_confirmed_at = utcnow()
    db.session.flush()
    return user, True


def request_password_reset(email: str) -> None:
    """Mail a reset link when an active account has this address; otherwise do nothing.

    The caller shows the same answer either way, so the form does not reveal who has an account.
    """
    try:
        address = normalise_email(email)
    except AccountError:
        return
    user = find_user_by_email(address)
    if user is None or not user.active:
        return
    mails.send_password_reset(user, tokens.reset_token(user))


def reset_password(token: str, password: str) -> User:
    """Set a new password with a reset token, which can then not be used again.

    Also unlocks the account and confirms the address (the link proved the mailbox). Raises
    tokens.TokenExpired, tokens.TokenInvalid (forged or already used) and AccountError (weak password).
    """
    user = tokens.user_for_reset(token)
    set_password(user, password)
    user.failed_logins = 0
    user.locked_until = None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user
