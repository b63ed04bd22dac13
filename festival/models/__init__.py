"""ORM models, split by aggregate; importing this package registers every table."""

from festival.models.audience import (
    AudienceSettings,
    AwardCategory,
    JuryBallot,
    JuryMember,
    Nomination,
    PlanFeed,
    PlanItem,
    Star,
    ViewerVote,
    VisitorDays,
)
from festival.models.edition import Edition, EditionHoliday, RubricCriterion
from festival.models.entry import Entry, EntryImage
from festival.models.event import Event, EventRegistration, EventSpeaker, Speaker
from festival.models.invitation import Invitation
from festival.models.mail import AuditEvent, MailTemplate, OutboxMail
from festival.models.review import Assignment, Conflict, Decision, Panel, PanelEntry, PanelMember, Review
from festival.models.scenario import Scenario
from festival.models.schedule import Screening, SolveRun, TimetableVersion
from festival.models.shorts import ShortsProgramme, ShortsProgrammeEntry, ShortsProposal
from festival.models.user import User, UserRole, UserSession
from festival.models.venue import FilmPrint, InvitationVenue, Theater, TransitDays, Venue, VenueManagerVenue

__all__ = [
    "Assignment",
    "AudienceSettings",
    "AuditEvent",
    "AwardCategory",
    "Conflict",
    "Decision",
    "Edition",
    "EditionHoliday",
    "Entry",
    "JuryBallot",
    "JuryMember",
    "EntryImage",
    "Invitation",
    "InvitationVenue",
    "Event",
    "FilmPrint",
    "EventRegistration",
    "EventSpeaker",
    "MailTemplate",
    "Nomination",
    "OutboxMail",
    "Panel",
    "PanelEntry",
    "PanelMember",
    "PlanFeed",
    "PlanItem",
    "Review",
    "RubricCriterion",
    "Scenario",
    "Screening",
    "ShortsProgramme",
    "ShortsProgrammeEntry",
    "ShortsProposal",
    "Speaker",
    "SolveRun",
    "Star",
    "Theater",
    "TimetableVersion",
    "TransitDays",
    "User",
    "UserRole",
    "UserSession",
    "Venue",
    "VenueManagerVenue",
    "ViewerVote",
    "VisitorDays",
]
