"""Speakers: staff add them to events (by e-mail), they confirm or decline each event and keep their
bilingual bio and photo themselves; nobody speaks at two events at once.

**The invitation** is the people area's (``festival.people.invitations``, purpose ``speaker``, target the
event): adding a speaker mails them the link; accepting it (a new account, or the invited address's
existing one) attaches the speaker's profile to the account, which then answers and edits the profile on
``/speaking/``. Removing a speaker withdraws their pending invitation to that event.

**Double-booking** (``check_double_booking``): a speaker's events that are not declined may not overlap,
and between two events at different venues there must be at least ``SPEAKER_TRAVEL_MINUTES`` (app
setting, 60 by default) to get from one to the other. The rule runs when a speaker is added, when they
confirm, and when an event's time or theater changes (``festival.events.services.update_event``); the
refusal names both events.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival import localtime
from festival.audit import record
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.extensions import db
from festival.labels import event_title
from festival.models import Edition, Event, EventSpeaker, Invitation, Speaker, Theater, User
from festival.models.enums import Role, SpeakerStatus
from festival.navigation import localized
from festival.people import invitations
from festival.submissions import uploads

log = logging.getLogger(__name__)
DEFAULT_TRAVEL_MINUTES = 60
PROFILE_FIELDS = ("name", "name_zh", "affiliation", "bio", "bio_zh")
SPEAKER = "speaker"  # the invitations' purpose (festival.people.invitations)


def travel_time() -> timedelta:
    """The least time between two events of one speaker at different venues."""
    return timedelta(minutes=int(current_app.config.get("SPEAKER_TRAVEL_MINUTES", DEFAULT_TRAVEL_MINUTES)))


def normalised_email(email: str) -> str:
    text = (email or "").strip().lower()
    if "@" not in text or text.startswith("@") or text.endswith("@") or len(text) > 254 or " " in text:
        raise InvalidInput(errors={"email": [_l("Give the speaker's e-mail address.")]})
    return text


def _venue_id(event: Event) -> int | None:
    theater = db.session.get(Theater, event.theater_id) if event.theater_id else None
    return theater.venue_id if theater else None


def _when(event: Event) -> str:
    edition = db.session.get(Edition, event.edition_id)
    start, end = (
        localtime.format_local(event.start, edition),
        localtime.format_local(event.end, edition, "HH:mm"),
    )
    return f"{start}–{end}"


def clash(speaker: Speaker, event: Event, other: Event) -> object | None:
    """Why ``speaker`` cannot speak at both events (in words naming both), or None when they can."""
    if event.start is None or other.start is None or event.id == other.id:
        return None
    names = {
        "name": localized(speaker, "name"),
        "other": event_title(other),
        "other_when": _when(other),
        "event": event_title(event),
        "when": _when(event),
    }
    if event.start < other.end and other.start < event.end:
        return _l(
            "%(name)s already speaks at “%(other)s” (%(other_when)s), which overlaps “%(event)s” (%(when)s).",
            **names,
        )
    here, there = _venue_id(event), _venue_id(other)
    gap = event.start - other.end if other.end <= event.start else other.start - event.end
    if here is not None and there is not None and here != there and gap < travel_time():
        return _l(
            "%(name)s speaks at “%(other)s” (%(other_when)s) at another venue: the %(gap)s minutes between "
            "it and “%(event)s” (%(when)s) are too few to get there; at least %(least)s are needed.",
            gap=int(gap.total_seconds() // 60),
            least=int(travel_time().total_seconds() // 60),
            **names,
        )
    return None


def check_double_booking(speaker: Speaker, event: Event, *, field: str = "") -> None:
    """Refuse (InvalidInput on ``field``) when the speaker's other events that are not declined clash
    with ``event``."""
    stmt = (
        sa.select(Event)
        .join(EventSpeaker, EventSpeaker.event_id == Event.id)
        .where(
            EventSpeaker.speaker_id == speaker.id,
            EventSpeaker.status != SpeakerStatus.DECLINED,
            Event.id != event.id,
            Event.start.is_not(None),
        )
        .order_by(Event.start)
    )
    for other in db.session.scalars(stmt):
        if (message := clash(speaker, event, other)) is not None:
            raise InvalidInput(errors={field: [message]})


def check_event_speakers(event: Event) -> None:
    """After an event's time or theater changed: none of its speakers (not declined) is double-booked."""
    for part in event.speakers:
        if part.status != SpeakerStatus.DECLINED:
            check_double_booking(part.speaker, event, field="start")


