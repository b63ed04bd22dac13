"""Header navigation by role and the bilingual labels templates need."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from festival.editions import current_edition
from festival.extensions import db
from festival.labels import ROLE_LABELS, city_label, role_labels, role_words
from festival.models import Edition, ShortsProgramme
from festival.models.enums import Role

PUBLIC = "public"


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    roles: tuple[str, ...]
    exclude: tuple[str, ...] = ()  # not shown to these roles (who have a fuller page of their own)


# Entries whose endpoint is not registered are skipped, so each area adds its own line here.
NAV: tuple[NavEntry, ...] = (
    NavEntry("programme.index", _l("Programme"), (PUBLIC,)),
    NavEntry("audience.my_plan", _l("My plan"), (PUBLIC,)),
    NavEntry("submissions.my_entries", _l("My entries"), (Role.FILMMAKER,)),
    NavEntry("review.my_queue", _l("Review"), (Role.CURATOR,)),
    NavEntry("submissions.staff_entries", _l("Entries"), (Role.STAFF,)),
    NavEntry("review.staff_overview", _l("Selection"), (Role.STAFF,)),
    NavEntry("venues.index", _l("Venues"), (Role.STAFF, Role.VENUE_MANAGER)),
    NavEntry("venues.timetable", _l("Venue timetable"), (Role.VENUE_MANAGER,), exclude=(Role.STAFF,)),
    NavEntry("events.index", _l("Events"), (Role.STAFF, Role.VENUE_MANAGER)),
    NavEntry("schedule.index", _l("Timetable"), (Role.STAFF,)),
    NavEntry("edition_admin.index", _l("Editions"), (Role.STAFF,)),
    NavEntry("people.index", _l("People"), (Role.STAFF,)),
    NavEntry("audience.staff_index", _l("Audience"), (Role.STAFF,)),
    NavEntry("admin.outbox", _l("Outbox"), (Role.ADMIN,)),
)


def nav_items() -> list[dict]:
    """Navigation links the current visitor may follow: the entries of any of their roles."""
    user = current_user if current_user.is_authenticated else None
    endpoints = current_app.view_functions
    items = []
    for entry in NAV:
        if entry.endpoint not in endpoints:
            continue
        if PUBLIC not in entry.roles and (user is None or not user.has_role(*entry.roles)):
            continue
        if entry.exclude and user is not None and user.has_role(*entry.exclude):
            continue
        items.append(
            {
                "url": url_for(entry.endpoint),
                "label": entry.label,
                "active": request.endpoint == entry.endpoint,
            }
        )
    return items


def home_url(user) -> str:
    """Where a user starts: the first page of their roles in the header's order (a filmmaker's entries,
    a curator's review queue, staff's entries), else the home page."""
    endpoints = current_app.view_functions
    for entry in NAV:
        if PUBLIC not in entry.roles and entry.endpoint in endpoints and user.has_role(*entry.roles):
            return url_for(entry.endpoint)
    return url_for("main.index")


def local_target(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page (no open redirects).

    Browsers read a backslash as a slash, so "/\\evil.example" would leave the site too."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.index")


def public_url(endpoint: str, **values) -> str:
    """The absolute address of a page for mails and calendar files, built from PUBLIC_BASE_URL.

    Never from the request: its Host header is whatever the client sent, so a forged one would
    put another site into a password-reset link. Works outside requests too (commands, jobs)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def item_url(item, **values) -> str:
    """The public page (``public_url``) of what a screening shows: a film's page, or a shorts
    programme's (the page that lists its films)."""
    if isinstance(item, ShortsProgramme):
        return public_url("programme.shorts", programme_id=item.id, **values)
    return public_url("programme.film", entry_id=item.id, **values)


def edition_name(edition: Edition | None) -> str:
    """The edition's name in the visitor's language."""
    return _localized_name(_names(edition))


def _names(edition: Edition | None) -> tuple[str, str | None] | None:
    return (edition.name, edition.name_zh) if edition else None


def _localized_name(names: tuple[str, str | None] | None) -> str:
    if names is None:
        return str(_l("Film Festival"))
    name, name_zh = names
    return name_zh if name_zh and str(get_locale()) == "zh" else name


HEADER_TITLE_SECONDS = 10.0


def header_title() -> str:
    """The current edition's name for the header, in the visitor's language.

    Every page shows it, and most pages need nothing else of the edition, so each process keeps the
    names for HEADER_TITLE_SECONDS instead of asking the database in every page (a query per page; a
    renamed or newly published edition reaches the header within that time). A page that looked the
    edition up itself shows that same edition."""
    if "current_edition" in g:
        return edition_name(g.current_edition)
    cache = current_app.extensions.setdefault("festival.header_title", {})
    now = time.monotonic()
    if cache.get("until", 0.0) <= now:
        cache.update(until=now + HEADER_TITLE_SECONDS, names=_names(current_edition()))
    return _localized_name(cache["names"])


def localized(obj, attr: str) -> str:
    """An object's attribute in the visitor's language (``attr_zh`` when Chinese and present)."""
    if str(get_locale()) == "zh":
        value = getattr(obj, f"{attr}_zh", None)
        if value:
            return value
    return getattr(obj, attr) or ""


def init_navigation(app: Flask) -> None:
    """Register the template helpers."""

    @app.context_processor
    def inject_navigation():
        try:
            title = header_title()
        except SQLAlchemyError:  # the database is down: the error page must still render
            db.session.rollback()
            title = edition_name(None)
        return {
            "nav_items": nav_items(),
            "site_title": title,
            "edition_name": edition_name,
            "localized": localized,
            "city_label": city_label,
            "role_label": lambda role: ROLE_LABELS.get(role, role),
            "role_labels": role_labels,
            "role_words": role_words,
        }
