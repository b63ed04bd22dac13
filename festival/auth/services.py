"""Account rules: registration, authentication, passwords (the login limits: festival.auth.throttle)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from festival.auth import mails, sessions, tokens
from festival.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import User
from festival.models.enums import Role
from festival.models.types import utcnow

# The roles anyone may take by signing up (every other role is granted by someone who holds it).
SELF_SERVICE_ROLES = (Role.FILMMAKER, Role.VISITOR)

# A real hash so that unknown e-mails take as long to check as known ones (no enumeration by timing).
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


class AccountError(InvalidInput):
    """A registration or login problem, with messages per form field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors=errors)


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
    roles: Iterable[Role] = (Role.FILMMAKER,),
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
        roles=set(roles),
        locale=locale,
        organisation=(organisation or "").strip() or None,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register_account(
    *,
    email: str,
    name: str,
    password: str,
    locale: str,
    organisation: str | None,
    kind: Role = Role.FILMMAKER,
) -> None:
    """Register a filmmaker (enters films) or a visitor (wishes, plans and votes: ``kind``) and mail them a
    confirmation link; raises AccountError for bad input (and for a kind anyone may not take).

    An address that has an account already gets a mail telling its owner instead, after the same work
    (a password hash, a mail), so the answer and its timing do not tell whether the address is known."""
    try:
        address = normalise_email(email)
    except AccountError:
        address = None
    if kind not in SELF_SERVICE_ROLES:
        raise AccountError({"kind": [_("Choose between a filmmaker's and a visitor's account.")]})
    existing = find_user_by_email(address) if address else None
    if existing is None:
        user = create_user(
            email=email,
            name=name,
            password=password,
            locale=locale,
            organisation=organisation,
            roles=(kind,),
        )
        send_confirmation(user)
        return
    problems = password_problems(password, email=address, name=name)
    errors = {"password": problems} if problems else {}
    if not name.strip():
        errors["name"] = [_("Please give your name.")]
    if errors:
        raise AccountError(errors)
    hash_password(password)  # as long as creating the account would take
    mails.send_already_registered(existing)


def authenticate(email: str, password: str) -> User | None:
    """The active user for these credentials, or None (the same work whether or not the address is known)."""
    try:
        email = normalise_email(email)
    except AccountError:
        verify_password(_DUMMY_HASH, password)
        return None
    user = find_user_by_email(email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def set_password(user: User, password: str, *, keep_current_session: bool = False) -> None:
    """Change a user's password after the strength check and end their sessions (all of them, or all but
    this browser's when the user changes their own); raises AccountError."""
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise AccountError({"password": problems})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    db.session.flush()
    sessions.end_sessions(user, except_current=keep_current_session)


def change_password(user: User, *, current: str, new: str) -> None:
    """The user's own password change: the current password first; the other sessions end.

    Raises AccountError (wrong current password, weak new one)."""
    if not verify_password(user.password_hash, current):
        raise AccountError({"current": [_("This is not your current password.")]})
    set_password(user, new, keep_current_session=True)


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

    Ends every session of the account and confirms the address (the link proved the mailbox). Raises
    tokens.TokenExpired, tokens.TokenInvalid (forged or already used) and AccountError (weak password).
    """
    user = tokens.user_for_reset(token)
    set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user
