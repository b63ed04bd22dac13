"""State and choice enums used by the models (values are what the database stores)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """What a user may do; a user holds a set of roles (``User.roles``)."""

    FILMMAKER = "filmmaker"
    CURATOR = "curator"
    STAFF = "staff"
    ADMIN = "admin"
    VENUE_MANAGER = "venue_manager"
    VISITOR = "visitor"


# Roles whose holders hold other roles' rights too: an admin holds every staff right (staff does not
# imply curator). ``User.has_role`` reads this, in Python and in SQL.
IMPLIED_ROLES: dict[Role, frozenset[Role]] = {Role.ADMIN: frozenset({Role.STAFF})}

# Rank for "no one grants a role above their own": admin > staff > curator, venue manager > filmmaker,
# visitor. ``User.can_grant`` reads it.
ROLE_RANK: dict[Role, int] = {
    Role.ADMIN: 3,
    Role.STAFF: 2,
    Role.CURATOR: 1,
    Role.VENUE_MANAGER: 1,
    Role.FILMMAKER: 0,
    Role.VISITOR: 0,
}


def ranked(roles) -> list[Role]:
    """Role names as roles, the highest first (ties in the enum's order); unknown names left out."""
    known = {Role(r) for r in roles if r in Role._value2member_map_}
    order = list(Role)
    return sorted(known, key=lambda r: (-ROLE_RANK[r], order.index(r)))


class EditionStatus(enum.StrEnum):
    """An edition's lifecycle, in order (the moves between them: festival.editions.lifecycle)."""

    DRAFT = "draft"
    CALL_OPEN = "call_open"
    REVIEW = "review"  # the call is closed; curators score, staff decide
    PROGRAMMING = "programming"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class HolidayKind(enum.StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"  # a make-up working day on a weekend (调休)


class FilmFormat(enum.StrEnum):
    DOME = "dome"
    GIANT_SCREEN = "giant_screen"
    FOUR_D = "4d"
    DOCUMENTARY = "documentary"
    SCIFI = "scifi"


class EntryStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"


class PremiereStatus(enum.StrEnum):
    WORLD = "world"
    ASIAN = "asian"
    CHINA = "china"
    NONE = "none"


class Audience(enum.StrEnum):
    CHILDREN = "children"
    FAMILIES = "families"
    GENERAL = "general"
    SCHOOL_GROUPS = "school_groups"


class ImageKind(enum.StrEnum):
    POSTER = "poster"
    STILL = "still"


class ReviewStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class DecisionOutcome(enum.StrEnum):
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"


class ConflictKind(enum.StrEnum):
    ENTRY = "entry"
    COMPANY = "company"  # production company or rights holder
    PERSON = "person"  # director or contact person
    COUNTRY = "country"


class EventKind(enum.StrEnum):
    """What an event is. The first seven are programme events; the rest were the kinds of theater blocks
    before blocks became events (kept so that every block keeps its kind)."""

    FORUM = "forum"  # a forum session
    TALK = "talk"
    PANEL = "panel"
    WORKSHOP = "workshop"
    ASTRONOMY_CLASS = "astronomy_class"
    CEREMONY = "ceremony"
    EXHIBITION_OPENING = "exhibition_opening"
    OPENING_CEREMONY = "opening_ceremony"
    AWARD_CEREMONY = "award_ceremony"
    MAINTENANCE = "maintenance"
    OTHER = "other"


# the kinds of events the public programme offers as a filter (the others are blocks' kinds)
PUBLIC_EVENT_KINDS = (
    EventKind.FORUM, EventKind.TALK, EventKind.PANEL, EventKind.WORKSHOP, EventKind.ASTRONOMY_CLASS,
    EventKind.CEREMONY, EventKind.EXHIBITION_OPENING, EventKind.OPENING_CEREMONY, EventKind.AWARD_CEREMONY,
)  # fmt: skip


class SpeakerStatus(enum.StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    SCENARIO = "scenario"  # a scenario's result: never among the drafts, never published (promote copies it)


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"


class MailStatus(enum.StrEnum):
    """Where an outgoing mail is (festival.mail.services holds the transitions)."""

    KEPT = "kept"  # no SMTP server configured: the outbox is where it goes
    QUEUED = "queued"  # waiting for the job queue (first try, or a retry at next_attempt_at)
    SENDING = "sending"  # a worker is handing it to the SMTP server
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # refused for good, or still failing after the last try


def enum_column(enum_cls: type[enum.Enum], name: str):
    """A portable string-backed enum column type with a named CHECK constraint."""
    import sqlalchemy as sa

    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
