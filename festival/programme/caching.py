"""HTTP caching of the public programme: validators derived from the published version.

A page of the programme changes only when a new version is published (or the visitor changes
language or logs in), so its ETag hashes the published version's id and publication time with the
page address, the language and the visitor. A conditional request is answered 304 before any query
of the programme runs. HTML pages are ``private`` (they carry the visitor's session and CSRF token);
calendar files are the same for everyone and are ``public``.
"""

from __future__ import annotations

import hashlib
from datetime import date

from flask import Response, request
from flask_babel import get_locale
from flask_login import current_user

from festival.models import TimetableVersion

HTML_MAX_AGE = 300
FILE_MAX_AGE = 900


def etag_for(version: TimetableVersion, *, per_visitor: bool = True, today: date | None = None) -> str:
    """A strong validator for the current request's page of this published version.

    ``today`` is given by pages whose content depends on the date (the programme opens on today)."""
    parts = [
        str(version.id),
        version.published_at.isoformat() if version.published_at else "",
        request.full_path,
        today.isoformat() if today else "",
    ]
    if per_visitor:
        user = current_user.get_id() if current_user.is_authenticated else "-"
        parts += [str(get_locale()), user]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def not_modified(version: TimetableVersion, etag: str, *, public: bool = False) -> Response | None:
    """A 304 response when the client's copy is current, else None."""
    fresh = etag in request.if_none_match if request.if_none_match else False
    if not request.if_none_match and request.if_modified_since and version.published_at:
        fresh = version.published_at.replace(microsecond=0) <= request.if_modified_since
    if not fresh:
        return None
    response = Response(status=304)
    return finish(response, version, etag, public=public)


def finish(response: Response, version: TimetableVersion, etag: str, *, public: bool) -> Response:
    """Add the cache headers to a programme response."""
    response.set_etag(etag)
    if version.published_at:
        response.last_modified = version.published_at.replace(microsecond=0)
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = f"{scope}, max-age={FILE_MAX_AGE if public else HTML_MAX_AGE}"
    response.vary.update(("Accept-Language", "Cookie") if not public else ())
    return response
