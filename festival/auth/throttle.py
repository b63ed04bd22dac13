"""Login limits that neither reveal accounts nor let a stranger lock a user out.

Three limits guard the login form (Flask-Limiter, in Redis when REDIS_URL is set, so across workers):

- per client address: CLIENT_LIMIT posts, whatever their outcome;
- per e-mail address, for clients that address has not logged in from: ADDRESS_LIMIT failed logins.
  It counts addresses with and without an account alike, so its answer tells nothing about either;
- per known device: a client that logged in successfully carries a signed device cookie (OWASP's
  "device cookies"); for the addresses it lists, the address limit does not apply and the device has
  DEVICE_LIMIT failed logins of its own. So five wrong passwords from a stranger shut the stranger
  out, while the owner still logs in from their usual browser.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from flask import Response, current_app, flash, g, render_template, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from festival.auth.forms import LoginForm
from festival.auth.services import AccountError, normalise_email

log = logging.getLogger("festival.auth")
CLIENT_LIMIT = "20 per minute"
ADDRESS_LIMIT = "5 per 15 minutes"
DEVICE_LIMIT = "5 per 15 minutes"
DEVICE_COOKIE = "festival_device"
DEVICE_SALT = "festival.auth.device"
DEVICE_MAX_AGE = timedelta(days=365)
DEVICE_USERS = 5  # addresses one device cookie remembers (a shared office computer)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _normalised(raw: str | None) -> str:
    try:
        return normalise_email(raw or "")
    except AccountError:
        return (raw or "").strip().lower()


def _digest(address: str) -> str:
    """A keyed digest of an address: the cookie and the limit store never hold the address itself."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def _posted_digest() -> str:
    return _digest(_normalised(request.form.get("email")))


def _device() -> dict | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(DEVICE_MAX_AGE.total_seconds()))
    except BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("d"), str)
        or not isinstance(data.get("u"), list)
    ):
        return None
    return data


def trusted_device() -> bool:
    """True when this client holds a device cookie from a successful login of the posted address."""
    device = _device()
    return device is not None and _posted_digest() in device["u"]


def untrusted_device() -> bool:
    """The opposite of ``trusted_device`` (the device limit applies only to known devices)."""
    return not trusted_device()


def address_key() -> str:
    """Limit key: the posted e-mail address (hashed)."""
    return "login-address:" + _posted_digest()


def device_key() -> str:
    """Limit key: the device cookie's id."""
    device = _device()
    return "login-device:" + (device["d"] if device else "none")


def note_failure() -> None:
    """Mark this request's login as failed (the address and device limits count it) and log it: the client's
    address and the digest of the e-mail address tried (never the address itself: it may be a typo of a
    password, or someone else's)."""
    g.login_failed = True
    log.warning("failed login: address digest %s from %s", _posted_digest()[:12], request.remote_addr)


def failed(response: Response) -> bool:
    """Flask-Limiter's deduct_when: only failed logins count towards the address and device limits."""
    return bool(g.get("login_failed"))


def locked_out(limit) -> Response:
    """The answer once an address or device limit is reached: the same for every address."""
    which = getattr(limit, "limit", limit)
    log.warning("login refused by a limit (%s): address digest %s from %s", which, _posted_digest()[:12],
                request.remote_addr)  # fmt: skip
    flash(
        _(
            "Too many failed logins with this address. Please wait 15 minutes and try again, or log in "
            "from a browser you have used before."
        ),
        "error",
    )
    return Response(render_template("auth/login.html", form=LoginForm()), status=429)


def remember_device(response: Response, email: str) -> None:
    """Set or extend the device cookie after a successful login of ``email``."""
    device = _device() or {"d": secrets.token_urlsafe(16), "u": []}
    digest = _digest(email)
    users = [digest, *(u for u in device["u"] if u != digest)][:DEVICE_USERS]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps({"d": device["d"], "u": users}),
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        path="/auth/",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
