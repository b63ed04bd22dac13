"""Views of shorts programmes (staff): propose programmes for the accepted short films, then edit them.
Load, authorise, act: the rules live in festival.schedule.shorts."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.editions import staff_edition, staff_editions
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import Render, post_button, submit_form
from festival.labels import film_title, format_label
from festival.models import Edition, Entry, ShortsProgramme, ShortsProposal
from festival.models.enums import Role
from festival.schedule import bp, shorts
from festival.schedule.shorts_forms import (
    AddFilmForm,
    MemberForm,
    NewProgrammeForm,
    ProgrammeTitleForm,
    ProposeForm,
    ShortsSettingsForm,
)
from festival.security import roles_required

STAFF = (Role.STAFF,)


def _programme(programme_id: int) -> ShortsProgramme:
    return db.get_or_404(ShortsProgramme, programme_id)


def _member(programme: ShortsProgramme, entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.edition_id != programme.edition_id:
        abort(404)
    return entry


def _label(entry: Entry) -> str:
    return _(
        "%(title)s (%(format)s, %(minutes)s min)",
        title=film_title(entry),
        format=format_label(entry.format),
        minutes=entry.runtime_minutes,
    )


def _titles(form: ProgrammeTitleForm) -> dict:
    """The programme's titles and notes as the form holds them (the services' keyword arguments)."""
    return {name: form[name].data for name in ("title_en", "title_zh", "note_en", "note_zh")}


def _home(edition: Edition) -> str:
    return url_for("schedule.shorts_index", edition=edition.slug)


def _queued(proposal) -> None:
    if shorts.enqueue_proposal(proposal):  # committed: a worker can read it
        flash(_("Programmes are being proposed; this page shows them when they are ready."), "success")
    else:
        flash(_("The job queue could not take the proposal; see the error below."), "error")


@bp.route("/shorts", methods=["GET", "POST"])
@roles_required(*STAFF)
def shorts_index():
    edition = staff_edition(request.args.get("edition"))
    shorts.reap_stale_proposals()
    proposal = shorts.latest_proposal(edition)
    waiting = shorts.waiting_shorts(edition)
    form = NewProgrammeForm()
    form.films.choices = choices([(e.id, _label(e)) for e, _reason in waiting])
    settings = ShortsSettingsForm(
        formdata=None,
        obj=None,
        threshold=edition.shorts_threshold_minutes,
        minimum=edition.programme_min_minutes,
        maximum=edition.programme_max_minutes,
        gap=edition.programme_gap_minutes,
    )
    if request.method == "POST":
        by_id = {e.id: e for e, _reason in waiting}
        outcome = submit_form(
            form,
            lambda: shorts.create_programme(
                edition, entries=[by_id[i] for i in form.films.data if i in by_id], **_titles(form)
            ),
            success=_("Programme saved."),
            target=lambda p: url_for("schedule.shorts_programme", programme_id=p.id),
        )
        if not isinstance(outcome, Render):
            return outcome
        status = outcome.status
    else:
        status = 200
    return (
        render_template(
            "schedule/shorts.html",
            edition=edition,
            editions=staff_editions(),
            programmes=shorts.programmes_of(edition),
            minutes_of=lambda p: shorts.minutes_of(p, edition),
            problems_of=lambda p: [words for _code, words in shorts.problems_of(p.films, edition)],
            waiting=waiting,
            form=form,
            settings=settings,
            propose=ProposeForm(formdata=None),
            proposal=proposal,
            outcome=shorts.outcome_of(proposal) if proposal is not None else None,
        ),
        status,
    )


@bp.post("/shorts/settings")
@roles_required(*STAFF)
def shorts_settings():
    edition = staff_edition(request.args.get("edition"))
    form = ShortsSettingsForm()
    return post_button(
        form,
        lambda: shorts.update_settings(
            edition, **{k: form[k].data for k in ("threshold", "minimum", "maximum", "gap")}
        ),
        success=_("Shorts settings saved."),
        back=_home(edition),
    )


@bp.post("/shorts/propose")
@roles_required(*STAFF)
def shorts_propose():
    edition = staff_edition(request.args.get("edition"))
    return post_button(
        ProposeForm(),
        lambda: shorts.start_proposal(edition, actor=current_user),
        success=_queued,
        back=_home(edition),
    )


@bp.get("/shorts/proposals/<int:proposal_id>.json")
@roles_required(*STAFF)
def shorts_proposal_state(proposal_id: int):
    """A proposal's state, for the programmes page to reload when it changes."""
    proposal = db.get_or_404(ShortsProposal, proposal_id)
    shorts.reap_stale_proposals()
    db.session.refresh(proposal)
    return {"status": proposal.status, "active": proposal.active}


@bp.route("/shorts/<int:programme_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def shorts_programme(programme_id: int):
    programme = _programme(programme_id)
    edition = db.session.get(Edition, programme.edition_id)
    form = ProgrammeTitleForm(obj=programme)
    outcome = submit_form(
        form,
        lambda: shorts.rename(programme, **_titles(form)),
        success=_("Programme saved."),
        target=url_for("schedule.shorts_programme", programme_id=programme.id),
    )
    if not isinstance(outcome, Render):
        return outcome
    add = AddFilmForm(formdata=None)
    add.entry.choices = choices([(e.id, _label(e)) for e, _reason in shorts.waiting_shorts(edition)])
    return (
        render_template(
            "schedule/shorts_programme.html",
            edition=edition,
            programme=programme,
            minutes=shorts.minutes_of(programme, edition),
            problems=[words for _code, words in shorts.problems_of(programme.films, edition)],
            form=form,
            add=add,
            button=MemberForm(formdata=None),
        ),
        outcome.status,
    )


def _back(programme: ShortsProgramme) -> str:
    return url_for("schedule.shorts_programme", programme_id=programme.id)


@bp.post("/shorts/<int:programme_id>/add")
@roles_required(*STAFF)
def shorts_add(programme_id: int):
    programme = _programme(programme_id)
    edition = db.session.get(Edition, programme.edition_id)
    form = AddFilmForm()
    form.entry.choices = choices([(e.id, _label(e)) for e, _reason in shorts.waiting_shorts(edition)])
    return post_button(
        form,
        lambda: shorts.add_film(programme, _member(programme, form.entry.data)),
        success=_("Film added."),
        back=_back(programme),
    )


@bp.post("/shorts/<int:programme_id>/films/<int:entry_id>/<any(remove, earlier, later):action>")
@roles_required(*STAFF)
def shorts_member(programme_id: int, entry_id: int, action: str):
    programme = _programme(programme_id)
    entry = _member(programme, entry_id)
    if action == "remove":
        act, said = (lambda: shorts.remove_film(programme, entry)), _("Film removed.")
    else:
        offset = -1 if action == "earlier" else 1
        act, said = (lambda: shorts.move_film(programme, entry, offset)), _("Order saved.")
    return post_button(MemberForm(), act, success=said, back=_back(programme))


@bp.post("/shorts/<int:programme_id>/delete")
@roles_required(*STAFF)
def shorts_delete(programme_id: int):
    programme = _programme(programme_id)
    edition = db.session.get(Edition, programme.edition_id)
    return post_button(
        MemberForm(),
        lambda: shorts.delete_programme(programme),
        success=_("Programme deleted."),
        back=_back(programme),
        target=_home(edition),
    )
