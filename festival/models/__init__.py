"""ORM models, split by aggregate; importing this package registers every table."""

from festival.models.edition import Edition, RubricCriterion
from festival.models.entry import Entry, EntryImage
from festival.models.event import Event, EventRegistration, EventSpeaker, Speaker
from festival.models.mail import AuditEvent, MailTemplate, OutboxMail
from festival.models.review import Assignment, Conflict, Decision, Panel, PanelEntry, PanelMember, Review
from festival.models.schedule import Screening, SolveRun, TimetableVersion
from festival.models.user import User, UserRole, UserSession
from festival.models.venue import Theater, Venue

__all__ = [
    "Assignment",
    "AuditEvent",
    "Conflict",
    "Decision",
    "Edition",
    "Entry",
    "EntryImage",
    "Event",
    "EventRegistration",
    "EventSpeaker",
    "MailTemplate",
    "OutboxMail",
    "Panel",
    "PanelEntry",
    "PanelMember",
    "Review",
    "RubricCriterion",
    "Screening",
    "Speaker",
    "SolveRun",
    "Theater",
    "TimetableVersion",
    "User",
    "UserRole",
    "UserSession",
    "Venue",
]
