"""Login, logout and filmmaker registration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from festival.auth import bp
from festival.auth.forms import LoginForm, RegistrationForm
from festival.auth.services import AccountError, AccountLocked, authenticate, create_user
from festival.extensions import db, limiter


def _safe_next(target: str | None) -> str:
    """Only follow local redirects after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except AccountLocked:
            db.session.commit()
            flash(_("Too many failed attempts. Please wait 15 minutes and try again."), "error")
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if user is None:
            flash(_("Wrong e-mail or password."), "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user, remember=form.remember.data)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                locale=form.locale.data,
                organisation=form.organisation.data,
            )
        except AccountError as exc:
            db.session.rollback()
            for field, messages in exc.errors.items():
                getattr(form, field).errors = list(messages)
            return render_template("auth/register.html", form=form), 422
        db.session.commit()
        login_user(user)
        flash(_("Your account is ready."), "success")
        return redirect(url_for("main.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status
