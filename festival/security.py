"""Login wiring, role checks and the security headers every response carries."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from festival.extensions import login_manager
from festival.models.enums import Role

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def roles_required(*roles: Role | str):
    """View decorator: 401 for anonymous visitors, 403 for users without one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def show_as_anonymous() -> None:
    """Render the rest of this request for an anonymous visitor, leaving the session alone: the error
    page of a lost database, which can no longer read the user's row (a rolled-back session expires
    it). Flask-Login keeps the request's user in ``g._login_user``."""
    g._login_user = login_manager.anonymous_user()


def _has_nul(multidict) -> bool:
    return any("\x00" in key or "\x00" in str(value) for key, value in multidict.items(multi=True))


def reject_nul_characters():
    """400 for a NUL character in the path or the query string: no database stores it (PostgreSQL
    refuses it outright) and no link of the site contains one. Form fields are cleaned instead,
    so nothing typed is lost (festival.formtools.CleanForm, the base of every form)."""
    if "\x00" in request.path or _has_nul(request.args):
        abort(400)


def init_security(app: Flask) -> None:
    """Configure Flask-Login, refuse NUL characters and add security headers."""
    app.before_request(reject_nul_characters)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # the user loader is the auth area's: the id in the cookies is the token of a server-side session
    # (festival.auth.sessions), wired when the area registers

    hsts = f"max-age={app.config['HSTS_SECONDS']}" if app.config["HSTS_SECONDS"] else None

    @app.after_request
    def security_headers(response):
        if hsts:  # production: browsers keep to https for this host
            response.headers.setdefault("Strict-Transport-Security", hsts)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
