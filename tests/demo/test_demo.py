"""`flask demo load` builds the demo festival once."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from festival.demo.alliance import MANAGED_VENUE, MANAGER, alliance_data
from festival.demo.services import DEMO_ACCOUNTS, DemoRefused, load_demo
from festival.extensions import db
from festival.models import Decision, Edition, Entry, Event, Screening, Theater, User
from festival.models.enums import EditionStatus, EntryStatus, Role
from festival.models.types import utcnow

INSTANCE = Path(__file__).resolve().parents[2] / "data" / "instances" / "cstm-2021.json"


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_demo_load_builds_2021_edition_from_instance_and_is_idempotent(runner):
    result = runner.invoke(args=["demo", "load", "--no-timetable"])
    assert result.exit_code == 0, result.output
    assert "Demo festival loaded." in result.output
    for email in ("filmmaker@demo.festival", "curator1@demo.festival", "staff@demo.festival"):
        assert email in result.output

    instance = json.loads(INSTANCE.read_text())
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == "bjiff-11-st"))
    assert edition.entry_deadline.isoformat() == "2021-03-14T15:59:00+00:00"
    assert str(edition.first_day) == "2021-04-01" and str(edition.last_day) == "2021-05-31"
    accepted = _count(Entry, Entry.edition_id == edition.id, Entry.status == EntryStatus.ACCEPTED)
    assert accepted == len(instance["films"])
    film = instance["films"][1]
    entry = db.session.scalar(sa.select(Entry).where(Entry.title_original == film["title"]))
    decision = db.session.scalar(sa.select(Decision).where(Decision.entry_id == entry.id))
    assert entry.runtime_minutes == film["runtime_minutes"]
    assert (decision.min_screenings, decision.max_screenings) == (
        film["min_screenings"],
        film["max_screenings"],
    )
    assert decision.popularity == film["popularity"]
    partners = alliance_data()["venues"]
    assert _count(Theater) == len(instance["theaters"]) + sum(len(v["theaters"]) for v in partners)
    assert _count(Screening, Screening.pinned.is_(True)) == len(instance["fixed"])
    roles = set().union(*(u.roles for u in db.session.scalars(sa.select(User))))
    assert {Role.FILMMAKER, Role.CURATOR, Role.STAFF, Role.ADMIN} <= roles

    open_edition = db.session.scalar(sa.select(Edition).where(Edition.status == EditionStatus.CALL_OPEN))
    assert open_edition.call_open(utcnow())
    assert _count(Entry, Entry.edition_id == open_edition.id, Entry.status == EntryStatus.DRAFT) >= 1
    assert _count(Entry, Entry.edition_id == open_edition.id, Entry.status == EntryStatus.SUBMITTED) >= 1

    counts = (_count(User), _count(Edition), _count(Entry), _count(Screening))
    again = runner.invoke(args=["demo", "load", "--no-timetable"])
    assert again.exit_code == 0
    assert "already present" in again.output
    assert (_count(User), _count(Edition), _count(Entry), _count(Screening)) == counts


def test_demo_accounts_can_log_in(runner, client):
    runner.invoke(args=["demo", "load", "--no-timetable"])
    from festival.demo.services import DEMO_PASSWORD

    response = client.post(
        "/auth/login", data={"email": "staff@demo.festival", "password": DEMO_PASSWORD}, follow_redirects=True
    )
    assert "Li Ming" in response.get_data(as_text=True)


def test_demo_load_publishes_a_valid_2021_timetable_once(runner):
    import scheduler
    from festival.models import TimetableVersion
    from festival.models.enums import VersionStatus
    from festival.schedule import adapter

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Published timetable version 1" in result.output
    published = db.session.scalars(
        sa.select(TimetableVersion).where(TimetableVersion.status == VersionStatus.PUBLISHED)
    ).all()
    assert len(published) == 1
    version = published[0]
    edition = db.session.get(Edition, version.edition_id)
    data = adapter.build_instance(edition)
    report = scheduler.check_json(
        scheduler.parse_instance(data), {"screenings": adapter.screenings_to_schedule(version)}
    )
    assert report.valid, [v.message for v in report.violations[:5]]
    assert report.shortfall == 0
    pinned = {(s.entry_id, s.theater_id, s.start) for s in version.screenings if s.pinned}
    assert len(pinned) == 3
    # no second, near-empty draft of the pins next to it: re-solves take the pins from the public version
    assert _count(TimetableVersion, TimetableVersion.status == VersionStatus.DRAFT) == 0
    assert version.draft_number == 2 and adapter.pin_source(edition).id == version.id

    again = runner.invoke(args=["demo", "load"])
    assert "Generating" not in again.output
    assert _count(TimetableVersion, TimetableVersion.status == VersionStatus.PUBLISHED) == 1


def test_import_instance_creates_an_edition_and_rejects_bad_files(runner, tmp_path, make):
    owner = make.user(email="archive@example.org")
    db.session.commit()
    small = INSTANCE.parent / "small.json"
    args = ["demo", "import-instance", str(small), "--slug", "small-test", "--owner", "archive@example.org"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == "small-test"))
    films = json.loads(small.read_text())["films"]
    assert _count(Entry, Entry.edition_id == edition.id, Entry.status == EntryStatus.ACCEPTED) == len(films)
    assert _count(Entry, Entry.edition_id == edition.id, Entry.owner_id != owner.id) == 0

    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "exists already" in again.output

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "festival-schedule-instance/1", "films": [{"id": ""}]}))
    rejected = runner.invoke(
        args=["demo", "import-instance", str(bad), "--slug", "bad", "--owner", owner.email]
    )
    assert rejected.exit_code != 0 and "not a valid instance" in rejected.output
    assert db.session.scalar(sa.select(Edition).where(Edition.slug == "bad")) is None


def test_an_imported_instance_keeps_its_own_timezone(runner, tmp_path, make):
    """Times in an instance are wall-clock times of its festival's zone, whatever the zone (not +08:00)."""
    data = json.loads((INSTANCE.parent / "small.json").read_text())
    data["festival"]["timezone"] = "Europe/Berlin"
    data["theaters"][0]["unavailable"] = [
        {"start": f"{data['festival']['first_day']}T10:00", "end": f"{data['festival']['first_day']}T12:00"}
    ]
    path = tmp_path / "berlin.json"
    path.write_text(json.dumps(data))
    make.user(email="archive@example.org")
    db.session.commit()
    args = ["demo", "import-instance", str(path), "--slug", "berlin", "--owner", "archive@example.org"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == "berlin"))
    berlin = ZoneInfo("Europe/Berlin")
    first = date.fromisoformat(data["festival"]["first_day"])
    assert edition.timezone == "Europe/Berlin"
    assert edition.entry_deadline == datetime.combine(
        first, time(0, 0), tzinfo=berlin
    )  # the call closed as the window opened
    block = db.session.scalar(sa.select(Event).order_by(Event.id))
    assert block.start == datetime.combine(first, time(10, 0), tzinfo=berlin)


