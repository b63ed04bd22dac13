"""Language selection, and the template helpers that show dates and local times (festival.localtime)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import format_date, get_locale
from flask_login import current_user
from jinja2 import pass_context

from festival import labels, localtime
from festival.extensions import babel

if TYPE_CHECKING:
    from festival.models import Edition

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
# The visitor's choice lives in a cookie of its own rather than in the session, so that anonymous
# pages neither read nor write a session and can be served whole from the page cache.
LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """The visitor's chosen language: the language cookie, then account, then the browser, then English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and background jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response: Response, lang: str) -> Response:
    """Keep the visitor's language choice in its cookie (unknown languages are ignored)."""
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    return response


def select_timezone() -> str:
    """Flask-Babel's zone, for code that formats without an edition (festival.localtime serves pages)."""
    return localtime.DEFAULT_TIMEZONE


@pass_context
def local_datetime(
    context, value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm", edition: Edition | None = None
) -> str:
    """The ``localdt`` filter: an aware datetime as wall-clock time of the edition in view (the template's
    ``edition``, or the one given), in the visitor's language."""
    return localtime.format_local(value, edition or context.get("edition"), fmt)


def local_date(value: date | None, fmt: str = "medium") -> str:
    """Format a date in the visitor's language."""
    if value is None:
        return ""
    return format_date(value, fmt)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel and register the template helpers."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path) + "/translations",
    )
    app.jinja_env.filters["localdt"] = local_datetime
    app.jinja_env.filters["localdate"] = local_date
    app.jinja_env.globals.update(
        edition_time=localtime.format_local,
        timezone_label=localtime.timezone_label,
        timezone_name=localtime.zone_name,
        film_title=labels.film_title,
        format_label=labels.format_label,
        other_title=labels.other_title,
        event_title=labels.event_title,
        event_description=labels.event_description,
        event_kind_labels=labels.EVENT_KIND_LABELS,
    )

    @app.context_processor
    def inject_language():
        return {"current_locale": str(get_locale()), "language_names": LANGUAGE_NAMES}
