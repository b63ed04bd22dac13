"""A populated festival for the route walk and the fuzz tests: the demo, a published timetable,
and one object of every kind a URL can name, seen by seven kinds of visitor."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from festival.auth.sessions import start_session
from festival.demo.services import DEMO_ACCOUNTS, load_demo
from festival.demo.timetable import demo_edition, publish_demo_timetable
from festival.editions import open_editions
from festival.extensions import db
from festival.mail.services import send_mail
from festival.models import (
    Assignment,
    Conflict,
    Entry,
    Event,
    EventSpeaker,
    OutboxMail,
    Panel,
    PanelMember,
    RubricCriterion,
    Scenario,
    Screening,
    ShortsProgramme,
    ShortsProposal,
    SolveRun,
    Speaker,
    Theater,
    TimetableVersion,
    User,
    UserSession,
    Venue,
    VenueManagerVenue,
)
from festival.models.enums import ConflictKind, EntryStatus, ImageKind, Role, VersionStatus
from festival.people import services as people
from festival.review import services as review
from festival.schedule import versions
from festival.submissions import images as submission_images
from tests import factories

ROLES = ("anonymous", "filmmaker", "other_filmmaker", "curator", "conflicted_curator", "staff", "admin")


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)
    args: dict[str, object] = field(default_factory=dict)
    # endpoint -> arguments that differ from ``args`` (e.g. a film of the published programme)
    overrides: dict[str, dict[str, object]] = field(default_factory=dict)
    # venue managers: "manager" looks after the walk's venue, "other_manager" a partner venue of the edition
    managers: dict[str, User] = field(default_factory=dict)


def _first(model, *where):
    return db.session.scalars(sa.select(model).where(*where).order_by(model.id)).first()


def _png() -> FileStorage:
    data = factories.image_bytes("PNG", size=(300, 450))
    return FileStorage(stream=io.BytesIO(data), filename="poster.png", content_type="image/png")


def _filmmaker_session(filmmaker: User) -> int:
    """The id of a server-side session of the filmmaker (the one other visitors try to end)."""
    start_session(filmmaker, remember=False, user_agent="walk", address="127.0.0.1")
    db.session.flush()
    return db.session.scalar(
        sa.select(sa.func.max(UserSession.id)).where(UserSession.user_id == filmmaker.id)
    )


def build_world() -> World:
    """Load the demo and add what the walk needs; commits."""
    load_demo()
    db.session.commit()
    old = demo_edition()
    publish_demo_timetable(old, actor=None, time_limit=1)
    by_email = {u.email: u for u in db.session.scalars(sa.select(User))}
    filmmaker = by_email[DEMO_ACCOUNTS[0][0]]
    curator, conflicted = by_email[DEMO_ACCOUNTS[1][0]], by_email[DEMO_ACCOUNTS[2][0]]
    staff, admin = by_email[DEMO_ACCOUNTS[3][0]], by_email[DEMO_ACCOUNTS[4][0]]
    other = factories.user(Role.FILMMAKER, email="other.filmmaker@example.org")

    edition = open_editions()[0]
    entry = _first(
        Entry,
        Entry.edition_id == edition.id,
        Entry.owner_id == filmmaker.id,
        Entry.status == EntryStatus.SUBMITTED,
    )
    # the target entry is assigned to the curator; the other curator declares a conflict with it
    if _first(Assignment, Assignment.entry_id == entry.id, Assignment.curator_id == curator.id) is None:
        review.assign(entry, curator, actor=staff)
    for a in db.session.scalars(sa.select(Assignment).where(Assignment.entry_id == entry.id)):
        if a.curator_id == conflicted.id:
            review.unassign(a, actor=staff)
    review.declare_conflict(edition, curator=conflicted, kind=ConflictKind.ENTRY, entry=entry, reason="walk")
    entry.reopened_until = None
    db.session.flush()
    image = submission_images.add_image(
        entry,
        actor=filmmaker,
        kind=ImageKind.POSTER,
        upload=_png(),
        now=edition.entry_deadline - timedelta(days=1),
    )
    mail = send_mail(to=filmmaker.email, subject="Walk", body="Walk", kind="test")
    published = _first(
        TimetableVersion,
        TimetableVersion.edition_id == old.id,
        TimetableVersion.status == VersionStatus.PUBLISHED,
    )
    draft = versions.create_draft(old, actor=staff, based_on=published)
    db.session.flush()
    screening = _first(Screening, Screening.timetable_id == draft.id)
    theater = db.session.get(Theater, screening.theater_id)
    venue = db.session.get(Venue, theater.venue_id)
    block = Event(
        edition_id=venue.edition_id,
        theater_id=theater.id,
        kind="maintenance",
        title="walk",
        start=screening.start.replace(hour=1),
        end=screening.start.replace(hour=2),
    )
    talk = Event(
        edition_id=venue.edition_id,
        theater_id=theater.id,
        kind="talk",
        title="Walk talk",
        start=screening.start.replace(hour=2),
        end=screening.start.replace(hour=3),
        public=True,
        capacity=10,
        registration_required=True,
    )
    partner = factories.venue(old, code="walk-partner", name="Walk Partner", city="hefei", is_partner=True)
    factories.theater(partner, code="walk-hall", formats=["documentary"])
    managers = {
        "manager": factories.user(Role.VENUE_MANAGER, email="walk-manager@example.org"),
        "other_manager": factories.user(Role.VENUE_MANAGER, email="walk-other-manager@example.org"),
    }
    db.session.add_all([
        VenueManagerVenue(user_id=managers["manager"].id, venue_id=venue.id),
        VenueManagerVenue(user_id=managers["other_manager"].id, venue_id=partner.id),
    ])  # fmt: skip
    speaker = Speaker(email="walk-speaker@example.org", name="Walk Speaker")
    db.session.add_all([block, talk, speaker])
    db.session.flush()
    talk.speakers.append(EventSpeaker(speaker_id=speaker.id, status="confirmed"))
    db.session.flush()
    scenario = Scenario(edition_id=old.id, name="Walk", base_version_id=draft.id, changes={})
    # a shorts programme that no published version screens: staff see it, the public has no page of it
    shorts = ShortsProgramme(edition_id=old.id, title_en="Walk shorts")
    proposal = ShortsProposal(edition_id=old.id, status="finished", result={"programmes": [], "left_out": []})
    db.session.add_all([scenario, shorts, proposal])
    db.session.flush()
    panel = _first(Panel, Panel.edition_id == edition.id)
    invitation = people.invite_to_team(
        email="invited@example.org", name=None, roles=[Role.CURATOR], actor=admin
    )
    world = World(managers=managers)
    world.users = {
        "anonymous": None,
        "filmmaker": filmmaker,
        "other_filmmaker": other,
        "curator": curator,
        "conflicted_curator": conflicted,
        "staff": staff,
        "admin": admin,
    }
    world.args = {
        "session_id": _filmmaker_session(filmmaker),
        "entry_id": entry.id,
        "image_id": image.id,
        "variant": "thumb",
        "step": "film",
        "version_id": draft.id,
        "screening_id": screening.id,
        "run_id": _first(SolveRun).id,
        "scenario_id": scenario.id,
        "programme_id": shorts.id,
        "proposal_id": proposal.id,
        "action": "remove",
        "venue_id": venue.id,
        "theater_id": theater.id,
        "block_id": block.id,
        "event_id": talk.id,
        "speaker_id": speaker.id,
        "answer": "confirm",
        "panel_id": panel.id,
        "member_id": _first(PanelMember, PanelMember.panel_id == panel.id).id,
        "criterion_id": _first(RubricCriterion, RubricCriterion.edition_id == edition.id).id,
        "assignment_id": _first(Assignment, Assignment.entry_id == entry.id).id,
        "conflict_id": _first(Conflict, Conflict.curator_id == conflicted.id).id,
        "edition_id": old.id,
        "category_id": 1,  # an award category of the walk's edition (there is none: refused alike)
        "slug": old.slug,  # the edition with a published programme
        "mail_id": mail.id if isinstance(mail, OutboxMail) else mail,
        "token": "not-a-valid-token",
        "user_id": filmmaker.id,
        "invitation_id": invitation.id,
        "holiday_id": old.holidays[0].id,
        "kind": "decision_accepted",
        "language": "en",
        "lang": "zh",
        "filename": "css/site.css",
    }
    shown = _first(Screening, Screening.timetable_id == published.id)
    programme = {"entry_id": shown.entry_id, "screening_id": shown.id}
    world.overrides = {
        "api.film": programme,
        "programme.film": programme,
        "programme.poster": programme,
        "programme.film_ics": programme,
        "programme.screening_ics": programme,
        "schedule.film_ics": {"entry_id": screening.entry_id},
        "edition_admin.film_prints_form": programme,  # an accepted film of the edition in the address
    }
    db.session.commit()
    return world
