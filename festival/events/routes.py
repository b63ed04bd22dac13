"""Staff views of events: the edition's list, add, edit, delete (thin: load, authorise, act)."""

from __future__ import annotations

from functools import partial

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival import venue_scope as scope
from festival.events import bp, queries, services
from festival.events.forms import EventForm
from festival.events.speaker_forms import AddSpeakerForm
from festival.extensions import db
from festival.handlers import Render, post_button, submit_form
from festival.labels import SPEAKER_STATUS_LABELS, film_title
from festival.models import Edition, Event
from festival.models.enums import Role
from festival.navigation import localized
from festival.schedule import adapter
from festival.security import roles_required

# staff see every event; a venue manager those in their venues' theaters (``scope.can_manage_venue``)
MANAGERS = (Role.STAFF, Role.VENUE_MANAGER)


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    if not current_user.has_role(Role.STAFF) and not (
        event.theater is not None and scope.can_manage_venue(current_user, event.theater.venue)
    ):
        abort(403)
    return event


def _theaters(edition: Edition) -> list:
    """The theaters the current user may place events in."""
    mine = {v.id for v in scope.manageable_venues(current_user, edition)}
    return [t for t in adapter.edition_theaters(edition) if t.venue_id in mine]


def _form(edition: Edition, event: Event | None = None, **kwargs) -> EventForm:
    theaters = [(t.id, f"{localized(t.venue, 'name')} · {localized(t, 'name')}") for t in _theaters(edition)]
    if current_user.has_role(Role.STAFF):
        films = [(e.id, film_title(e)) for e, _decision in adapter.accepted_entries(edition)]
    else:  # a venue manager sees nothing of the entries: only the film staff put before this event
        films = [(event.entry.id, film_title(event.entry))] if event is not None and event.entry else []
    return EventForm(theaters=theaters, films=films, **kwargs)


def _page(outcome, form, **context):
    if not isinstance(outcome, Render):
        return outcome
    return (
        render_template(
            "events/form.html", form=form, speaker_form=AddSpeakerForm(formdata=None),
            speaker_status_labels=SPEAKER_STATUS_LABELS, **context,
        ),
        outcome.status,
    )  # fmt: skip


@bp.get("/staff/events/")
@roles_required(*MANAGERS)
def index():
    """The edition's events (public ones and blocks), those still to be placed last; a venue manager's
    only those in their venues."""
    edition, editions = scope.venue_edition(request.args.get("edition"))
    mine = {t.id for t in _theaters(edition)}
    events = queries.edition_events(edition)
    if not current_user.has_role(Role.STAFF):
        events = [e for e in events if e.theater_id in mine]
    return render_template(
        "events/index.html",
        edition=edition,
        editions=editions,
        events=events,
        speaker_status_labels=SPEAKER_STATUS_LABELS,
    )


@bp.route("/staff/events/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new():
    """Add an event to the edition."""
    edition, _editions = scope.venue_edition(request.args.get("edition"))
    form = _form(edition)
    act = partial(services.create_event, edition, actor=current_user)
    done = submit_form(
        form,
        lambda: act(**form.values()),
        success=_("Event added."),
        target=lambda event: url_for("events.edit", event_id=event.id),
    )
    return _page(done, form, edition=edition, event=None)


@bp.route("/staff/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(event_id: int):
    """Change an event's kind, titles, place, time, capacity and registration."""
    event = _event_or_404(event_id)
    edition = db.session.get(Edition, event.edition_id)
    form = _form(edition, event, data=None if request.method == "POST" else EventForm.data_of(event, edition))
    act = partial(services.update_event, event, actor=current_user)
    target = url_for("events.edit", event_id=event.id)
    done = submit_form(form, lambda: act(**form.values()), success=_("Event saved."), target=target)
    return _page(done, form, edition=edition, event=event)


@bp.post("/staff/events/<int:event_id>/delete")
@roles_required(*MANAGERS)
def delete(event_id: int):
    """Remove an event with its speakers' parts and registrations."""
    event = _event_or_404(event_id)
    edition = db.session.get(Edition, event.edition_id)
    act = partial(services.delete_event, event, actor=current_user)
    return post_button(
        None,
        act,
        success=_("Event removed."),
        back=url_for("events.edit", event_id=event.id),
        target=url_for("events.index", edition=edition.slug),
    )
