"""The jury's awards: staff manage categories, the jury, nominations and results; jurors vote; the
public awards page."""

from __future__ import annotations

from functools import partial

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival import params
from festival.audience import awards, bp
from festival.audience.forms import ButtonForm, CategoryForm, EntryChoiceForm, JurorForm
from festival.audience.routes import edition_or_404
from festival.audience.services import selected_films
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import Render, post_button, submit_form
from festival.models import User
from festival.models.enums import ConflictKind, Role
from festival.people import invitations
from festival.review import queries as review_queries
from festival.review import services as review
from festival.review.forms import ConflictForm
from festival.security import roles_required


def _film_choices(form: EntryChoiceForm, films) -> EntryChoiceForm:
    form.entry.choices = choices((f.id, f.display_title) for f in films)
    return form


@bp.route("/<slug>/awards/manage", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def manage_awards(slug: str):
    """Staff: the award categories with their nominations and standing, the jury, a new category."""
    edition = edition_or_404(slug)
    form = CategoryForm()
    outcome = submit_form(
        form,
        lambda: awards.save_category(
            edition,
            actor=current_user,
            name=form.name.data,
            name_zh=form.name_zh.data,
            description=form.description.data,
            description_zh=form.description_zh.data,
            quorum=form.quorum.data,
        ),
        success=_("The award is saved."),
        target=url_for("audience.manage_awards", slug=slug),
    )
    if not isinstance(outcome, Render):
        return outcome
    films = selected_films(edition)
    return (
        render_template(
            "audience/manage_awards.html",
            edition=edition,
            form=form,
            standings=[awards.standing(c) for c in awards.categories(edition)],
            nominate_form=_film_choices(EntryChoiceForm(formdata=None), films),
            jurors=awards.jurors(edition),
            pending=awards.pending_jury_invitations(edition),
            juror_form=JurorForm(formdata=None),
            button_form=ButtonForm(),
        ),
        outcome.status,
    )


def _back(slug: str) -> str:
    return url_for("audience.manage_awards", slug=slug)


@bp.post("/<slug>/awards/<int:category_id>/nominate")
@roles_required(Role.STAFF)
def nominate(slug: str, category_id: int):
    edition = edition_or_404(slug)
    form = _film_choices(EntryChoiceForm(), selected_films(edition))
    on = form.on.data != "0"
    return post_button(
        form,
        lambda: awards.nominate(edition, category_id, form.entry.data, actor=current_user, on=on),
        success=_("The nominations are saved."),
        back=_back(slug),
    )


@bp.post("/<slug>/awards/<int:category_id>/approve")
@roles_required(Role.STAFF)
def approve_award(slug: str, category_id: int):
    edition = edition_or_404(slug)
    form = _film_choices(EntryChoiceForm(), selected_films(edition))
    return post_button(
        form,
        lambda: awards.approve(edition, category_id, form.entry.data, actor=current_user),
        success=_("The result is approved."),
        back=_back(slug),
    )


@bp.post("/<slug>/awards/<int:category_id>/publish")
@roles_required(Role.STAFF)
def publish_award(slug: str, category_id: int):
    edition = edition_or_404(slug)
    return post_button(
        ButtonForm(),
        lambda: awards.publish(edition, category_id, actor=current_user),
        success=_("The award is published."),
        back=_back(slug),
    )


@bp.post("/<slug>/jury/invite")
@roles_required(Role.STAFF)
def invite_juror(slug: str):
    """Invite a person to the jury by e-mail (a new account or an existing one accepts the link)."""
    edition = edition_or_404(slug)
    form = JurorForm()
    return post_button(
        form,
        lambda: awards.invite_juror(edition, email=form.email.data, name=form.name.data, actor=current_user),
        success=_("The invitation to the jury is sent."),
        back=_back(slug),
    )


def _on_jury_invitation(slug: str, invitation_id: int, act, done: str):
    """Staff act on one of the edition's pending jury invitations (``act(invitation, actor=...)``)."""
    edition = edition_or_404(slug)
    invitation = awards.jury_invitation(edition, invitation_id)
    if invitation is None:
        abort(404)
    action = partial(act, invitation, actor=current_user)
    return post_button(ButtonForm(), action, success=done, back=_back(slug))


@bp.post("/<slug>/jury/invitations/<int(max=2147483647):invitation_id>/withdraw")
@roles_required(Role.STAFF)
def withdraw_jury_invitation(slug: str, invitation_id: int):
    """Withdraw a pending jury invitation: its link stops working."""
    done = _("The invitation is withdrawn: its link no longer works.")
    return _on_jury_invitation(slug, invitation_id, invitations.withdraw, done)


@bp.post("/<slug>/jury/invitations/<int(max=2147483647):invitation_id>/resend")
@roles_required(Role.STAFF)
def resend_jury_invitation(slug: str, invitation_id: int):
    """Send a jury invitation again with a new link (the old one stops working)."""
    done = _("The invitation is sent again with a new link; the old link no longer works.")
    return _on_jury_invitation(slug, invitation_id, invitations.send_again, done)


@bp.post("/<slug>/jury/remove")
@roles_required(Role.STAFF)
def remove_juror(slug: str):
    edition = edition_or_404(slug)
    user = db.session.get(User, params.record_id(request.form.get("user")) or 0)
    return post_button(
        ButtonForm(),
        lambda: awards.remove_juror(edition, user, actor=current_user) if user else None,
        success=_("The juror is removed."),
        back=_back(slug),
    )


# ---------------------------------------------------------------- the jurors


@bp.get("/<slug>/jury")
@login_required
def jury(slug: str):
    """A juror's ballots: per award, the nominees to choose from (none where they declared a conflict)."""
    edition = edition_or_404(slug)
    user = current_user._get_current_object()
    if not awards.is_juror(user, edition):
        abort(403)
    rows = []
    nominated = {}
    for category in awards.categories(edition):
        if category.published_at is not None:
            continue
        may = awards.may_vote_in(user, category)
        films = [e for e, _votes in awards.nominees(category)]
        nominated.update({f.id: f for f in films})
        form = _film_choices(EntryChoiceForm(formdata=None), films if may else [])
        rows.append((category, may, awards.has_voted(user, category), form))
    conflict_form = _film_choices(EntryChoiceForm(formdata=None), nominated.values())
    return render_template(
        "audience/jury.html",
        edition=edition,
        rows=rows,
        conflict_form=conflict_form,
        named_conflict_form=ConflictForm(formdata=None),
        conflicts=review_queries.conflicts_of(user, edition),
        films=nominated,
        quorum=awards.quorum,
    )


@bp.post("/<slug>/jury/<int:category_id>/ballot")
@login_required
def ballot(slug: str, category_id: int):
    edition = edition_or_404(slug)
    form = EntryChoiceForm()
    form.entry.choices = None  # the service checks the nominee
    form.entry.validate_choice = False
    return post_button(
        form,
        lambda: awards.cast_ballot(current_user, edition, category_id, form.entry.data),
        success=_("Your ballot is cast. It is secret: nobody can see whom you chose."),
        back=url_for("audience.jury", slug=slug),
    )


@bp.post("/<slug>/jury/conflict")
@login_required
def jury_conflict(slug: str):
    """A juror declares a conflict of interest with a nominated film, as curators do."""
    edition = edition_or_404(slug)
    if not awards.is_juror(current_user, edition):
        abort(403)
    form = EntryChoiceForm()
    form.entry.choices = None
    form.entry.validate_choice = False
    entry_id = form.entry.data if isinstance(form.entry.data, int) else None
    return post_button(
        form,
        lambda: review.declare_conflict(
            edition,
            curator=current_user,
            kind=ConflictKind.ENTRY,
            entry=awards.nominated_film(edition, entry_id),
            reason=request.form.get("reason"),
        ),
        success=_("Your conflict of interest is recorded: you do not vote for that film's awards."),
        back=url_for("audience.jury", slug=slug),
    )


@bp.post("/<slug>/jury/conflicts")
@login_required
def jury_named_conflict(slug: str):
    """A juror declares a conflict with a company, a person or a country, as curators do: every nominee
    whose names share it is covered."""
    edition = edition_or_404(slug)
    if not awards.is_juror(current_user, edition):
        abort(403)
    form = ConflictForm()
    return post_button(
        form,
        lambda: review.declare_conflict(
            edition,
            curator=current_user,
            kind=ConflictKind(form.kind.data),
            value=form.value.data,
            reason=form.reason.data,
        ),
        success=_(
            "Your conflict of interest is recorded: you do not vote for the awards of the films it covers."
        ),
        back=url_for("audience.jury", slug=slug),
    )


# ---------------------------------------------------------------- the public page


@bp.get("/<slug>/awards")
def awards_page(slug: str):
    edition = edition_or_404(slug)
    return render_template("audience/awards.html", edition=edition, winners=awards.published_awards(edition))
