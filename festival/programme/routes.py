"""The public programme: no login, only the published timetable, cacheable, phone-friendly."""

from __future__ import annotations

from datetime import date, datetime

from flask import Response, abort, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from festival.labels import AUDIENCE_LABELS, FORMAT_LABELS
from festival.models import Edition, TimetableVersion
from festival.models.enums import Audience, FilmFormat, ImageKind
from festival.navigation import localized, public_url
from festival.programme import bp, caching, queries
from festival.programme.display import film_title
from festival.schedule import exports
from festival.schedule.grid import edition_theaters
from festival.submissions import uploads


def _programme() -> tuple[Edition, TimetableVersion]:
    """The edition asked for (?edition=slug, default the current one) and its published version, or 404."""
    edition, version = queries.public_programme(request.args.get("edition"))
    if version is None:
        abort(404)
    return edition, version


def _edition_arg(edition: Edition) -> dict[str, str]:
    """The ``edition`` argument as the page understood it (kept in its address when it was given)."""
    return {"edition": edition.slug} if request.args.get("edition") else {}


def _page(version: TimetableVersion, address: str, render, *, today: date | None = None) -> Response:
    """Answer 304 when the visitor's copy is current, else render and add the cache headers."""
    etag = caching.etag_for(version, address, today=today)
    cached = caching.not_modified(version, etag)
    if cached is not None:
        return cached
    return caching.finish(caching.page(version, address, render, today=today), version, etag, public=False)


def _ics(version: TimetableVersion, edition: Edition, screenings, name: str, filename: str) -> Response:
    etag = caching.etag_for(version, caching.canonical_address(_edition_arg(edition)), per_visitor=False)
    cached = caching.not_modified(version, etag, public=True)
    if cached is not None:
        return cached
    body = exports.calendar(
        edition, screenings, name=name, stamp=version.published_at,
        film_url=lambda e: public_url("programme.film", entry_id=e.id),
    )  # fmt: skip
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return caching.finish(response, version, etag, public=True)


@bp.route("/")
def index():
    edition, version = queries.public_programme(request.args.get("edition"))
    if version is None:
        return render_template("programme/none.html", edition=edition)
    asked = _asked_day(edition)
    theater_ids = caching.cached(
        version, ("theater ids",), lambda: frozenset(t.id for t in edition_theaters(edition))
    )
    filters = queries.Filters.from_args(request.args, theater_ids)
    address = caching.canonical_address({**_edition_arg(edition), "day": asked, **filters.args()})
    # without a day the page opens on today, so its validator changes at midnight
    today = datetime.now(edition.tz).date()
    depends_on_today = None if asked else today
    render = lambda: _render_day(edition, version, address, asked, filters, today)  # noqa: E731
    return _page(version, address, render, today=depends_on_today)


def _asked_day(edition: Edition) -> date | None:
    """The day asked for with ?day=, when it is a date of the edition's window."""
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if edition.first_day <= day <= edition.last_day else None


def _render_day(edition, version, address: str, asked: date | None, filters, today: date) -> str:
    """The day page: its content comes from the published version's fragment cache."""
    key = ("day", address, str(get_locale()), None if asked else today)
    day, content = caching.cached(version, key, lambda: _day_content(edition, version, asked, filters, today))
    return render_template("programme/index.html", edition=edition, day=day, content=content)


def _day_content(edition, version, asked: date | None, filters, today: date) -> tuple[date, Markup]:
    theaters = edition_theaters(edition)
    days = caching.cached(version, ("days",), lambda: queries.programme_days(version))
    day = asked or queries.default_day(edition, days, today)
    screenings = queries.day_screenings(version, edition, day, filters)
    content = render_template(
        "programme/_day.html",
        edition=edition,
        version=version,
        day=day,
        days=days,
        weeks=queries.group_days(days),
        screenings=screenings,
        filters=filters,
        theaters=theaters,
        formats=[(f.value, FORMAT_LABELS[f]) for f in FilmFormat],
        audiences=[(a.value, AUDIENCE_LABELS[a]) for a in Audience],
        format_labels=FORMAT_LABELS,
        previous_day=max((d for d in days if d < day), default=None),
        next_day=min((d for d in days if d > day), default=None),
    )
    return day, Markup(content)  # noqa: S704 (autoescaped template output)


@bp.route("/film/<int:entry_id>")
def film(entry_id: int):
    found = queries.film_in_programme(entry_id)
    if found is None:
        abort(404)
    entry, version = found
    address = caching.canonical_address()
    return _page(version, address, lambda: _render_film(entry, version, address))


def _render_film(entry, version: TimetableVersion, address: str) -> str:
    content = caching.cached_fragment(
        version,
        address,
        lambda: render_template(
            "programme/_film.html",
            edition=entry.edition,
            version=version,
            entry=entry,
            screenings=queries.film_screenings(version, entry),
            format_labels=FORMAT_LABELS,
            audience_labels=AUDIENCE_LABELS,
            poster_url=_poster_url(entry),
        ),
    )
    return render_template("programme/film.html", entry=entry, content=content)


def _poster(entry):
    return next((image for image in entry.images if image.kind == ImageKind.POSTER), None)


def _poster_url(entry) -> str | None:
    poster = _poster(entry)
    return url_for(".poster", entry_id=entry.id, variant="full") if poster is not None else None


@bp.route("/film/<int:entry_id>/poster/<any(full, thumb):variant>")
def poster(entry_id: int, variant: str):
    """The poster of a film in the published programme (other images stay private)."""
    found = queries.public_film(entry_id)
    image = _poster(found[0]) if found is not None else None
    if image is None:
        abort(404)
    return uploads.image_response(image, variant, public=True)


@bp.route("/film/<int:entry_id>.ics")
def film_ics(entry_id: int):
    found = queries.public_film(entry_id)
    if found is None:
        abort(404)
    entry, version, screenings = found
    return _ics(version, entry.edition, screenings, film_title(entry), f"film-{entry.id}.ics")


@bp.route("/screening/<int:screening_id>.ics")
def screening_ics(screening_id: int):
    found = queries.public_screening(screening_id)
    if found is None:
        abort(404)
    screening, version = found
    edition = screening.entry.edition
    name = film_title(screening.entry)
    return _ics(version, edition, [screening], name, f"screening-{screening.id}.ics")


@bp.route("/calendar.ics")
def calendar_ics():
    edition, version = _programme()
    screenings = queries.all_screenings(version)
    return _ics(version, edition, screenings, localized(edition, "name"), f"{edition.slug}-programme.ics")


@bp.route("/print")
def printable():
    edition, version = _programme()
    return _page(
        version,
        caching.canonical_address(_edition_arg(edition)),
        lambda: render_template(
            "programme/print.html",
            edition=edition,
            version=version,
            days=exports.programme_days(edition, queries.all_screenings(version)),
            format_labels=FORMAT_LABELS,
        ),
    )


@bp.route("/changes")
def changes():
    edition, version = _programme()
    address = caching.canonical_address(_edition_arg(edition))
    return _page(
        version, address, lambda: render_template("programme/changes.html", edition=edition, version=version)
    )
