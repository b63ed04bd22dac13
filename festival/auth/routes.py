"""Login, logout, filmmaker registration, e-mail confirmation and password reset."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from festival.auth import bp, services, tokens
from festival.auth.forms import LoginForm, RegistrationForm, ResetPasswordForm, ResetRequestForm
from festival.auth.services import AccountError, AccountLocked, authenticate, create_user
from festival.extensions import db, limiter
from festival.navigation import local_target


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
        return redirect(local_target(request.args.get("next")))
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
        services.send_confirmation(user)
        db.session.commit()
        login_user(user)
        flash(
            _(
                "Your account is ready. We sent a link to %(email)s: open it to confirm your address "
                "(you need a confirmed address to submit entries).",
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for("main.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    try:
        user, newly = services.confirm_email(token)
    except tokens.TokenExpired:
        flash(_("This confirmation link has expired. Log in and ask for a new one."), "error")
        return redirect(url_for("auth.login"))
    except tokens.TokenInvalid:
        flash(_("This confirmation link is not valid. Log in and ask for a new one."), "error")
        return redirect(url_for("auth.login"))
    db.session.commit()
    if newly:
        flash(_("Thank you: your e-mail address %(email)s is confirmed.", email=user.email), "success")
    else:
        flash(_("Your e-mail address is already confirmed."), "info")
    return redirect(url_for("main.index"))


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit("3 per hour", methods=["POST"])
def resend_confirmation():
    if current_user.email_confirmed_at is None:
        services.send_confirmation(current_user._get_current_object())
        db.session.commit()
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    else:
        flash(_("Your e-mail address is already confirmed."), "info")
    return redirect(local_target(request.referrer and urlsplit(request.referrer).path))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address has an account (no account enumeration).
        flash(
            _(
                "If an account uses this address, we sent it a link to choose a new password. "
                "The link works for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    try:
        user = tokens.user_for_reset(token)
    except tokens.TokenExpired:
        flash(_("This password link has expired. Ask for a new one below."), "error")
        return redirect(url_for("auth.request_reset"))
    except tokens.TokenInvalid:
        flash(_("This password link is not valid or was already used. Ask for a new one below."), "error")
        return redirect(url_for("auth.request_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except AccountError as exc:
            db.session.rollback()
            form.password.errors = list(exc.errors.get("password", []))
            return render_template("auth/reset_password.html", form=form, user=user), 422
        db.session.commit()
        logout_user()
        flash(_("Your new password is set. Log in with it."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form, user=user), status
