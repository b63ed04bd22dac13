"""Views of the people area: the accounts, inviting the team, roles, deactivation (staff and admins)."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival import params
from festival.extensions import db
from festival.formtools import strip_control_characters
from festival.handlers import Render, post_button, submit_form
from festival.history import trail
from festival.models import Invitation, User
from festival.models.enums import Role
from festival.people import bp, invitations, services
from festival.people.forms import InviteForm, RolesForm, role_choices
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


@bp.get("/")
@roles_required(Role.STAFF)
def index():
    """Everyone with an account (search, filter by role, pages), the invitations waiting for an answer
    and the form to invite someone."""
    return _index(_invite_form())


@bp.post("/invite")
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


@bp.post("/invitations/<int(max=2147483647):invitation_id>/withdraw")
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


@bp.route("/<int(max=2147483647):user_id>", methods=["GET", "POST"])
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


@bp.post("/<int(max=2147483647):user_id>/deactivate")
@roles_required(Role.ADMIN)
def deactivate(user_id: int):
    return _access(
        user_id, services.deactivate, _("The account of %(name)s is deactivated and logged out everywhere.")
    )


@bp.post("/<int(max=2147483647):user_id>/reactivate")
@roles_required(Role.ADMIN)
def reactivate(user_id: int):
    return _access(user_id, services.reactivate, _("The account of %(name)s is active again."))
