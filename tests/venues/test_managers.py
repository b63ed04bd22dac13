"""Venue managers: ``can_manage_venue``, the pages of their own venues (and only those), the invitation
that grants the scope, removing it, and edition copies that keep it."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from festival import venue_scope as scope
from festival.editions.services import EditionValues, copy_edition
from festival.errors import NotAllowed
from festival.events import services as events
from festival.extensions import db
from festival.models import AuditEvent, Event, Invitation, OutboxMail, Screening, TimetableVersion, Venue
from festival.models.enums import EntryStatus, EventKind, Role, VersionStatus
from festival.models.types import utcnow
from festival.models.venue import VenueManagerVenue
from festival.people import invitations
from festival.venues import managers, services
from tests.factories import TZ
from tests.venues.test_forms import WEEK


@pytest.fixture
def alliance(place, make):
    """The place's museum (A) and a partner museum (B) in Hefei, each with a manager."""
    edition = place["edition"]
    partner = make.venue(edition, code="hefei-stm", name="Hefei Museum", city="hefei", is_partner=True)
    hall = make.theater(partner, code="hall", name="Hall", formats=["documentary"])
    manager_a = make.user(role=Role.VENUE_MANAGER, name="Manager A")
    manager_b = make.user(role=Role.VENUE_MANAGER, name="Manager B")
    managers.grant_scope(manager_a, [place["venue"]], actor=None)
    managers.grant_scope(manager_b, [partner], actor=None)
    db.session.commit()
    return {**place, "partner": partner, "hall": hall, "manager_a": manager_a, "manager_b": manager_b}


def test_can_manage_venue(alliance, make):
    a, b = alliance["venue"], alliance["partner"]
    assert scope.can_manage_venue(alliance["staff"], a) and scope.can_manage_venue(alliance["staff"], b)
    assert scope.can_manage_venue(alliance["manager_b"], b)
    assert not scope.can_manage_venue(alliance["manager_b"], a)
    curator = make.user(role=Role.CURATOR)
    assert not scope.can_manage_venue(curator, a)
    # scope rows without the role give nothing (the role was taken away)
    alliance["manager_b"].roles = {Role.FILMMAKER}
    assert not scope.can_manage_venue(alliance["manager_b"], b)


def _pages(venue, theater, block=None, event=None):
    urls = [f"/staff/venues/{venue.id}/edit", f"/staff/venues/{venue.id}/theaters/new",
            f"/staff/venues/theaters/{theater.id}/edit", f"/staff/venues/{venue.id}/blocks"]  # fmt: skip
    if block is not None:
        urls.append(f"/staff/venues/blocks/{block.id}/edit")
    if event is not None:
        urls.append(f"/staff/events/{event.id}/edit")
    return urls


def _block(theater, **kw) -> Event:
    values = {"kind": EventKind.MAINTENANCE, "title": "x", **kw}
    block = Event(
        edition_id=theater.venue.edition_id, theater_id=theater.id,
        start=datetime(2031, 4, 2, 9, tzinfo=TZ), end=datetime(2031, 4, 2, 10, tzinfo=TZ), **values,
    )  # fmt: skip
    db.session.add(block)
    db.session.flush()
    return block


def test_a_manager_opens_their_venue_and_is_refused_another(client, auth, alliance):
    own_block, other_block = _block(alliance["hall"]), _block(alliance["dome"])
    own_talk, other_talk = _block(alliance["hall"], public=True), _block(alliance["dome"], public=True)
    db.session.commit()
    auth.login_as(alliance["manager_b"])
    for url in _pages(alliance["partner"], alliance["hall"], own_block, own_talk):
        assert client.get(url).status_code == 200, url
    for url in _pages(alliance["venue"], alliance["dome"], other_block, other_talk):
        assert client.get(url).status_code == 403, url
    refused = (
        f"/staff/venues/{alliance['venue'].id}/delete",
        f"/staff/venues/theaters/{alliance['dome'].id}/delete",
        f"/staff/venues/blocks/{other_block.id}/delete",
        f"/staff/events/{other_talk.id}/delete",
    )  # fmt: skip
    for url in refused:
        assert client.post(url).status_code == 403, url
    assert db.session.get(Event, other_block.id) is not None and db.session.get(Venue, alliance["venue"].id)


