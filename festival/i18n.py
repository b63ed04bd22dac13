"""Language and timezone selection, and the template helpers that show local times."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from festival.extensions import babel

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
    """Times are always shown in the festival's timezone."""
    return current_app.config["FESTIVAL_TIMEZONE"]


def local_datetime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Format an aware datetime in the festival's timezone."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


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

    @app.context_processor
    def inject_language():
        return {"current_locale": str(get_locale()), "language_names": LANGUAGE_NAMES}
