"""Login, logout, filmmaker registration, e-mail confirmation and password reset."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from festival.auth import bp, services, sessions, throttle, tokens
from festival.auth.forms import (
    ConfirmForm,
    LoginForm,
    PasswordChangeForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from festival.auth.services import authenticate
from festival.extensions import db, limiter
from festival.handlers import Render, perform, post_button, submit_form
from festival.models.enums import Role
from festival.navigation import home_url, local_target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.CLIENT_LIMIT, methods=["POST"])
@limiter.limit(
    throttle.ADDRESS_LIMIT,
    methods=["POST"],
    key_func=throttle.address_key,
    exempt_when=throttle.trusted_device,
    deduct_when=throttle.failed,
    on_breach=throttle.locked_out,
)
@limiter.limit(
    throttle.DEVICE_LIMIT,
    methods=["POST"],
    key_func=throttle.device_key,
    exempt_when=throttle.untrusted_device,
    deduct_when=throttle.failed,
    on_breach=throttle.locked_out,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            throttle.note_failure()
            flash(_("Wrong e-mail or password."), "error")
            return render_template("auth/login.html", form=form), 200
        sessions.log_in(user, remember=form.remember.data)
        db.session.commit()
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        wanted = request.args.get("next")
        response = redirect(local_target(wanted) if wanted else home_url(user))
        throttle.remember_device(response, user.email)
        return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    return perform(
        sessions.log_out,
        success=lambda _result: flash(_("You are logged out."), "info"),
        target=url_for("main.index"),
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if not form.is_submitted() and request.args.get("as") == "visitor":
        form.kind.data = "visitor"
    outcome = submit_form(
        form,
        lambda: services.register_account(
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            locale=form.locale.data,
            organisation=form.organisation.data,
            kind=Role(form.kind.data),
        ),
        # The same answer whether or not the address had an account (its owner got a mail instead).
        success=_(
            "Thank you. We sent a message to %(email)s: open the link in it to confirm your address "
            "(you need a confirmed address to submit entries, or to wish, plan and vote). You can log "
            "in now.",
            email=(form.email.data or "").strip(),
        ),
        # once logged in, a new filmmaker lands on their entries (where a film is entered), others on the
        # first page of their roles
        target=lambda _user: (
            url_for("auth.login", next=url_for("submissions.my_entries"))
            if form.kind.data == Role.FILMMAKER
            else url_for("auth.login")
        ),
    )
    if isinstance(outcome, Render):
        return render_template("auth/register.html", form=form), outcome.status
    return outcome


@bp.route("/sessions", methods=["GET"])
@login_required
def my_sessions():
    return _render_account(PasswordChangeForm(formdata=None))


def _render_account(password_form: PasswordChangeForm, status: int = 200):
    user = current_user._get_current_object()
    current = sessions.current_session()
    return render_template(
        "auth/sessions.html",
        open_sessions=sessions.open_sessions(user),
        current_id=current.id if current else None,
        password_form=password_form,
        end_form=ConfirmForm(),
    ), status


@bp.route("/sessions/<int(max=2147483647):session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    def end() -> None:
        try:
            sessions.end_session(current_user._get_current_object(), session_id)
        except sessions.SessionNotFound:
            abort(404)

    return post_button(
        ConfirmForm(),
        end,
        success=_("That session has ended: the device it was on is logged out."),
        back=url_for("auth.my_sessions"),
    )


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    return post_button(
        ConfirmForm(),
        lambda: sessions.end_sessions(current_user._get_current_object(), except_current=True),
        success=_("Every other session has ended; this one goes on."),
        back=url_for("auth.my_sessions"),
    )


@bp.route("/password", methods=["POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change_password():
    form = PasswordChangeForm()
    outcome = submit_form(
        form,
        lambda: services.change_password(
            current_user._get_current_object(), current=form.current.data, new=form.password.data
        ),
        success=_("Your password is changed. Your other sessions have ended."),
        target=url_for("auth.my_sessions"),
    )
    if isinstance(outcome, Render):
        return _render_account(form, outcome.status)
    return outcome


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
    outcome = submit_form(
        form,
        lambda: services.request_password_reset(form.email.data),
        # The same answer whether or not the address has an account (no account enumeration).
        success=lambda _result: flash(
            _(
                "If an account uses this address, we sent it a link to choose a new password. "
                "The link works for one hour."
            ),
            "info",
        ),
        target=url_for("auth.login"),
    )
    if isinstance(outcome, Render):
        return render_template("auth/reset_request.html", form=form), outcome.status
    return outcome


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

    def done(_user) -> None:
        logout_user()
        flash(_("Your new password is set. Log in with it."), "success")

    outcome = submit_form(
        form,
        lambda: services.reset_password(token, form.password.data),
        success=done,
        target=url_for("auth.login"),
    )
    if isinstance(outcome, Render):
        return render_template("auth/reset_password.html", form=form, user=user), outcome.status
    return outcome
