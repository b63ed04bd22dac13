"""The read-only JSON API of the published programme: editions, venues, theaters, films, screenings.

Only GET (and HEAD, OPTIONS) is answered; every answer can be read by scripts on any site (CORS),
carries validators (ETag, Last-Modified) and answers conditional requests with 304; refusals are JSON
(errors.py; 404 and 405 come from festival.errors, which answers JSON under /api/). What an answer
says comes from the published version only (documents.py), kept per version by each process.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Blueprint, Response, request
from flask_babel import gettext as _

from festival import readonly
from festival.api import documents, params
from festival.api.errors import ApiError, NotFound, error_response
from festival.editions import current_edition
from festival.events import queries as event_queries
from festival.models import Edition, TimetableVersion
from festival.models.enums import EventKind, FilmFormat
from festival.navigation import public_url
from festival.programme import caching, queries

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PREFIX = "/api/"

bp.before_request(readonly.read_without_transaction)
bp.teardown_request(readonly.end_read)
bp.register_error_handler(ApiError, error_response)


@bp.after_app_request
def _readable_from_any_site(response: Response) -> Response:
    """Every answer under /api/, refusals included, may be read by a script on any site."""
    return caching.allow_any_origin(response) if request.path.startswith(PREFIX) else response


def _json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _response(body: bytes) -> Response:
    return Response(body, mimetype="application/json")


def _by_content(document: dict, *, last_modified=None) -> Response:
    """A small answer whose validator is a hash of its content (werkzeug answers the 304)."""
    response = _response(_json(document))
    response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.headers["Cache-Control"] = f"public, max-age={caching.HTML_MAX_AGE}"
    return response.make_conditional(request)


def _published(slug: str) -> tuple[Edition, TimetableVersion]:
    """The edition called ``slug`` and its published version. Raises NotFound."""
    edition, version = queries.public_programme(slug)
    if version is None:
        raise NotFound(_("No edition with a published programme is called %(slug)s.", slug=slug))
    return edition, version


def _from_programme(
    slug: str, key: tuple, answer: Callable[[dict[str, list[dict]]], tuple[dict, str | None]]
):
    """An answer read from the published version's lists (documents.programme).

    The validator is the version's, so a client's copy is answered 304 before anything is read.
    ``answer(lists)`` returns the document and, for a page of a list, the ``Link`` header; both are
    kept per version, site address and ``key`` (what the answer depends on: the parameters it read)."""
    edition, version = _published(slug)
    base_url = public_url("main.index")
    # the address as asked: the page of a list and its filters are in the query string
    etag = caching.etag_for(version, request.full_path, per_visitor=False, depends_on=(base_url,))
    response = caching.not_modified(version, etag, public=True)
    if response is not None:
        return response

    def build() -> tuple[bytes, str | None]:
        lists = caching.cached(
            version, ("api", base_url), lambda: documents.programme(edition, version, base_url)
        )
        document, link = answer(lists)
        return _json(document), link

    body, link = caching.cached(version, ("api", base_url, request.endpoint, key), build)
    response = caching.finish(_response(body), version, etag, public=True)
    if link:
        response.headers["Link"] = link
    return response


def _listing(slug: str, name: str, query: dict, keep: Callable[[dict], bool] = lambda row: True):
    """A page of one of the published version's lists, its rows filtered by ``keep``; ``query``
    holds the list's parameters as read (a parameter left out is None and not repeated in links)."""
    query = {k: v for k, v in query.items() if v is not None}
    asked = params.paging()

    def answer(lists: dict[str, list[dict]]) -> tuple[dict, str]:
        return documents.listing([row for row in lists[name] if keep(row)], asked, query)

    return _from_programme(slug, (tuple(sorted(query.items())), asked), answer)


@bp.get("/")
def index():
    """Where to start: the editions, and the current one."""
    current = current_edition()
    shown = current is not None and queries.published(current) is not None
    return _by_content(
        {
            "editions": public_url("api.editions"),
            "current_edition": public_url("api.edition", slug=current.slug) if shown else None,
        }
    )