def speaker_for_email(email: str, name: str) -> Speaker:
    """The speaker with this address (created, with this name, when new)."""
    address = normalised_email(email)
    speaker = db.session.scalar(sa.select(Speaker).where(Speaker.email == address))
    if speaker is None:
        if not (name or "").strip():
            raise InvalidInput(errors={"name": [_l("Give the speaker's name.")]})
        speaker = Speaker(email=address, name=name.strip())
        db.session.add(speaker)
        db.session.flush()
    return speaker


def add_speaker(event: Event, *, email: str, name: str, actor: User) -> EventSpeaker:
    """Add a speaker to an event (invited until they answer) and mail them the invitation's link. Raises
    InvalidInput: no address or name, the speaker is on the event already, or double-booked."""
    speaker = speaker_for_email(email, name)
    if any(part.speaker_id == speaker.id for part in event.speakers):
        raise InvalidInput(
            errors={"email": [_l("%(name)s is a speaker of this event already.", name=speaker.name)]}
        )
    check_double_booking(speaker, event, field="email")
    part = EventSpeaker(speaker_id=speaker.id, status=SpeakerStatus.INVITED, position=len(event.speakers))
    event.speakers.append(part)
    db.session.flush()
    record(event, actor=actor, action="event.speaker_add", new={"speaker": speaker.email})
    _invite(event, speaker, actor)
    return part


def _invite(event: Event, speaker: Speaker, actor: User) -> Invitation:
    """Mail the speaker the link of an invitation to the event (it makes their account a visitor's)."""
    return invitations.invite(
        email=speaker.email,
        purpose=SPEAKER,
        actor=actor,
        roles=[Role.VISITOR],
        name=speaker.name,
        target=event,
    )


def _describe_talk(invitation: Invitation) -> str:
    event = db.session.get(Event, invitations.target_id(invitation, Event))
    if event is None:
        return _("to speak at the festival")
    edition = db.session.get(Edition, event.edition_id)
    if event.start is None:
        return _("to speak at “%(event)s”, %(edition)s", event=event_title(event), edition=edition.name)
    return _(
        "to speak at “%(event)s” (%(when)s), %(edition)s",
        event=event_title(event),
        when=_when(event),
        edition=edition.name,
    )


def _attach_invited(invitation: Invitation, user: User) -> None:
    """On accepting a speaker's invitation: the invited address's speaker profile is the account's."""
    speaker = db.session.scalar(sa.select(Speaker).where(Speaker.email == invitation.email))
    if speaker is None:  # removed since
        raise invitations.InvitationWithdrawn()
    own = db.session.scalar(sa.select(Speaker).where(Speaker.user_id == user.id))
    if own is not None and own.id != speaker.id:
        raise InvalidTransition(_l("Your account already speaks under another address."))
    if speaker.user_id is not None and speaker.user_id != user.id:
        raise InvalidTransition(_l("This speaker's profile belongs to another account."))
    if speaker.user_id is None:
        attach(speaker, user)


invitations.register_purpose(
    SPEAKER,
    invitations.Purpose(
        describe=_describe_talk,
        accepted=_attach_invited,
        landing=lambda invitation, user: url_for("events.speaking"),
    ),
)


def send_again(event: Event, speaker: Speaker, *, actor: User) -> Invitation:
    """Mail a speaker of the event their invitation again, with a new link. Raises InvalidTransition when
    they accepted it already (their account is attached) or are not a speaker of the event."""
    if not any(part.speaker_id == speaker.id for part in event.speakers):
        raise InvalidTransition(_l("This person is not a speaker of the event."))
    if speaker.user_id is not None:
        raise InvalidTransition(
            _l("%(name)s has accepted already and answers on their own page.", name=speaker.name)
        )
    last = invitations.latest(SPEAKER, event, speaker.email)
    if last is None or last.accepted_at is not None:
        return _invite(event, speaker, actor)
    return invitations.send_again(last, actor=actor)