def test_a_manager_sees_only_their_venues_and_events_in_the_lists(client, auth, make, alliance):
    film = make.entry(alliance["edition"], make.user(), EntryStatus.SUBMITTED, title_en="Secret Selection")
    make.accepted(film)
    _block(alliance["hall"], public=True, title="Hefei talk")
    _block(alliance["dome"], public=True, title="Beijing talk")
    db.session.commit()
    auth.login_as(alliance["manager_b"])
    venues = client.get("/staff/venues/").get_data(as_text=True)
    assert "Hefei Museum" in venues and ">Museum <" not in venues and "Add a venue" not in venues
    assert "A solver run" not in venues and "Venue managers" not in venues
    listing = client.get("/staff/events/").get_data(as_text=True)
    assert "Hefei talk" in listing and "Beijing talk" not in listing
    form = client.get("/staff/events/new").get_data(as_text=True)
    assert "Hall" in form and "Dome" not in form and "Secret Selection" not in form
    auth.login_as(alliance["staff"])
    assert "Secret Selection" in client.get("/staff/events/new").get_data(as_text=True)


def test_a_manager_edits_their_hours_but_not_the_code_city_or_partner_flag(client, auth, alliance):
    partner = alliance["partner"]
    auth.login_as(alliance["manager_b"])
    page = client.get(f"/staff/venues/{partner.id}/edit").get_data(as_text=True)
    assert 'name="code"' not in page and 'name="city"' not in page and 'name="is_partner"' not in page
    data = {"name": "Hefei Museum", "hours_mon": "10:00-16:00", **WEEK, "code": "stolen", "city": "beijing"}
    response = client.post(f"/staff/venues/{partner.id}/edit", data=data)
    assert response.status_code == 303
    db.session.refresh(partner)
    assert partner.hours["mon"] == [["10:00", "16:00"]]
    assert (partner.code, partner.city, partner.is_partner) == ("hefei-stm", "hefei", True)
    with pytest.raises(NotAllowed):
        services.update_venue(partner, actor=alliance["manager_b"], city="beijing")


def test_a_manager_adds_blocks_and_events_only_in_their_theaters(alliance):
    manager = alliance["manager_b"]
    start, end = datetime(2031, 4, 3, 9), datetime(2031, 4, 3, 10)
    assert events.add_blocks([alliance["hall"]], actor=manager, kind=EventKind.MAINTENANCE, label=None,
                             start=start, end=end)  # fmt: skip
    with pytest.raises(NotAllowed):
        events.add_blocks([alliance["dome"]], actor=manager, kind=EventKind.MAINTENANCE, label=None,
                          start=start, end=end)  # fmt: skip
    values = {"kind": EventKind.TALK, "title": "Talk", "public": True, "start": start, "end": end}
    with pytest.raises(NotAllowed):
        events.create_event(alliance["edition"], actor=manager, theater_id=alliance["dome"].id, **values)
    with pytest.raises(Exception, match="theater"):
        events.create_event(alliance["edition"], actor=manager, theater_id=None, **values)


@pytest.mark.parametrize(
    "url",
    [
        "/entries/staff",
        "/review/",
        "/review/staff",
        "/staff/timetable/",
        "/admin/people/",
        "/admin/editions/",
    ],
)
def test_a_manager_sees_nothing_of_entries_curation_runs_or_people(client, auth, alliance, url):
    auth.login_as(alliance["manager_b"])
    assert client.get(url).status_code in (403, 404), url


def test_the_navigation_shows_a_manager_only_their_pages(client, auth, alliance):
    auth.login_as(alliance["manager_b"])
    page = client.get("/staff/venues/").get_data(as_text=True)
    header = page[page.index("<nav") : page.index("</nav>")]
    assert "Venues" in header and "Venue timetable" in header and "Events" in header
    assert "Entries" not in header and "Timetable<" not in header and "People" not in header


def _version(alliance, status=VersionStatus.PUBLISHED) -> TimetableVersion:
    edition = alliance["edition"]
    version = TimetableVersion(
        edition_id=edition.id, status=status, number=1, draft_number=1, published_at=utcnow()
    )
    db.session.add(version)
    db.session.flush()
    return version


def test_a_manager_sees_and_exports_only_their_venues_timetable(client, auth, make, alliance):
    edition = alliance["edition"]
    owner = make.user()
    film = make.entry(edition, owner, title_en="Hefei Film", format="documentary", runtime_minutes=40)
    other = make.entry(edition, owner, title_en="Beijing Film", format="dome", runtime_minutes=40)
    version = _version(alliance)
    for entry, theater in ((film, alliance["hall"]), (other, alliance["dome"])):
        db.session.add(Screening(
            timetable_id=version.id, entry_id=entry.id, theater_id=theater.id,
            start=datetime(2031, 4, 2, 10, tzinfo=TZ), end=datetime(2031, 4, 2, 10, 40, tzinfo=TZ),
        ))  # fmt: skip
    db.session.commit()
    auth.login_as(alliance["manager_b"])
    page = client.get("/staff/venues/timetable").get_data(as_text=True)
    assert "Hefei Film" in page and "Beijing Film" not in page
    csv = client.get("/staff/venues/timetable.csv").get_data(as_text=True)
    assert "Hefei Film" in csv and "Beijing Film" not in csv
    ics = client.get("/staff/venues/timetable.ics").get_data(as_text=True)
    assert "Hefei Film" in ics and "Beijing Film" not in ics
    assert client.get("/staff/venues/timetable?version=draft").status_code == 200
    assert client.get("/staff/venues/timetable.csv?version=draft").status_code == 404  # no draft
    assert client.get("/staff/venues/timetable?edition=nope").status_code == 404


