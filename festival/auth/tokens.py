"""Signed, expiring tokens for account e-mails: address confirmation and password reset.

Both are itsdangerous ``URLSafeTimedSerializer`` tokens signed with the app's SECRET_KEY, each with
its own salt so a token of one kind is never accepted as the other. A reset token also carries a
fingerprint of the current password hash: once the password changes (by that very token or any
other way) every earlier reset link stops working, which makes each link single-use.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from festival.extensions import db
from festival.models import User

CONFIRM_SALT = "festival.auth.confirm-email"
RESET_SALT = "festival.auth.reset-password"
CONFIRM_MAX_AGE = timedelta(days=3)
RESET_MAX_AGE = timedelta(hours=1)


class TokenInvalid(ValueError):
    """The link is damaged, forged, of the wrong kind, or no longer matches the account."""


class TokenExpired(TokenInvalid):
    """The link was genuine but is too old."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _password_fingerprint(user: User) -> str:
    """A short digest of the password hash and its change time; changes whenever the password does."""
    material = f"{user.password_hash}|{user.password_changed_at.isoformat()}".encode()
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, material, hashlib.sha256).hexdigest()[:24]


def _load(token: str, salt: str, max_age: timedelta) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as exc:
        raise TokenExpired("expired") from exc
    except BadSignature as exc:
        raise TokenInvalid("bad signature") from exc
    if not isinstance(data, dict):
        raise TokenInvalid("bad payload")
    return data


def _user(data: dict) -> User:
    user_id = data.get("uid")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise TokenInvalid("unknown account")
    return user


def confirmation_token(user: User) -> str:
    """A token confirming that ``user`` receives mail at their current address."""
    return _serializer(CONFIRM_SALT).dumps({"uid": user.id, "email": user.email})


def user_for_confirmation(token: str) -> User:
    """The account a confirmation token is for; raises TokenExpired or TokenInvalid."""
    data = _load(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    user = _user(data)
    if not hmac.compare_digest(str(data.get("email", "")), user.email):
        raise TokenInvalid("address changed")
    return user


def reset_token(user: User) -> str:
    """A token allowing one password change for ``user`` within RESET_MAX_AGE."""
    return _serializer(RESET_SALT).dumps({"uid": user.id, "pw": _password_fingerprint(user)})


def user_for_reset(token: str) -> User:
    """The account a reset token is for; raises TokenExpired, or TokenInvalid once it was used."""
    data = _load(token, RESET_SALT, RESET_MAX_AGE)
    user = _user(data)
    if not hmac.compare_digest(str(data.get("pw", "")), _password_fingerprint(user)):
        raise TokenInvalid("already used")
    return user