def remove_speaker(event: Event, speaker: Speaker, *, actor: User | None) -> None:
    """Take a speaker off an event."""
    part = next((p for p in event.speakers if p.speaker_id == speaker.id), None)
    if part is None:
        raise InvalidTransition(_l("This person is not a speaker of the event."))
    event.speakers.remove(part)
    db.session.flush()
    record(event, actor=actor, action="event.speaker_remove", old={"speaker": speaker.email})
    last = invitations.latest(SPEAKER, event, speaker.email)
    if last is not None and last.is_pending(localtime.now()):
        invitations.withdraw(last, actor=actor)


def speaker_of(user: User) -> Speaker | None:
    """The speaker the account is (attached by an accepted invitation)."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(sa.select(Speaker).where(Speaker.user_id == user.id))


def attach(speaker: Speaker, user: User) -> None:
    """The account ``user`` is this speaker from now on (it edits the speaker's bio and answers)."""
    speaker.user_id = user.id
    db.session.flush()


def answer(event: Event, user: User, *, confirm: bool) -> EventSpeaker:
    """The speaker confirms (checked for double-booking) or declines their part in an event. Raises
    NotAllowed when the account is not a speaker of the event."""
    speaker = speaker_of(user)
    part = next((p for p in event.speakers if speaker is not None and p.speaker_id == speaker.id), None)
    if part is None:
        raise NotAllowed(_l("You are not a speaker of this event."))
    if confirm:
        check_double_booking(speaker, event)
    part.status = SpeakerStatus.CONFIRMED if confirm else SpeakerStatus.DECLINED
    part.answered_at = localtime.now()
    db.session.flush()
    record(event, actor=user, action="event.speaker_confirm" if confirm else "event.speaker_decline")
    return part


def update_profile(speaker: Speaker, *, actor: User, **values) -> Speaker:
    """The speaker's own name, Chinese name, affiliation and bilingual bio."""
    if speaker.user_id != actor.id:
        raise NotAllowed(_l("Only the speaker edits their profile."))
    if not (values.get("name") or "").strip():
        raise InvalidInput(errors={"name": [_l("Give your name.")]})
    for key in PROFILE_FIELDS:
        setattr(speaker, key, values.get(key))
    db.session.flush()
    record(speaker, actor=actor, action="speaker.profile", new={k: values.get(k) for k in PROFILE_FIELDS})
    return speaker


# ---------------------------------------------------------------- photo


def photo_folder() -> Path:
    """Where speakers' photos are stored (beside the entries' images, never under static/)."""
    return Path(current_app.config["UPLOAD_FOLDER"]) / "speakers"


def photo_path(speaker: Speaker, variant: str = "full") -> Path:
    """The stored photo (or its thumbnail) of a speaker; the name comes from the database."""
    name = speaker.photo_name or ""
    return photo_folder() / (uploads.thumbnail_name(name) if variant == "thumb" else Path(name).name)


def set_photo(speaker: Speaker, *, actor: User, upload) -> Speaker:
    """Check and store the speaker's photo exactly as an entry's images are checked (by content, bytes,
    pixels, a confirmed address; decoded a few at a time); it replaces the old one. Raises InvalidInput on
    ``photo``."""
    if speaker.user_id != actor.id:
        raise NotAllowed(_l("Only the speaker edits their profile."))
    if actor.email_confirmed_at is None:
        raise InvalidInput(
            errors={"photo": [_l("Please confirm your e-mail address before uploading a photo.")]}
        )
    try:
        clean = uploads.checked_upload(actor.id, upload.stream)
    except uploads.UploadRejected as exc:
        raise InvalidInput(errors={"photo": [str(exc)]}) from exc
    name = uploads.new_stored_name(clean.extension)
    try:
        uploads.store_in(db.session, photo_folder(), name, clean)
    except OSError as exc:  # the server's fault: nothing is saved
        log.error("could not store a speaker's photo: %s", exc)
        message = _l(
            "The server could not store the photo just now; nothing was saved. Please try again later."
        )
        raise InvalidInput(errors={"photo": [message]}) from exc
    if speaker.photo_name:
        uploads.remove_paths_after_commit(db.session, [photo_path(speaker), photo_path(speaker, "thumb")])
    speaker.photo_name, speaker.photo_mime = name, clean.mime_type
    db.session.flush()
    record(speaker, actor=actor, action="speaker.photo", new={"photo": name})
    return speaker
