"""The home page, the language switch and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from festival.auth.forms import LanguageForm
from festival.editions import current_edition, open_editions
from festival.extensions import csrf, db
from festival.main import bp


@bp.route("/")
def index():
    edition = current_edition()
    return render_template("main/index.html", edition=edition, open_editions=open_editions())


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    target = request.referrer or url_for("main.index")
    if not target.startswith(request.host_url):
        target = url_for("main.index")
    return redirect(target)


@bp.route("/healthz")
@csrf.exempt
def health():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: the database does not answer")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "env": current_app.config["ENV_NAME"]}
