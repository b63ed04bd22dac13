"""The public programme: no login, only the published timetable, cacheable, phone-friendly.

Every page has two addresses: ``/programme/<edition-slug>/...``, the edition's own (canonical)
address, and the short ``/programme/...`` for the site's current edition. Pages of one film or one
screening name their edition by the film, so their short address works for any edition. A
``?edition=<slug>`` on any page redirects to the edition's own address.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from festival import localtime
from festival.editions import asked_day
from festival.events import queries as events
from festival.events import registrations, speakers
from festival.extensions import db
from festival.handlers import attachment, post_button
from festival.labels import (
    AUDIENCE_LABELS,
    EVENT_KIND_LABELS,
    FORMAT_LABELS,
    REGISTRATION_LABELS,
    event_title,
    film_title,
)
from festival.models import Edition, Event, Speaker, TimetableVersion
from festival.models.edition import SLUG_PATTERN
from festival.models.enums import PUBLIC_EVENT_KINDS, Audience, FilmFormat, ImageKind
from festival.navigation import item_url, localized, public_url
from festival.programme import bp, caching, feeds, queries
from festival.schedule import exports
from festival.schedule.grid import edition_theaters
from festival.submissions import uploads

SLUG = SLUG_PATTERN  # anything else in an address cannot name an edition


def programme_route(rule: str, **options):
    """Register a view at ``/programme<rule>`` (the current edition: ``slug`` is None) and at
    ``/programme/<slug><rule>`` (the edition's own address)."""

    def register(view):
        bp.add_url_rule(rule, view_func=view, defaults={"slug": None}, **options)
        bp.add_url_rule(f"/<slug>{rule}", view_func=view, **options)
        return view

    return register


@bp.before_request
def _edition_in_the_address():
    """``?edition=<slug>`` (the old way to name an edition) redirects to the edition's own address."""
    slug = request.args.get("edition")
    if slug is None or request.endpoint is None or request.method not in ("GET", "HEAD"):
        return None
    if not SLUG.fullmatch(slug):
        abort(404)
    # the address's own parts win over a query argument of the same name (?entry_id=... on a film page)
    args = {k: v for k, v in request.args.lists() if k != "edition" and k not in (request.view_args or {})}
    return redirect(url_for(request.endpoint, **{**(request.view_args or {}), "slug": slug}, **args), 301)


def _programme(slug: str | None) -> tuple[Edition, TimetableVersion]:
    """The edition named in the address (default the current one) and its published version, or 404."""
    edition, version = queries.public_programme(slug)
    if version is None:
        abort(404)
    return edition, version


def _page(
    version: TimetableVersion,
    address: str,
    render,
    *,
    today: date | None = None,
    depends_on: tuple = (),
    changed: datetime | None = None,
) -> Response:
    """Answer 304 when the visitor's copy is current, else render and add the cache headers.

    ``address`` is the page's canonical_address: the query arguments it reads, normalised;
    ``changed``: when what else it shows last changed (caching.last_modified)."""
    etag = caching.etag_for(version, address, today=today, depends_on=depends_on)
    cached = caching.not_modified(version, etag, changed=changed)
    if cached is not None:
        return cached
    response = caching.page(version, address, render, today=today, depends_on=depends_on)
    return caching.finish(response, version, etag, public=False, changed=changed)


def _public_file(
    version: TimetableVersion,
    build,
    mimetype: str,
    *,
    query: dict | None = None,
    depends_on=(),
    shared=False,
    changed: datetime | None = None,
):
    """A file that is the same for everyone (calendar, feed): validators, 304, public caching;
    ``query`` holds the query arguments it reads, normalised; ``shared`` files may also be read by
    scripts of other sites (CORS)."""
    address = caching.canonical_address(query)
    etag = caching.etag_for(version, address, per_visitor=False, depends_on=depends_on)
    response = caching.not_modified(version, etag, public=True, changed=changed)
    if response is None:
        response = Response(build(), mimetype=mimetype)
        response = caching.finish(response, version, etag, public=True, changed=changed)
    return caching.allow_any_origin(response) if shared else response


def _ics(
    version: TimetableVersion, edition: Edition, screenings, name: str, filename: str, public_events=None
) -> Response:
    """A calendar file of screenings (and, given ``public_events``, of events; then it follows them)."""

    def build() -> bytes:
        return exports.calendar(
            edition, screenings(), name=name, stamp=version.published_at,
            film_url=lambda e: item_url(e, slug=edition.slug),
            events=public_events() if public_events else (),
            event_url=lambda e: public_url("programme.event", slug=edition.slug, event_id=e.id),
        )  # fmt: skip

    stamp = queries.events_stamp(edition) if public_events else ()
    changed = edition.events_changed_at if public_events else None
    response = _public_file(version, build, "text/calendar", depends_on=stamp, changed=changed)
    if response.status_code == 200:
        response.headers["Content-Disposition"] = attachment(filename)
    return response


@programme_route("/")
def index(slug: str | None):
    edition, version = queries.public_programme(slug)
    if edition is None and slug is not None:
        abort(404)
    editions = queries.editions_on_offer()  # the switcher's list: the page depends on it
    if version is None:
        return render_template("programme/none.html", edition=edition, editions=editions)
    asked = asked_day(edition, request.args.get("day"))
    ids, cities = caching.cached(version, ("theater ids and cities",), lambda: _places(edition))
    filters = queries.Filters.from_args(request.args, ids, cities)
    address = caching.canonical_address({"day": asked, **filters.args()})
    # without a day the page opens on today, so its validator changes at midnight
    today = localtime.today(edition)
    # the events shown beside the screenings change without a publication
    stamp = queries.events_stamp(edition)
    return _page(
        version,
        address,
        lambda: _render_day(edition, version, address, asked, filters, today, editions, stamp),
        today=None if asked else today,
        depends_on=(editions, stamp),
        changed=edition.events_changed_at,
    )


def _places(edition: Edition) -> tuple[frozenset[int], tuple[str, ...]]:
    """The ids of the edition's theaters and its city keys: what the filters may ask for."""
    theaters = edition_theaters(edition)
    return frozenset(t.id for t in theaters), tuple(queries.cities_of(theaters))


def _render_day(
    edition, version, address: str, asked: date | None, filters, today: date, editions, stamp: tuple
) -> str:
    """The day page: its content comes from the published version's fragment cache."""
    key = ("day", address, str(get_locale()), None if asked else today, stamp)
    day, content = caching.cached(version, key, lambda: _day_content(edition, version, asked, filters, today))
    canonical = public_url("programme.index", slug=edition.slug, day=asked.isoformat() if asked else None)
    return render_template(
        "programme/index.html",
        edition=edition,
        day=day,
        content=content,
        editions=editions,
        canonical=canonical,
    )


def _day_content(edition, version, asked: date | None, filters, today: date) -> tuple[date, Markup]:
    theaters = edition_theaters(edition)
    days = caching.cached(version, ("days",), lambda: queries.programme_days(version))
    day = asked or queries.default_day(edition, days, today)
    screenings = queries.day_screenings(version, edition, day, filters)
    day_events = queries.day_events(edition, day, filters)
    items = sorted(
        [("screening", s.start, s) for s in screenings] + [("event", e.start, e) for e in day_events],
        key=lambda item: item[1],
    )
    content = render_template(
        "programme/_day.html",
        edition=edition,
        version=version,
        day=day,
        days=days,
        weeks=queries.group_days(days),
        screenings=screenings,
        items=items,
        filters=filters,
        theaters=theaters,
        cities=queries.cities_of(theaters),
        several_venues=len({t.venue_id for t in theaters}) > 1,
        kinds=[(queries.SCREENING, _("Screenings"))]
        + [(k.value, EVENT_KIND_LABELS[k]) for k in PUBLIC_EVENT_KINDS],
        formats=[(f.value, FORMAT_LABELS[f]) for f in FilmFormat],
        audiences=[(a.value, AUDIENCE_LABELS[a]) for a in Audience],
        format_labels=FORMAT_LABELS,
        public_films=queries.public_films,
        previous_day=max((d for d in days if d < day), default=None),
        next_day=min((d for d in days if d > day), default=None),
    )
    return day, Markup(content)  # noqa: S704 (autoescaped template output)


@programme_route("/film/<int:entry_id>")
def film(slug: str | None, entry_id: int):
    found = queries.film_in_programme(entry_id, slug)
    if found is None:
        abort(404)
    entry, version = found
    address = caching.canonical_address()
    notes = film_notes(entry)
    return _page(version, address, lambda: _render_film(entry, version, address, notes), depends_on=notes)


FILM_NOTES = "festival.film_notes"


def add_film_note(app, note) -> None:
    """Have ``note(entry)`` (a tuple of short texts in the current language, e.g. the awards the film won)
    shown at the top of film pages; a page's cached copy changes with its notes."""
    app.extensions.setdefault(FILM_NOTES, []).append(note)


def film_notes(entry) -> tuple[str, ...]:
    return tuple(text for note in current_app.extensions.get(FILM_NOTES, ()) for text in note(entry))


def _render_film(entry, version: TimetableVersion, address: str, notes: tuple[str, ...] = ()) -> str:
    screenings = queries.film_screenings(version, entry)
    content = caching.cached_fragment(
        version,
        address,
        lambda: render_template(
            "programme/_film.html",
            edition=entry.edition,
            version=version,
            entry=entry,
            screenings=screenings,
            cities=queries.film_cities(screenings),
            format_labels=FORMAT_LABELS,
            audience_labels=AUDIENCE_LABELS,
            poster_url=_poster_url(entry),
        ),
    )
    canonical = public_url("programme.film", slug=entry.edition.slug, entry_id=entry.id)
    return render_template(
        "programme/film.html", entry=entry, content=content, canonical=canonical, notes=notes
    )


def _poster(entry):
    return next((image for image in entry.images if image.kind == ImageKind.POSTER), None)


def _poster_url(entry) -> str | None:
    poster = _poster(entry)
    if poster is None:
        return None
    return url_for(".poster", slug=entry.edition.slug, entry_id=entry.id, variant="full")


@programme_route("/shorts/<int:programme_id>")
def shorts(slug: str | None, programme_id: int):
    """A shorts programme's page: its films in screening order (with their running times) and its
    screenings."""
    found = queries.public_shorts(programme_id, slug)
    if found is None:
        abort(404)
    programme, version, screenings = found
    address = caching.canonical_address()

    def render() -> str:
        content = caching.cached_fragment(
            version,
            address,
            lambda: render_template(
                "programme/_shorts.html",
                edition=programme.edition,
                programme=programme,
                films=queries.public_films(screenings[0]),
                screenings=screenings,
                format_labels=FORMAT_LABELS,
            ),
        )
        canonical = public_url("programme.shorts", slug=programme.edition.slug, programme_id=programme.id)
        return render_template(
            "programme/shorts.html", programme=programme, content=content, canonical=canonical
        )

    return _page(version, address, render)


@programme_route("/film/<int:entry_id>/poster/<any(full, thumb):variant>")
def poster(slug: str | None, entry_id: int, variant: str):
    """The poster of a film in the published programme (other images stay private)."""
    found = queries.public_film(entry_id, slug)
    image = _poster(found[0]) if found is not None else None
    if image is None:
        abort(404)
    return uploads.image_response(image, variant, public=True)


@programme_route("/film/<int:entry_id>.ics")
def film_ics(slug: str | None, entry_id: int):
    found = queries.public_film(entry_id, slug)
    if found is None:
        abort(404)
    entry, version, screenings = found
    return _ics(version, entry.edition, lambda: screenings, film_title(entry), f"film-{entry.id}.ics")


@programme_route("/screening/<int:screening_id>.ics")
def screening_ics(slug: str | None, screening_id: int):
    found = queries.public_screening(screening_id, slug)
    if found is None:
        abort(404)
    screening, version = found
    edition = db.session.get(Edition, version.edition_id)
    name = film_title(screening.item)
    return _ics(version, edition, lambda: [screening], name, f"screening-{screening.id}.ics")


@programme_route("/calendar.ics")
def calendar_ics(slug: str | None):
    edition, version = _programme(slug)
    screenings = functools.partial(queries.all_screenings, version)  # read only when not cached
    public_events = functools.partial(events.public_events, edition)
    name, filename = localized(edition, "name"), f"{edition.slug}-programme.ics"
    return _ics(version, edition, screenings, name, filename, public_events=public_events)


@programme_route("/print")
def printable(slug: str | None):
    edition, version = _programme(slug)
    return _page(
        version,
        caching.canonical_address(),
        lambda: render_template(
            "programme/print.html",
            edition=edition,
            version=version,
            days=exports.programme_days(edition, queries.all_screenings(version)),
            format_labels=FORMAT_LABELS,
        ),
    )


@programme_route("/changes")
def changes(slug: str | None):
    edition, version = _programme(slug)
    render = lambda: render_template("programme/changes.html", edition=edition, version=version)  # noqa: E731
    return _page(version, caching.canonical_address(), render)


# ---------------------------------------------------------------- feeds for apps


def _default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _feed_language() -> str:
    """The feed's language: ``?lang=zh`` or ``?lang=en``; English otherwise (a feed is the same for
    everyone at one address, whatever the app's settings)."""
    lang = request.args.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else _default_language()


def _schedule(slug: str | None, kind: str, mimetype: str, serialize) -> Response:
    edition, version = _programme(slug)
    # every link from PUBLIC_BASE_URL, never from the request's Host header (the feed is cached and shared)
    language, base_url = _feed_language(), public_url("main.index")
    lang = None if language == _default_language() else language

    def compute() -> bytes:
        conference, days = feeds.edition_schedule(
            edition, version, language=language, base_url=base_url,
            programme_url=public_url("programme.index", slug=edition.slug),
            feed_url=public_url(f"programme.schedule_{kind}", slug=edition.slug, lang=lang),
            film_url=lambda e: item_url(e, slug=edition.slug),
            event_url=lambda e: public_url("programme.event", slug=edition.slug, event_id=e.id),
        )  # fmt: skip
        return serialize(conference, days)

    stamp = queries.events_stamp(edition)  # public events change without a publication
    build = functools.partial(caching.cached, version, ("schedule", kind, language, base_url, stamp), compute)
    return _public_file(
        version, build, mimetype, query={"lang": lang}, depends_on=(base_url, stamp), shared=True,
        changed=edition.events_changed_at,
    )  # fmt: skip


@programme_route("/schedule.xml")
def schedule_xml(slug: str | None):
    """The programme in frab's ``schedule.xml`` format, for conference and festival apps."""
    return _schedule(slug, "xml", "application/xml", feeds.schedule_xml)


@programme_route("/schedule.json")
def schedule_json(slug: str | None):
    """The programme in c3voc's ``schedule.json`` format, for conference and festival apps."""
    return _schedule(slug, "json", "application/json", lambda c, d: _json_bytes(feeds.schedule_json(c, d)))


def _json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


# ---------------------------------------------------------------- events


def _public_event(slug: str | None, event_id: int) -> tuple[Event, Edition]:
    """A public event with a time (of the edition named in the address, when one is), or 404."""
    event = events.public_event(event_id, slug)
    if event is None:
        abort(404)
    edition = db.session.get(Edition, event.edition_id)
    return event, edition


@programme_route("/event/<int:event_id>")
def event(slug: str | None, event_id: int):
    """An event's page: what, when, where, who speaks, and registration (the visitor's own place)."""
    event, edition = _public_event(slug, event_id)
    registration = None
    if current_user.is_authenticated:
        registration = registrations.registration_of(event, current_user)
    return render_template(
        "programme/event.html",
        event=event,
        edition=edition,
        speakers=events.confirmed_speakers(event),
        registration=registration,
        waiting_position=registrations.waiting_position(registration) if registration else None,
        registration_labels=REGISTRATION_LABELS,
        audience_labels=AUDIENCE_LABELS,
        canonical=public_url("programme.event", slug=edition.slug, event_id=event.id),
    )


@programme_route("/event/<int:event_id>.ics")
def event_ics(slug: str | None, event_id: int):
    """The event as a calendar file (updated in place when the event moves: its UID stays)."""
    event, edition = _public_event(slug, event_id)
    calendar = exports.calendar(
        edition, [], name=event_title(event), stamp=None, events=[event],
        event_url=lambda e: public_url("programme.event", slug=edition.slug, event_id=e.id),
    )  # fmt: skip
    response = Response(calendar, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}.ics"'
    return response


@programme_route("/event/<int:event_id>/register", methods=["POST"])
@login_required
def register(slug: str | None, event_id: int):
    """Take a seat at the event, or a place on its waiting list."""
    event, edition = _public_event(slug, event_id)
    back = url_for("programme.event", slug=edition.slug, event_id=event.id)

    def success(registration) -> None:
        if registration.status == registrations.CONFIRMED:
            flash(_("You have a seat. The details are on their way by e-mail."), "success")
        else:
            flash(
                _("The event is full: you are on the waiting list. We write if a seat becomes free."),
                "success",
            )

    return post_button(None, lambda: registrations.register(event, current_user), success=success, back=back)


@programme_route("/event/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel_registration(slug: str | None, event_id: int):
    """Give up one's seat or waiting place (the seat goes to the first visitor waiting)."""
    event, edition = _public_event(slug, event_id)
    back = url_for("programme.event", slug=edition.slug, event_id=event.id)
    registration = registrations.registration_of(event, current_user)
    if registration is None:
        abort(404)
    act = lambda: registrations.cancel(registration)  # noqa: E731
    return post_button(None, act, success=_("Your registration is cancelled."), back=back)


@programme_route("/speaker/<int:speaker_id>")
def speaker(slug: str | None, speaker_id: int):
    """A speaker's page: their bio and photo, and their events in the edition's programme."""
    edition, _version = queries.public_programme(slug)
    person = db.session.get(Speaker, speaker_id)
    if edition is None or person is None:
        abort(404)
    speaking = events.speaker_events(person, edition)
    if not speaking:
        abort(404)
    return render_template(
        "programme/speaker.html", edition=edition, speaker=person, events=speaking,
        canonical=public_url("programme.speaker", slug=edition.slug, speaker_id=person.id),
    )  # fmt: skip


@programme_route("/speaker/<int:speaker_id>/photo/<any(full, thumb):variant>")
def speaker_photo(slug: str | None, speaker_id: int, variant: str):
    """A speaker's photo, public while they have a confirmed public event in the edition."""
    edition, _version = queries.public_programme(slug)
    person = db.session.get(Speaker, speaker_id)
    if (
        edition is None
        or person is None
        or not person.photo_name
        or not events.speaker_events(person, edition)
    ):
        abort(404)
    path = speakers.photo_path(person, variant)
    mime = "image/jpeg" if variant == "thumb" else person.photo_mime
    return uploads.file_response(path, mime, f"speaker-{person.id}{path.suffix}", public=True)
