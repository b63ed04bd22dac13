"""Views of the venues area: venues with opening hours, theaters, and the blocks when a theater is taken
(blocks are events that are not public: festival.events.services writes them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from festival.editions import staff_edition, staff_editions
from festival.errors import InvalidInput
from festival.events import services as events
from festival.extensions import db
from festival.formtools import choices
from festival.handlers import Render, post_button, submit_form
from festival.labels import EVENT_KIND_LABELS, FORMAT_LABELS
from festival.models import Edition, Event, Theater, Venue
from festival.models.enums import Role
from festival.navigation import localized
from festival.schedule import adapter
from festival.security import roles_required
from festival.venues import bp, services
from festival.venues.forms import (
    WEEKDAY_LABELS,
    BlockForm,
    CopyVenuesForm,
    TheaterForm,
    VenueForm,
)
from festival.venues.hours import format_intervals


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _edition_of(venue: Venue) -> Edition:
    return db.session.get(Edition, venue.edition_id)


def _index_url(edition: Edition, venue: Venue | None = None) -> str:
    return url_for("venues.index", edition=edition.slug, _anchor=f"venue-{venue.id}" if venue else None)


def _submit(form, act: Callable[..., object], done: str, target: str) -> Response | Render:
    """A venue, theater or block form: its values to the service (``festival.handlers.submit_form``)."""
    return submit_form(form, lambda: act(**form.values()), success=done, target=target)


def _perform(act: Callable[[], object], done: str, target: str) -> Response:
    """A button that needs no form (delete, copy): ``festival.handlers.post_button``, back to ``target``."""
    return post_button(None, act, success=done, back=target)


def _page(outcome: Response | Render, template: str, form, **context):
    """The redirect after a save, or the form's page again with the outcome's status."""
    if not isinstance(outcome, Render):
        return outcome
    return _render(template, form, status=outcome.status, **context)


def _render(template: str, form, status: int = 200, **context):
    context.setdefault("weekday_labels", WEEKDAY_LABELS)
    context.setdefault("format_labels", FORMAT_LABELS)
    context.setdefault("block_labels", EVENT_KIND_LABELS)
    return render_template(template, form=form, **context), status


def _initial(form_class, *objects) -> dict | None:
    """Initial form data from an object on GET; None on POST so the submitted data is used."""
    return None if request.method == "POST" else form_class.data_of(*objects)


# ---------------------------------------------------------------- venues


def _copy_form(edition: Edition) -> CopyVenuesForm:
    form = CopyVenuesForm()
    others = [e for e in staff_editions() if e.id != edition.id and adapter.edition_venues(e)]
    form.source.choices = choices((e.id, e.name) for e in others)
    return form


@bp.get("/")
@roles_required(Role.STAFF)
def index():
    """The edition's venues with their hours, theaters and blocks, and what the solver says about them."""
    edition = staff_edition(request.args.get("edition"))
    errors, warnings = services.solver_problems(edition)
    return _render(
        "venues/index.html",
        None,
        copy_form=_copy_form(edition),
        edition=edition,
        editions=staff_editions(),
        venues=adapter.edition_venues(edition),
        solver_errors=errors,
        solver_warnings=warnings,
        format_intervals=format_intervals,
    )


