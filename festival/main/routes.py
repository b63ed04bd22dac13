"""The home page, the language switch and the health check."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from festival.auth.forms import LanguageForm
from festival.editions import current_edition, open_editions
from festival.extensions import csrf, db
from festival.i18n import remember_language
from festival.main import bp
from festival.navigation import local_target


@bp.route("/")
def index():
    edition = current_edition()
    return render_template("main/index.html", edition=edition, open_editions=open_editions())


@bp.route("/language", methods=["POST"])
def set_language():
    """Logged-in visitors: the header's form, which also keeps the choice on the account."""
    form = LanguageForm()
    # back to the page it came from, as a path of this site: never an address built from the request's
    # Host and Referer headers, which the client chooses
    came_from = urlsplit(request.referrer or "")
    response = redirect(local_target(came_from.path + (f"?{came_from.query}" if came_from.query else "")))
    if form.validate_on_submit():
        remember_language(response, form.lang.data)
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return response


@bp.route("/language/<lang>")
def choose_language(lang: str):
    """Anonymous visitors: a plain link that sets the language cookie and goes back to the page.

    It changes nothing but the visitor's own cookie, so it needs no CSRF token, and the pages that
    link to it need no session (which is what lets whole public pages be cached)."""
    return remember_language(redirect(local_target(request.args.get("next"))), lang)


@bp.route("/healthz")
@csrf.exempt
def health():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: the database does not answer")
        return {"status": "error"}, 503
    # nothing else: the environment, versions or names would only help an attacker
    return {"status": "ok"}
