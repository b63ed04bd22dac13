"""The online edition: streaming channels instead of (or beside) the museum's rooms.

Staff turn an edition, or part of it, online: an online venue holds the channels (``Theater.online``), each
showing a film in windows of ``window_minutes`` with ``seats`` tickets per window, streaming the edition's
``stream_formats`` (4D cannot stream: its seats move with the film; a film that needs a room's feature,
motion seats or another, cannot either, since a channel has none). "Online only" closes every room for the
window with a block; "hybrid" keeps them. Switching keeps every entry, review and decision: it only adds
venues, theaters and blocks, then starts a solver run (``runs.start_run``) whose result is a new draft.
Services flush, never commit; the caller enqueues the run after its commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival import audit, localtime
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Edition, Event, Screening, SolveRun, Theater, User, Venue
from festival.models.enums import EventKind, FilmFormat
from festival.schedule import adapter, runs

ONLINE_VENUE_CODE = "online"
CLOSED_TITLE = "Closed: the edition is online"
CLOSED_TITLE_ZH = "闭馆：本届改为线上放映"
# formats that cannot stream, and why
NOT_STREAMABLE = {FilmFormat.FOUR_D.value: _l("4D films cannot stream: their seats move with the film.")}
MAX_CHANNELS = 20
MODES = ("hybrid", "online")


@dataclass(frozen=True)
class OnlineSettings:
    """What staff choose: how many channels (streams at once), how long a window is, how many tickets one
    window sells, which formats stream, and whether the rooms stay open (``hybrid``) or close (``online``)."""

    channels: int
    window_minutes: int
    tickets: int
    stream_formats: tuple[str, ...]
    mode: str = "hybrid"


def online_venue(edition: Edition) -> Venue | None:
    stmt = sa.select(Venue).where(Venue.edition_id == edition.id, Venue.code == ONLINE_VENUE_CODE)
    return db.session.scalars(stmt).first()


def channels(edition: Edition) -> list[Theater]:
    """The edition's online channels, in order."""
    return [t for t in adapter.edition_theaters(edition) if t.online]


def rooms(edition: Edition) -> list[Theater]:
    return [t for t in adapter.edition_theaters(edition) if not t.online]


def settings_of(edition: Edition) -> OnlineSettings | None:
    """The online settings in force (from the channels), or None for an edition without channels."""
    found = channels(edition)
    if not found:
        return None
    mode = "online" if any(_closing_blocks(t) for t in rooms(edition)) else "hybrid"
    first = found[0]
    return OnlineSettings(
        len(found), first.window_minutes or 0, first.seats, tuple(edition.stream_formats), mode
    )


def stream_format_errors(formats) -> list[str]:
    """Why some of these formats cannot stream (empty when all can)."""
    errors = [str(NOT_STREAMABLE[f]) for f in formats if f in NOT_STREAMABLE]
    known = {f.value for f in FilmFormat}
    errors += [str(_l("“%(value)s” is not a film format.", value=f)) for f in formats if f not in known]
    return errors


def settings_errors(settings: OnlineSettings) -> dict[str, list[str]]:
    """What is wrong with the settings, by form field; empty when they can be used. The channel's values
    are checked by the solver's reader as well (``adapter.theater_errors``)."""
    errors: dict[str, list[str]] = {}
    if not 1 <= settings.channels <= MAX_CHANNELS:
        errors["channels"] = [str(_l("Give 1 to %(most)s channels.", most=MAX_CHANNELS))]
    if not settings.stream_formats:
        errors["stream_formats"] = [str(_l("Choose at least one format that streams."))]
    elif problems := stream_format_errors(settings.stream_formats):
        errors["stream_formats"] = problems
    if settings.mode not in MODES:
        errors["mode"] = [str(_l("Choose hybrid or online only."))]
    values = {
        "code": "ch1", "name": "ch1", "seats": settings.tickets, "formats": list(settings.stream_formats),
        "features": [], "changeover_minutes": 0, "start_step_minutes": 60, "online": True,
        "window_minutes": settings.window_minutes,
    }  # fmt: skip
    fields = {"seats": "tickets"}  # the reader's field -> the form's; the rest are the window's
    for field, messages in adapter.theater_errors(values, ONLINE_VENUE_CODE).items():
        errors.setdefault(fields.get(field, "window_minutes"), []).extend(messages)
    return errors


def _closing_blocks(theater: Theater) -> list[Event]:
    return [e for e in theater.events if e.kind == EventKind.MAINTENANCE and e.title == CLOSED_TITLE]


def go_online(
    edition: Edition,
    settings: OnlineSettings,
    *,
    actor: User | None,
    time_limit: int = runs.TIME_LIMIT_DEFAULT,
) -> SolveRun:
    """Turn the edition (``online``) or part of it (``hybrid``) online and start the run of its new draft.

    Keeps every entry, review and decision: adds the online venue and its channels (or updates them),
    blocks the rooms for the whole window when online only (or lifts that block for hybrid), then starts a
    run. Refused (InvalidInput, nothing written) for bad settings; a run already in progress is
    ``runs.RunAlreadyActive``."""
    errors = settings_errors(settings)
    if errors:
        raise InvalidInput(_l("The edition was not switched online."), errors=errors)
    before = settings_of(edition)
    venue = online_venue(edition)
    if venue is None:
        venue = Venue(edition_id=edition.id, code=ONLINE_VENUE_CODE, name="Online", name_zh="线上", hours={},
                      closed_dates=[], special_hours={}, city="")  # fmt: skip
        db.session.add(venue)
        db.session.flush()
    existing = {t.code: t for t in venue.theaters}
    for n in range(1, settings.channels + 1):
        code = f"ch{n}"
        channel = existing.pop(code, None) or Theater(code=code, venue_id=venue.id, position=n)
        channel.name, channel.name_zh = f"Stream {n}", f"线上放映 {n}"
        channel.online, channel.window_minutes, channel.seats = (
            True,
            settings.window_minutes,
            settings.tickets,
        )
        channel.formats, channel.features = list(settings.stream_formats), []
        channel.changeover_minutes, channel.start_step_minutes = 0, 60
        db.session.add(channel)
    for extra in existing.values():  # fewer channels: the ones no version shows anything in go
        used = db.session.scalar(
            sa.select(sa.func.count(Screening.id)).where(Screening.theater_id == extra.id)
        )
        if not used:
            db.session.delete(extra)
    edition.stream_formats = list(settings.stream_formats)
    _close_rooms(edition, settings.mode == "online")
    db.session.flush()
    audit.record(
        edition, actor=actor, action="edition.online", old=before.__dict__ if before else None,
        new={**settings.__dict__, "stream_formats": list(settings.stream_formats)},
    )  # fmt: skip
    # closed rooms would hold pins the blocks forbid: an online-only draft starts free of them
    return runs.start_run(edition, actor=actor, time_limit=time_limit, keep_pins=settings.mode == "hybrid")


def _close_rooms(edition: Edition, close: bool) -> None:
    """Block every room for the whole window (online only), or lift those blocks (hybrid)."""
    start = localtime.from_local(datetime.combine(edition.first_day, time()), edition)
    end = localtime.from_local(datetime.combine(edition.last_day + timedelta(days=1), time()), edition)
    for theater in rooms(edition):
        blocks = _closing_blocks(theater)
        if close and not blocks:
            theater.events.append(
                Event(edition_id=edition.id, kind=EventKind.MAINTENANCE, title=CLOSED_TITLE,
                      title_zh=CLOSED_TITLE_ZH, start=start, end=end, public=False)
            )  # fmt: skip
        elif not close:
            for block in blocks:
                db.session.delete(block)
