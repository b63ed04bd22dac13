"""Views of the people area: the accounts, inviting the team, roles, deactivation (staff and admins), and
an invitation's link (anyone holding it)."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival import params
from festival.auth import sessions
from festival.auth.forms import ConfirmForm
from festival.auth.services import find_user_by_email
from festival.extensions import db, limiter
from festival.formtools import strip_control_characters
from festival.handlers import Render, post_button, submit_form
from festival.history import trail
from festival.models import Invitation, User
from festival.models.enums import Role
from festival.navigation import home_url
from festival.people import bp, invitations, services
from festival.people.forms import AcceptInvitationForm, InviteForm, RolesForm, role_choices
from festival.security import roles_required

PER_PAGE = 50


def _actor() -> User:
    return current_user._get_current_object()


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.roles.choices = role_choices(r for r in services.TEAM_ROLES if current_user.can_grant(r))
    return form


def _role_filter() -> Role | None:
    value = request.args.get("role")
    return Role(value) if value in Role._value2member_map_ else None


def _index(invite_form: InviteForm, status: int = 200):
    text = strip_control_characters(request.args.get("q") or "").strip()[:100]
    role = _role_filter()
    number = params.page_number(request.args.get("page"))
    page = db.paginate(services.people(text, role), page=number, per_page=PER_PAGE, error_out=False)
    return render_template(
        "people/index.html",
        page=page,
        query=text,
        role=role,
        roles=list(Role),
        invite_form=invite_form,
        pending=invitations.pending_invitations(services.TEAM),
    ), status


@bp.get("/admin/people/")
@roles_required(Role.STAFF)
def index():
    """Everyone with an account (search, filter by role, pages), the invitations waiting for an answer
    and the form to invite someone."""
    return _index(_invite_form())


@bp.post("/admin/people/invite")
@roles_required(Role.STAFF)
def invite():
    form = _invite_form()
    outcome = submit_form(
        form,
        lambda: services.invite_to_team(
            email=form.email.data, name=form.name.data, roles=form.roles.data, actor=_actor()
        ),
        success=lambda invitation: _sent(invitation),
        target=url_for("people.index"),
    )
    return _index(form, outcome.status) if isinstance(outcome, Render) else outcome


def _sent(invitation: Invitation) -> None:
    flash(_("We sent an invitation to %(email)s.", email=invitation.email), "success")


@bp.post("/admin/people/invitations/<int(max=2147483647):invitation_id>/withdraw")
@roles_required(Role.STAFF)
def withdraw_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.purpose != services.TEAM:
        abort(404)
    return post_button(
        None,
        partial(invitations.withdraw, invitation, actor=_actor()),
        success=_("The invitation is withdrawn: its link no longer works."),
        back=url_for("people.index"),
    )


def _person(user: User, roles_form: RolesForm, status: int = 200):
    return render_template(
        "people/person.html",
        person=user,
        roles_form=roles_form,
        roles=list(Role),
        history=trail([user]),
    ), status


@bp.route("/admin/people/<int(max=2147483647):user_id>", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def person(user_id: int):
    """One account: its roles (to change, within the actor's rank), deactivation, its history."""
    user = db.get_or_404(User, user_id)
    form = RolesForm(data=None if request.method == "POST" else {"roles": [r.value for r in user.roles]})
    outcome = submit_form(
        form,
        lambda: services.change_roles(user, form.roles.data, actor=_actor()),
        success=lambda changed: _roles_saved(user, changed),
        target=services.person_url(user),
    )
    return _person(user, form, outcome.status) if isinstance(outcome, Render) else outcome


def _roles_saved(user: User, changed: bool) -> None:
    if changed:
        flash(_("The roles of %(name)s are changed; their sessions have ended.", name=user.name), "success")
    else:
        flash(_("Nothing changed."), "info")


def _access(user_id: int, act, done: str):
    user = db.get_or_404(User, user_id)
    return post_button(
        None,
        partial(act, user, actor=_actor()),
        success=done % {"name": user.name},
        back=services.person_url(user),
    )


@bp.post("/admin/people/<int(max=2147483647):user_id>/deactivate")
@roles_required(Role.ADMIN)
def deactivate(user_id: int):
    return _access(
        user_id, services.deactivate, _("The account of %(name)s is deactivated and logged out everywhere.")
    )


@bp.post("/admin/people/<int(max=2147483647):user_id>/reactivate")
@roles_required(Role.ADMIN)
def reactivate(user_id: int):
    return _access(user_id, services.reactivate, _("The account of %(name)s is active again."))


# ---------------------------------------------------------------- an invitation's link (public)


def _invitation_page(token: str, invitation, form, status: int = 200):
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return render_template(
        "people/invitation.html",
        token=token,
        invitation=invitation,
        what=invitations.purpose_of(invitation).describe(invitation),
        has_account=find_user_by_email(invitation.email) is not None,
        wrong_account=(
            invitations.wrong_account_message(invitation, user)
            if user is not None and not invitations.may_accept(invitation, user)
            else None
        ),
        form=form,
        accept_form=ConfirmForm(),
    ), status


def _accepted(invitation, user) -> str:
    flash(_("Welcome, %(name)s: the invitation is accepted.", name=user.name), "success")
    return invitations.landing(invitation, user) or home_url(user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def invitation(token: str):
    """An invitation's link: who invites the person to what; then a new account with a password, or
    (logged in as the invited address) one button to accept."""
    try:
        found = invitations.invitation_for(token)
    except invitations.InvitationUnusable as exc:
        return render_template("people/invitation_unusable.html", message=exc.message), exc.status
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        outcome = submit_form(
            ConfirmForm(),
            lambda: invitations.accept_as(token, user),
            success=None,
            target=lambda accepted: _accepted(accepted, user),
        )
        form = None
    else:
        form = AcceptInvitationForm(data={"name": found.name or ""})
        outcome = submit_form(
            form, lambda: _new_account(token, form), success=None, target=lambda user: _accepted(found, user)
        )
    return _invitation_page(token, found, form, outcome.status) if isinstance(outcome, Render) else outcome


def _new_account(token: str, form: AcceptInvitationForm):
    user = invitations.accept_with_new_account(
        token, name=form.name.data, password=form.password.data, locale=form.locale.data
    )
    sessions.log_in(user, remember=False)
    return user
