"""HTTP caching of the public programme: validators derived from the published version.

A page of the programme changes only when a new version is published (or the visitor changes
language or logs in), so its ETag hashes the published version's id and publication time with the
page address, the language and the visitor. The address is the page's canonical one
(``canonical_address``): only the query arguments the page reads, as it understood them, so a junk
query string (``?x=1``, ``?day=nonsense``) shares the page's entry instead of bypassing the cache.
A conditional request is answered 304 before any query of the programme runs. HTML pages
are ``private`` (a logged-in visitor's carry their name and CSRF token); calendar files are the same
for everyone and are ``public``.

Anonymous visitors' pages carry nothing of the visitor (the language switch is a link, there is no
form to protect), so whole rendered pages are kept per (version, address, language): a busy public
page costs two lookups and no rendering.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlencode

from flask import Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from festival.models import TimetableVersion

HTML_MAX_AGE = 300
FILE_MAX_AGE = 900


def canonical_address(params: dict[str, object] | None = None) -> str:
    """This page's address with only the query arguments it reads, normalised by the caller (unknown or
    malformed values given as None): the key of its caches and validators, and where the language
    switch leads back to (``g.page_address``)."""
    query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v not in (None, "")))
    g.page_address = request.path + ("?" + query if query else "")
    return g.page_address


def etag_for(
    version: TimetableVersion,
    address: str,
    *,
    per_visitor: bool = True,
    today: date | None = None,
    depends_on: tuple = (),
) -> str:
    """A strong validator for the page at ``address`` (canonical_address) of this published version.

    ``today`` is given by pages whose content depends on the date (the programme opens on today),
    ``depends_on`` by pages that show more than the version (the list of editions, the site's address)."""
    parts = [
        str(version.id),
        version.published_at.isoformat() if version.published_at else "",
        address,
        today.isoformat() if today else "",
        repr(depends_on),
    ]
    if per_visitor:
        user = current_user.get_id() if current_user.is_authenticated else "-"
        parts += [str(get_locale()), user]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def last_modified(version: TimetableVersion, changed: datetime | None = None) -> datetime | None:
    """A page's Last-Modified, to the second: the publication, or ``changed`` when later (what else the
    page shows changed since: the edition's events, ``Edition.events_changed_at``)."""
    moments = [m for m in (version.published_at, changed) if m is not None]
    return max(moments).replace(microsecond=0) if moments else None


def not_modified(
    version: TimetableVersion, etag: str, *, public: bool = False, changed: datetime | None = None
) -> Response | None:
    """A 304 response when the client's copy is current, else None. Without If-None-Match, a copy is
    current when it is as new as ``last_modified(version, changed)``."""
    fresh = etag in request.if_none_match if request.if_none_match else False
    stamp = last_modified(version, changed)
    if not request.if_none_match and request.if_modified_since and stamp is not None:
        fresh = stamp <= request.if_modified_since
    if not fresh:
        return None
    response = Response(status=304)
    return finish(response, version, etag, public=public, changed=changed)


def finish(
    response: Response, version: TimetableVersion, etag: str, *, public: bool, changed: datetime | None = None
) -> Response:
    """Add the cache headers to a programme response (``changed`` as in ``last_modified``)."""
    response.set_etag(etag)
    stamp = last_modified(version, changed)
    if stamp is not None:
        response.last_modified = stamp
    scope = "public" if public else "private"
    response.headers["Cache-Control"] = f"{scope}, max-age={FILE_MAX_AGE if public else HTML_MAX_AGE}"
    response.vary.update(("Accept-Language", "Cookie") if not public else ())
    return response


# ---------------------------------------------------------------- rendered fragments and pages
#
# A published version never changes, so what is derived from it (the days with screenings, the
# rendered content of a day or film page in one language, an anonymous visitor's whole page) is kept
# in a small in-process LRU, keyed by the version's id and publication time: a new publication makes
# new keys and the old ones age out. Each gunicorn worker keeps its own copy; for logged-in visitors
# the site layout around a fragment is still rendered per request (it carries their name and CSRF
# token).

FRAGMENT_CACHE_SIZE = 512
_fragments: OrderedDict[tuple, object] = OrderedDict()
_fragments_lock = threading.Lock()


def cached(version: TimetableVersion, key: tuple, compute: Callable[[], object]) -> object:
    """The value of ``compute()`` for this published version and key, computed once per worker."""
    full_key = (version.id, version.published_at.isoformat() if version.published_at else "", *key)
    with _fragments_lock:
        if full_key in _fragments:
            _fragments.move_to_end(full_key)
            return _fragments[full_key]
    value = compute()
    with _fragments_lock:
        _fragments[full_key] = value
        while len(_fragments) > FRAGMENT_CACHE_SIZE:
            _fragments.popitem(last=False)
    return value


def cached_fragment(version: TimetableVersion, address: str, render: Callable[[], str]) -> Markup:
    """The rendered content of the page at ``address`` in this language for a published version."""
    return cached(version, ("page", address, str(get_locale())), lambda: Markup(render()))  # noqa: S704 (autoescaped template output)


def _shareable() -> bool:
    """True when the page is the same for every anonymous visitor in this language: not logged in
    and no flashed message waiting in the session (it is shown by the next page rendered)."""
    return not current_user.is_authenticated and "_flashes" not in session


def page(
    version: TimetableVersion,
    address: str,
    render: Callable[[], str],
    *,
    today: date | None = None,
    depends_on: tuple = (),
) -> Response:
    """The page at ``address`` as a response: for anonymous visitors the whole page rendered once per
    published version, address and language (and ``depends_on``, as in ``etag_for``); for others
    rendered now (it carries their session)."""
    if not _shareable():
        return Response(render(), mimetype="text/html")
    key = ("html", address, str(get_locale()), today.isoformat() if today else "", depends_on)
    body = cached(version, key, lambda: render().encode())
    return Response(body, mimetype="text/html")


def clear_fragments() -> None:
    """Forget every cached fragment (tests)."""
    with _fragments_lock:
        _fragments.clear()


def for_a_while(name: str, seconds: float, compute: Callable[[], object]) -> object:
    """The value of ``compute()``, kept by this process for ``seconds`` (for what is not tied to
    one published version, such as the list of editions with a programme)."""
    store = current_app.extensions.setdefault("festival.programme.for_a_while", {})
    now = time.monotonic()
    until, value = store.get(name, (0.0, None))
    if until <= now:
        value = compute()
        store[name] = (now + seconds, value)
    return value


# ---------------------------------------------------------------- cross-origin reading

READ_METHODS = "GET, HEAD, OPTIONS"


def allow_any_origin(response: Response) -> Response:
    """Let scripts on any site read this public response (CORS), with its validators and links.

    Only for what anyone may read without logging in: no cookie is sent or honoured cross-origin
    (no ``Access-Control-Allow-Credentials``)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = READ_METHODS
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since, Accept-Language"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
