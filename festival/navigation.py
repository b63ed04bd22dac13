"""Header navigation by role and the bilingual labels templates need."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from festival.editions import current_edition
from festival.extensions import db
from festival.models import Edition
from festival.models.enums import Role

PUBLIC = "public"


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    roles: tuple[str, ...]


# Entries whose endpoint is not registered are skipped, so each area adds its own line here.
NAV: tuple[NavEntry, ...] = (
    NavEntry("programme.index", _l("Programme"), (PUBLIC,)),
    NavEntry("submissions.my_entries", _l("My entries"), (Role.FILMMAKER,)),
    NavEntry("review.my_queue", _l("Review"), (Role.CURATOR,)),
    NavEntry("submissions.staff_entries", _l("Entries"), (Role.STAFF, Role.ADMIN)),
    NavEntry("review.staff_overview", _l("Selection"), (Role.STAFF, Role.ADMIN)),
    NavEntry("venues.index", _l("Venues"), (Role.STAFF, Role.ADMIN)),
    NavEntry("schedule.index", _l("Timetable"), (Role.STAFF, Role.ADMIN)),
    NavEntry("admin.outbox", _l("Outbox"), (Role.ADMIN,)),
)

ROLE_LABELS = {
    Role.FILMMAKER: _l("filmmaker"),
    Role.CURATOR: _l("curator"),
    Role.STAFF: _l("staff"),
    Role.ADMIN: _l("admin"),
}


def nav_items() -> list[dict]:
    """Navigation links the current visitor may follow."""
    role = current_user.role if current_user.is_authenticated else None
    endpoints = current_app.view_functions
    items = []
    for entry in NAV:
        if entry.endpoint not in endpoints:
            continue
        if PUBLIC not in entry.roles and role not in entry.roles:
            continue
        items.append(
            {
                "url": url_for(entry.endpoint),
                "label": entry.label,
                "active": request.endpoint == entry.endpoint,
            }
        )
    return items


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


def edition_name(edition: Edition | None) -> str:
    """The edition's name in the visitor's language."""
    if edition is None:
        return str(_l("Film Festival"))
    if str(get_locale()) == "zh" and edition.name_zh:
        return edition.name_zh
    return edition.name


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
            edition = current_edition()
        except SQLAlchemyError:  # the database is down: the error page must still render
            db.session.rollback()
            edition = None
        return {
            "nav_items": nav_items(),
            "site_title": edition_name(edition),
            "edition_name": edition_name,
            "localized": localized,
            "role_label": lambda role: ROLE_LABELS.get(role, role),
        }