def test_import_instance_creates_no_account(runner):
    small = INSTANCE.parent / "small.json"
    without_owner = runner.invoke(args=["demo", "import-instance", str(small), "--slug", "a"])
    assert without_owner.exit_code != 0 and "--owner" in without_owner.output
    unknown = runner.invoke(
        args=["demo", "import-instance", str(small), "--slug", "b", "--owner", "admin@demo.festival"]
    )
    assert unknown.exit_code != 0 and "no account has the address" in unknown.output
    assert _count(User) == 0 and _count(Edition) == 0


def test_every_demo_account_is_printed_and_listed_in_the_readme(runner):
    result = runner.invoke(args=["demo", "load", "--no-timetable"])
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    emails = set(db.session.scalars(sa.select(User.email)))
    assert "distributor@demo.festival" in emails
    for email in emails:
        assert email in result.output and email in readme


PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "production-" + "k" * 40,
    "PUBLIC_BASE_URL": "https://f.example",
}


@pytest.mark.parametrize("app_overrides", [PRODUCTION])
def test_production_refuses_the_demo_unless_told_twice(runner, monkeypatch):
    monkeypatch.delenv("FESTIVAL_DEMO_IN_PRODUCTION", raising=False)
    plain = runner.invoke(args=["demo", "load", "--no-timetable"])
    assert plain.exit_code != 0 and "--i-know-this-is-production" in plain.output
    flag_only = runner.invoke(
        args=["demo", "load", "--no-timetable", "--i-know-this-is-production"], input="yes\n"
    )
    assert flag_only.exit_code != 0 and "not confirmed" in flag_only.output
    assert _count(User) == 0 and _count(Edition) == 0

    typed = runner.invoke(
        args=["demo", "load", "--no-timetable", "--i-know-this-is-production"], input="create demo accounts\n"
    )
    assert typed.exit_code == 0, typed.output
    assert _count(User) == len(DEMO_ACCOUNTS)


@pytest.mark.parametrize("app_overrides", [PRODUCTION])
def test_production_demo_with_the_flag_and_the_environment_variable(runner, monkeypatch):
    monkeypatch.setenv("FESTIVAL_DEMO_IN_PRODUCTION", "create demo accounts")
    assert runner.invoke(args=["demo", "load", "--no-timetable"]).exit_code != 0
    result = runner.invoke(args=["demo", "load", "--no-timetable", "--i-know-this-is-production"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("app_overrides", [PRODUCTION])
def test_the_demo_service_itself_refuses_production_without_confirmation(app):
    with pytest.raises(DemoRefused):
        load_demo()
    assert _count(User) == 0


def test_the_demo_has_the_alliance_partners_in_several_cities_and_a_venue_manager(runner):
    from festival import venue_scope
    from festival.models import Venue

    assert runner.invoke(args=["demo", "load", "--no-timetable"]).exit_code == 0
    edition = db.session.scalar(sa.select(Edition).where(Edition.slug == "bjiff-11-st"))
    venues = db.session.scalars(sa.select(Venue).where(Venue.edition_id == edition.id)).all()
    assert {v.city for v in venues} == {"beijing", "shanghai", "hefei", "guangzhou"}
    assert {v.code for v in venues if v.is_partner} == {v["code"] for v in alliance_data()["venues"]}
    manager = db.session.scalar(sa.select(User).where(User.email == MANAGER))
    assert Role.VENUE_MANAGER in manager.roles
    assert [v.code for v in venues if v.id in venue_scope.managed_venue_ids(manager)] == [MANAGED_VENUE]
    assert runner.invoke(args=["demo", "load", "--no-timetable"]).exit_code == 0
    assert _count(Venue) == len(venues)