def test_the_invitation_grants_the_role_and_exactly_the_chosen_venues(client, auth, alliance, make):
    third = make.venue(alliance["edition"], code="wuhan-stm", name="Wuhan Museum", city="wuhan")
    db.session.commit()
    auth.login_as(alliance["staff"])
    url = f"/staff/venues/managers/invite?edition={alliance['edition'].slug}"
    response = client.post(url, data={"email": "keeper@hfstm.example.cn", "name": "Keeper",
                                      "venues": [alliance["partner"].id, third.id]})  # fmt: skip
    assert response.status_code == 303
    invitation = db.session.scalars(sa.select(Invitation)).one()
    mail = db.session.scalars(sa.select(OutboxMail)).one()
    assert "Hefei Museum" in mail.body and "Wuhan Museum" in mail.body
    token = mail.body.split("/invitation/")[1].split()[0]
    auth.logout()
    user = invitations.accept_with_new_account(
        token, name="Keeper", password="a long pass phrase 42", locale="en"
    )
    db.session.commit()
    assert Role.VENUE_MANAGER in user.roles and invitation.accepted_by_id == user.id
    assert scope.managed_venue_ids(user) == {alliance["partner"].id, third.id}


def test_invitations_need_a_venue_and_staff(client, auth, alliance):
    auth.login_as(alliance["staff"])
    url = f"/staff/venues/managers/invite?edition={alliance['edition'].slug}"
    response = client.post(url, data={"email": "keeper@hfstm.example.cn", "venues": []})
    assert response.status_code == 422 and "Choose at least one venue." in response.get_data(as_text=True)
    auth.login_as(alliance["manager_b"])
    assert client.get(url).status_code == 403
    with pytest.raises(NotAllowed):
        managers.invite_manager(email="x@example.org", name=None, venues=[alliance["partner"]],
                                actor=alliance["manager_b"])  # fmt: skip


def test_staff_see_and_remove_a_managers_scope_and_the_last_venue_takes_the_role(client, auth, alliance):
    auth.login_as(alliance["staff"])
    page = client.get(f"/staff/venues/?edition={alliance['edition'].slug}").get_data(as_text=True)
    assert "Manager B" in page and "Manager A" in page
    manager = alliance["manager_b"]
    response = client.post(f"/staff/venues/{alliance['partner'].id}/managers/{manager.id}/remove")
    assert response.status_code == 303
    db.session.refresh(manager)
    assert scope.managed_venue_ids(manager) == set() and Role.VENUE_MANAGER not in manager.roles
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "venue.manager_remove" in actions and "user.roles" in actions


def test_copying_the_edition_copies_the_scope_to_the_copied_venues(alliance):
    source = alliance["edition"]
    values = EditionValues(
        slug="copy-2032", name="Copy 2032", reference_prefix="C32", first_day=date(2032, 4, 1),
        last_day=date(2032, 5, 31), entry_deadline=datetime(2032, 3, 1, 23, 59),
    )  # fmt: skip
    report = copy_edition(source, values, actor=alliance["staff"])
    copied = {
        v.code: v for v in db.session.scalars(sa.select(Venue).where(Venue.edition_id == report.edition.id))
    }
    assert (copied["hefei-stm"].city, copied["hefei-stm"].is_partner) == ("hefei", True)
    rows = db.session.execute(
        sa.select(VenueManagerVenue.user_id, VenueManagerVenue.venue_id).where(
            VenueManagerVenue.venue_id.in_([v.id for v in copied.values()])
        )
    ).all()
    assert set(rows) == {(alliance["manager_b"].id, copied["hefei-stm"].id),
                         (alliance["manager_a"].id, copied["cstm"].id)}  # fmt: skip
    assert scope.manager_editions(alliance["manager_b"])[0].id == report.edition.id


def test_an_invitation_sent_again_gives_the_same_venues(alliance):
    first = managers.invite_manager(
        email="keeper@hfstm.example.cn", name=None, venues=[alliance["partner"]], actor=alliance["staff"]
    )
    again = invitations.send_again(first, actor=alliance["staff"])
    assert again.id != first.id and first.revoked_at is not None
    assert managers.invitation_venues(again) == [alliance["partner"]]