@bp.post("/copy")
@roles_required(Role.STAFF)
def copy_venues():
    """Copy another edition's venues (weekly hours) and theaters into this edition."""
    edition = staff_edition(request.args.get("edition"))
    form = _copy_form(edition)
    if not form.validate_on_submit():
        flash(_("Choose an edition to copy from."), "error")
        return redirect(_index_url(edition), 303)
    source = _get(Edition, form.source.data)
    act = partial(services.copy_venues, source, edition, actor=current_user)
    return _perform(
        act,
        _(
            "Venues, theaters and recurring events copied; add this year's holidays, closed dates and "
            "one-off blocks."
        ),
        _index_url(edition),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def new_venue():
    """Add a venue to the edition."""
    edition = staff_edition(request.args.get("edition"))
    form = VenueForm()
    act = partial(services.create_venue, edition, actor=current_user)
    done = _submit(form, act, _("Venue added."), _index_url(edition))
    return _page(done, "venues/venue_form.html", form, edition=edition, venue=None)


@bp.route("/<int:venue_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def edit_venue(venue_id: int):
    """Change a venue's names, weekly hours, closed dates and special hours."""
    venue = _get(Venue, venue_id)
    edition = _edition_of(venue)
    form = VenueForm(data=_initial(VenueForm, venue))
    act = partial(services.update_venue, venue, actor=current_user)
    done = _submit(form, act, _("Venue saved."), _index_url(edition, venue))
    return _page(done, "venues/venue_form.html", form, edition=edition, venue=venue)


@bp.post("/<int:venue_id>/delete")
@roles_required(Role.STAFF)
def delete_venue(venue_id: int):
    """Delete a venue that no timetable uses."""
    venue = _get(Venue, venue_id)
    edition = _edition_of(venue)
    act = partial(services.delete_venue, venue, actor=current_user)
    return _perform(act, _("Venue deleted."), _index_url(edition))


# ---------------------------------------------------------------- theaters


@bp.route("/<int:venue_id>/theaters/new", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def new_theater(venue_id: int):
    """Add a theater to a venue."""
    venue = _get(Venue, venue_id)
    edition = _edition_of(venue)
    form = TheaterForm()
    act = partial(services.create_theater, venue, actor=current_user)
    done = _submit(form, act, _("Theater added."), _index_url(edition, venue))
    return _page(done, "venues/theater_form.html", form, edition=edition, venue=venue, theater=None)


@bp.route("/theaters/<int:theater_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def edit_theater(theater_id: int):
    """Change a theater's seats, formats, features, changeover and start step."""
    theater = _get(Theater, theater_id)
    edition = _edition_of(theater.venue)
    form = TheaterForm(data=_initial(TheaterForm, theater))
    act = partial(services.update_theater, theater, actor=current_user)
    done = _submit(form, act, _("Theater saved."), _index_url(edition, theater.venue))
    return _page(
        done, "venues/theater_form.html", form, edition=edition, venue=theater.venue, theater=theater
    )


@bp.post("/theaters/<int:theater_id>/delete")
@roles_required(Role.STAFF)
def delete_theater(theater_id: int):
    """Delete a theater that no timetable uses."""
    theater = _get(Theater, theater_id)
    target = _index_url(_edition_of(theater.venue), theater.venue)
    act = partial(services.delete_theater, theater, actor=current_user)
    return _perform(act, _("Theater deleted."), target)


# ---------------------------------------------------------------- blocks


def _block_form(venue: Venue, **kwargs) -> BlockForm:
    form = BlockForm(**kwargs)
    form.theaters.choices = choices((t.id, localized(t, "name")) for t in venue.theaters)
    return form


def _block(block_id: int) -> Event:
    """A block of a theater (an event that is not public; public events are edited on the events pages)."""
    block = _get(Event, block_id)
    if block.public or block.theater is None:
        abort(404)
    return block


def _block_theaters(venue: Venue, ids: list[int]) -> list[Theater]:
    wanted = set(ids or [])
    return [t for t in venue.theaters if t.id in wanted]


@bp.route("/<int:venue_id>/blocks", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def blocks(venue_id: int):
    """The venue's blocks, and a form to block one or more theaters for a period."""
    venue = _get(Venue, venue_id)
    edition = _edition_of(venue)
    form = _block_form(venue)

    def act(**values):
        return events.add_blocks(_block_theaters(venue, form.theaters.data), actor=current_user, **values)

    done = _submit(form, act, _("Block added."), url_for("venues.blocks", venue_id=venue.id))
    rows = sorted(
        (e for t in venue.theaters for e in adapter.placed_events(t)),
        key=lambda e: (e.start, e.theater.position),
    )
    return _page(done, "venues/blocks.html", form, edition=edition, venue=venue, blocks=rows)


@bp.route("/blocks/<int:block_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def edit_block(block_id: int):
    """Change one block (its theater, kind, label and period)."""
    block = _block(block_id)
    venue = block.theater.venue
    edition = _edition_of(venue)
    form = _block_form(venue, data=_initial(BlockForm, block, edition))

    def act(**values):
        chosen = _block_theaters(venue, form.theaters.data)
        if len(chosen) != 1:
            raise InvalidInput(errors={"theaters": [_("Tick exactly one theater for an existing block.")]})
        return events.update_block(block, actor=current_user, theater=chosen[0], **values)

    done = _submit(form, act, _("Block saved."), url_for("venues.blocks", venue_id=venue.id))
    return _page(done, "venues/block_form.html", form, edition=edition, venue=venue, block=block)


@bp.post("/blocks/<int:block_id>/delete")
@roles_required(Role.STAFF)
def delete_block(block_id: int):
    """Remove a block."""
    block = _block(block_id)
    target = url_for("venues.blocks", venue_id=block.theater.venue_id)
    act = partial(events.delete_block, block, actor=current_user)
    return _perform(act, _("Block removed."), target)
