"""Speakers' views: staff add and remove an event's speakers; a speaker answers and keeps their profile
(thin: load, authorise, act)."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.events import bp, speakers
from festival.events.speaker_forms import AddSpeakerForm, SpeakerPhotoForm, SpeakerProfileForm
from festival.extensions import db
from festival.handlers import Render, post_button, submit_form
from festival.labels import SPEAKER_STATUS_LABELS
from festival.models import Event, EventSpeaker, Speaker
from festival.models.enums import Role
from festival.security import roles_required


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


@bp.post("/staff/events/<int:event_id>/speakers")
@roles_required(Role.STAFF)
def add_speaker(event_id: int):
    """Add a speaker to the event by name and e-mail and mail them the invitation (refused when
    double-booked)."""
    event = _event_or_404(event_id)
    form = AddSpeakerForm()
    back = url_for("events.edit", event_id=event.id, _anchor="speakers")
    act = lambda: speakers.add_speaker(event, actor=current_user, **form.values())  # noqa: E731
    return post_button(form, act, success=_("Speaker added; we mailed them the invitation."), back=back)


def _on_speaker(event_id: int, speaker_id: int, act, done: str):
    """Staff act on one speaker of an event (``act(event, speaker, actor=...)``), then back to its page."""
    event = _event_or_404(event_id)
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        abort(404)
    back = url_for("events.edit", event_id=event.id, _anchor="speakers")
    return post_button(None, partial(act, event, speaker, actor=current_user), success=done, back=back)


@bp.post("/staff/events/<int:event_id>/speakers/<int:speaker_id>/remove")
@roles_required(Role.STAFF)
def remove_speaker(event_id: int, speaker_id: int):
    """Take a speaker off the event (their pending invitation to it is withdrawn)."""
    return _on_speaker(event_id, speaker_id, speakers.remove_speaker, _("Speaker removed."))


@bp.post("/staff/events/<int:event_id>/speakers/<int:speaker_id>/resend")
@roles_required(Role.STAFF)
def resend_invitation(event_id: int, speaker_id: int):
    """Mail a speaker who has not accepted yet their invitation again, with a new link."""
    done = _("The invitation is sent again with a new link; the old link no longer works.")
    return _on_speaker(event_id, speaker_id, speakers.send_again, done)


def _speaker_or_404() -> Speaker:
    speaker = speakers.speaker_of(current_user)
    if speaker is None:
        abort(404)
    return speaker


@bp.route("/speaking/", methods=["GET", "POST"])
@login_required
def speaking():
    """The speaker's own page: their events to confirm or decline, their profile."""
    speaker = _speaker_or_404()
    form = SpeakerProfileForm(data=None if request.method == "POST" else SpeakerProfileForm.data_of(speaker))
    act = lambda: speakers.update_profile(speaker, actor=current_user, **form.values())  # noqa: E731
    done = submit_form(form, act, success=_("Profile saved."), target=url_for("events.speaking"))
    if not isinstance(done, Render):
        return done
    parts = db.session.scalars(
        sa.select(EventSpeaker)
        .join(Event, Event.id == EventSpeaker.event_id)
        .where(EventSpeaker.speaker_id == speaker.id)
        .order_by(Event.start, Event.id)
    ).all()
    page = render_template(
        "events/speaking.html", speaker=speaker, form=form, photo_form=SpeakerPhotoForm(), parts=parts,
        speaker_status_labels=SPEAKER_STATUS_LABELS,
    )  # fmt: skip
    return page, done.status


@bp.post("/speaking/photo")
@login_required
def speaker_photo():
    speaker = _speaker_or_404()
    form = SpeakerPhotoForm()
    act = lambda: speakers.set_photo(speaker, actor=current_user, upload=form.photo.data)  # noqa: E731
    return post_button(form, act, success=_("Photo saved."), back=url_for("events.speaking"))


@bp.post("/speaking/<int:event_id>/<any(confirm, decline):answer>")
@login_required
def answer(event_id: int, answer: str):
    """Confirm (checked for double-booking) or decline one's part in an event."""
    event = _event_or_404(event_id)
    act = partial(speakers.answer, event, current_user, confirm=answer == "confirm")
    done = _("You confirmed.") if answer == "confirm" else _("You declined.")
    return post_button(None, act, success=done, back=url_for("events.speaking"))