@bp.get("/editions")
def editions():
    """Editions with a published programme, newest first."""
    rows = queries.published_editions()
    current = current_edition()
    docs = [documents.edition(e, v, current=current is not None and e.id == current.id) for e, v in rows]
    document, link = documents.listing(docs, params.paging(), {})
    latest = max((v.published_at for _e, v in rows if v.published_at), default=None)
    response = _by_content(document, last_modified=latest)
    response.headers["Link"] = link
    return response


@bp.get("/editions/<slug>")
def edition(slug: str):
    found, version = _published(slug)
    current = current_edition()
    document = documents.edition(found, version, current=current is not None and current.id == found.id)
    return _by_content(document, last_modified=version.published_at)


@bp.get("/editions/<slug>/venues")
def venues(slug: str):
    """The venues of the published programme, each with its theaters."""
    return _listing(slug, "venues", {})


@bp.get("/editions/<slug>/theaters")
def theaters(slug: str):
    """The theaters of the published programme; ``venue`` keeps one venue's."""
    venue = params.whole_number("venue")
    return _listing(slug, "theaters", {"venue": venue}, lambda t: venue is None or t["venue"]["id"] == venue)


@bp.get("/editions/<slug>/films")
def films(slug: str):
    """The accepted films of the published programme, by title; ``format`` keeps one format's."""
    fmt = params.choice("format", [f.value for f in FilmFormat])
    return _listing(slug, "films", {"format": fmt}, lambda f: fmt is None or f["format"] == fmt)


@bp.get("/editions/<slug>/films/<int:entry_id>")
def film(slug: str, entry_id: int):
    """One film of the published programme, with its screenings."""

    def answer(lists: dict[str, list[dict]]) -> tuple[dict, None]:
        found = next((f for f in lists["films"] if f["id"] == entry_id), None)
        if found is None:
            raise NotFound(_("Film %(id)d is not in this edition's published programme.", id=entry_id))
        shown = [s for s in lists["screenings"] if entry_id in {f["id"] for f in s["films"]}]
        return {**found, "screenings": shown}, None

    return _from_programme(slug, (entry_id,), answer)


@bp.get("/editions/<slug>/screenings")
def screenings(slug: str):
    """The published screenings in time order; ``day``, ``film``, ``theater`` and ``venue`` filter them."""
    day = params.day()
    query = {
        "day": day.isoformat() if day else None,
        "film": params.whole_number("film"),
        "theater": params.whole_number("theater"),
        "venue": params.whole_number("venue"),
    }
    ids = {part: value for part, value in query.items() if part != "day" and value is not None}

    def keep(s: dict) -> bool:
        # a shorts programme's screening is one of each of its films
        film = ids.get("film") is None or ids["film"] in {f["id"] for f in s["films"]}
        places = all(s[p]["id"] == v for p, v in ids.items() if p != "film")
        return (day is None or s["day"] == query["day"]) and film and places

    return _listing(slug, "screenings", query, keep)


@bp.get("/editions/<slug>/events")
def events(slug: str):
    """The public events (forum sessions, talks, ...) in time order; ``day`` and ``kind`` filter them.

    Events change without a publication (and their free seats with every registration), so the answer's
    validator is a hash of its content."""
    edition, _version = _published(slug)
    day = params.day()
    kind = params.choice("kind", [k.value for k in EventKind])
    base_url = public_url("main.index")
    rows = [
        documents.event(e, edition, base_url)
        for e in event_queries.public_events(edition)
        if (kind is None or e.kind.value == kind)
    ]
    rows = [r for r in rows if day is None or r["day"] == day.isoformat()]
    query = {
        k: v for k, v in {"day": day.isoformat() if day else None, "kind": kind}.items() if v is not None
    }
    document, link = documents.listing(rows, params.paging(), query)
    response = _by_content(document)
    response.headers["Link"] = link
    return response
