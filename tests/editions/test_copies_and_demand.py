"""Creating an edition, copying one (recurring blocks moved to the same weekdays of the new window, one-off
blocks listed and not copied), and the demand settings with their calendar preview."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from festival import localtime
from festival.editions import demand, services
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import (
    Edition,
    Entry,
    Event,
    MailTemplate,
    Panel,
    PanelMember,
    ShortsProgramme,
    Theater,
    TransitDays,
    Venue,
)
from festival.models.enums import EditionStatus, EntryStatus, EventKind, FilmFormat, HolidayKind, Role
from festival.schedule import shorts
from tests.conftest import log_in


@pytest.fixture
def source(app, make):
    """A 2031 edition (window Tuesday 1 April to 31 May) with a venue, a theater, a weekly Wednesday
    astronomy class, a one-off opening ceremony, a panel with a member and a letter template."""
    staff = make.user(Role.STAFF)
    curator = make.user(Role.CURATOR)
    edition = make.edition(
        status=EditionStatus.PUBLISHED, first_day=date(2031, 4, 1), last_day=date(2031, 5, 31)
    )
    venue = make.venue(edition, code="cstm", closed_dates=["2031-04-08"], special_hours={"2031-05-05": []})
    theater = make.theater(venue, code="dome")
    for day in (2, 9, 16):  # Wednesdays
        db.session.add(
            Event(
                edition_id=edition.id,
                theater_id=theater.id,
                kind=EventKind.WORKSHOP,
                title="Astronomy class",
                recurring=True,
                public=False,
                start=localtime.at(date(2031, 4, day), datetime.min.time().replace(hour=14), edition),
                end=localtime.at(date(2031, 4, day), datetime.min.time().replace(hour=15), edition),
            )  # fmt: skip
        )
    db.session.add(
        Event(
            edition_id=edition.id,
            theater_id=theater.id,
            kind=EventKind.CEREMONY,
            title="Opening ceremony",
            public=True,
            start=localtime.at(date(2031, 4, 1), datetime.min.time().replace(hour=9), edition),
            end=localtime.at(date(2031, 4, 1), datetime.min.time().replace(hour=12), edition),
        )  # fmt: skip
    )
    panel = Panel(edition_id=edition.id, name="Dome panel", format=FilmFormat.DOME)
    panel.members.append(PanelMember(user_id=curator.id, is_lead=True))
    db.session.add(panel)
    db.session.add(
        MailTemplate(
            edition_id=edition.id, kind="decision_accepted", language="en", subject="Yes", body="Yes {title}"
        )
    )
    edition.schedule_weights = {
        "day": {**demand.DEFAULT_DAY, "sat": 1.7},
        "date": {"2031-05-01": 2.0},
        "hour": [["09:00", "11:00", 0.7]],
        "shortfall_penalty": 1_000_000,
        "change_penalty": 800,
    }
    db.session.commit()
    return edition, staff


def _values(**kw) -> services.EditionValues:
    values = {
        "name": "22nd Science Section",
        "slug": "st-2032",
        "reference_prefix": "ST32",
        "entry_deadline": datetime(2032, 1, 31, 23, 59),
        "first_day": date(2032, 4, 1),  # a Thursday
        "last_day": date(2032, 5, 31),
    }
    values.update(kw)
    return services.EditionValues(**values)


def test_a_copy_moves_weekly_blocks_to_the_same_weekday_and_lists_one_off_blocks(source):
    edition, staff = source
    report = services.copy_edition(edition, _values(), actor=staff)
    db.session.commit()
    copy = report.edition
    assert copy.status == EditionStatus.DRAFT and copy.copied_from_id == edition.id
    blocks = db.session.scalars(sa.select(Event).where(Event.edition_id == copy.id)).all()
    assert report.blocks_moved == len(blocks) == 3
    for block in blocks:
        local = localtime.to_local(block.start, copy)
        assert local.weekday() == 2 and local.hour == 14  # still Wednesdays at 14:00
        assert copy.first_day <= local.date() <= copy.last_day
    assert all(b.theater.venue.edition_id == copy.id and b.recurring for b in blocks)
    assert [b.title for b in report.one_off] == ["Opening ceremony"]
    assert [b.title for b in services.one_off_blocks_not_copied(copy)] == ["Opening ceremony"]
    venue = db.session.scalar(sa.select(Venue).where(Venue.edition_id == copy.id))
    assert venue.hours and venue.closed_dates == [] and venue.special_hours == {}


def test_a_copy_brings_rubric_panels_without_members_letters_and_demand(source):
    edition, staff = source
    copy = services.copy_edition(edition, _values(), actor=staff).edition
    db.session.commit()
    panel = db.session.scalar(sa.select(Panel).where(Panel.edition_id == copy.id))
    assert panel.name == "Dome panel" and panel.members == []
    template = db.session.scalar(sa.select(MailTemplate).where(MailTemplate.edition_id == copy.id))
    assert template.subject == "Yes"
    assert copy.schedule_weights["day"]["sat"] == 1.7 and copy.schedule_weights["change_penalty"] == 800
    assert copy.schedule_weights["hour"] == [["09:00", "11:00", 0.7]]
    assert copy.schedule_weights["date"] == {}  # holidays are entered anew
    with_members = services.copy_edition(
        edition, _values(slug="st-2032b", reference_prefix="ST32B"), with_panel_members=True, actor=staff
    ).edition
    db.session.flush()
    assert [
        m.is_lead
        for m in db.session.scalar(sa.select(Panel).where(Panel.edition_id == with_members.id)).members
    ] == [True]


def test_edition_values_are_checked_by_field(source):
    edition, staff = source
    with pytest.raises(InvalidInput) as refused:
        services.create_edition(
            _values(slug=edition.slug, timezone="Mars/Olympus", last_day=date(2031, 3, 1)), actor=staff
        )
    assert set(refused.value.errors) >= {"slug", "timezone", "last_day"}
    with pytest.raises(InvalidInput) as refused:
        services.create_edition(_values(call_opens_at=datetime(2032, 2, 1)), actor=staff)
    assert set(refused.value.errors) == {"call_opens_at"}


def test_only_admins_create_or_copy_editions(app, client, make, source):
    edition, staff = source
    admin = make.user(Role.ADMIN)
    db.session.commit()
    log_in(client, staff)
    assert client.get("/admin/editions/new").status_code == 403
    assert client.post(f"/admin/editions/{edition.slug}/copy", data={}).status_code == 403
    log_in(client, admin)
    form = {
        "name": "22nd Science Section", "slug": "st-2032", "reference_prefix": "ST32",
        "timezone": "Asia/Shanghai",
        "entry_deadline": "2032-01-31T23:59", "first_day": "2032-04-01", "last_day": "2032-05-31",
        "formats": ["dome", "4d"], "terms": "Rights cleared.", "terms_zh": "版权已清。",
    }  # fmt: skip
    response = client.post(f"/admin/editions/{edition.slug}/copy", data=form)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 recurring blocks moved" in page and "Opening ceremony" in page
    copy = db.session.scalar(sa.select(Edition).where(Edition.slug == "st-2032"))
    assert copy.formats == ["dome", "4d"] and copy.terms_zh == "版权已清。"
    assert localtime.wall_clock(copy.entry_deadline, copy) == datetime(2032, 1, 31, 23, 59)


def test_the_demand_preview_shows_the_calendar_without_saving(app, client, source):
    edition, staff = source
    services.add_holiday(
        edition,
        day=date(2031, 5, 1),
        name="Labour Day",
        name_zh="劳动节",
        kind=HolidayKind.HOLIDAY,
        actor=staff,
    )
    db.session.commit()
    log_in(client, staff)
    url = f"/admin/editions/{edition.slug}/demand"
    page = client.get(url).get_data(as_text=True)
    assert "Labour Day" in page and 'title="2031-05-01 · Labour Day"' in page
    form = {
        "mon": "1", "tue": "1", "wed": "1", "thu": "1", "fri": "1", "sat": "3", "sun": "1.5",
        "holiday_weight": "4", "workday_weight": "1", "hours": "09:00-11:00 0.7\n14:00-16:00 1.2",
        "breaks": "2031-05-20 - 2031-05-31 1.3 Summer", "shortfall_cost": "1000000", "move_cost": "500",
        "preview": "1",
    }  # fmt: skip
    preview = client.post(url, data=form)
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    assert '<span class="w">4</span>' in text  # the holiday at its new weight, shown
    db.session.refresh(edition)
    assert edition.schedule_weights["change_penalty"] == 800  # nothing saved
    del form["preview"]
    assert client.post(url, data={**form, "save": "1"}).status_code == 303
    db.session.refresh(edition)
    weights = edition.schedule_weights
    assert weights["date"]["2031-05-01"] == 4 and weights["date"]["2031-05-20"] == 1.3
    assert weights["day"]["sat"] == 3 and weights["change_penalty"] == 500
    assert weights["hour"] == [["09:00", "11:00", 0.7], ["14:00", "16:00", 1.2]]
    assert demand.move_cost(edition) == 500


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sat", "nan", "Not a valid"),
        ("sat", "5000", "from 0 to 1000"),
        ("hours", "11:00-09:00 1", "the end must come after the start"),
        ("hours", "9 to 11", "is not like"),
        ("breaks", "2031-05-20 - 2031-05-01 1.3", "the last day comes before the first"),
        ("move_cost", "-1", "Number must be"),
    ],
)
def test_bad_demand_values_are_refused_next_to_their_field(app, client, source, field, value, message):
    edition, staff = source
    log_in(client, staff)
    form = {
        "mon": "1", "tue": "1", "wed": "1", "thu": "1", "fri": "1", "sat": "1", "sun": "1",
        "holiday_weight": "2", "workday_weight": "1", "hours": "", "breaks": "", "shortfall_cost": "1000000",
        "move_cost": "500", "save": "1",
    }  # fmt: skip
    form[field] = value
    response = client.post(f"/admin/editions/{edition.slug}/demand", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(edition)
    assert edition.schedule_weights["change_penalty"] == 800


def test_a_make_up_working_day_takes_its_own_weight(source):
    edition, staff = source
    services.add_holiday(
        edition,
        day=date(2031, 4, 26),
        name="Make-up day",
        name_zh=None,
        kind=HolidayKind.WORKDAY,
        actor=staff,
    )
    settings = demand.DemandSettings.of(edition)
    settings.workday_weight = 0.9
    demand.save(edition, settings, actor=staff)
    assert edition.schedule_weights["date"]["2031-04-26"] == 0.9


def test_a_copy_keeps_the_shorts_transit_and_online_settings_but_no_programmes(source, make):
    edition, staff = source
    edition.shorts_threshold_minutes, edition.programme_gap_minutes = 25, 3
    edition.programme_min_minutes, edition.programme_max_minutes = 45, 80
    edition.transit_days_default, edition.stream_formats = 2, ["dome", "documentary"]
    db.session.add(TransitDays(edition_id=edition.id, city_a="Hefei", city_b="Shanghai", days=3))
    online = make.venue(edition, code="online", name="Online", city="online")
    make.theater(online, code="ch1", online=True, window_minutes=2880, seats=1200, formats=["dome"])
    owner = make.user(Role.FILMMAKER)
    films = []
    for title in ("Comet", "Aurora"):
        entry = make.entry(
            edition, owner, EntryStatus.SUBMITTED, title_en=title, format=FilmFormat.DOME, runtime_minutes=24
        )
        make.accepted(entry)
        films.append(entry)
    db.session.flush()
    shorts.create_programme(edition, title_en="Sky shorts", title_zh=None, entries=films)
    db.session.commit()

    copy = services.copy_edition(edition, _values(), actor=staff).edition
    db.session.commit()
    assert (copy.shorts_threshold_minutes, copy.programme_min_minutes, copy.programme_max_minutes) == (
        25,
        45,
        80,
    )
    assert copy.programme_gap_minutes == 3
    assert copy.transit_days_default == 2 and copy.stream_formats == ["dome", "documentary"]
    pairs = db.session.scalars(sa.select(TransitDays).where(TransitDays.edition_id == copy.id)).all()
    assert [(p.city_a, p.city_b, p.days) for p in pairs] == [("Hefei", "Shanghai", 3)]
    channel = db.session.scalar(
        sa.select(Theater).join(Venue).where(Venue.edition_id == copy.id, Theater.code == "ch1")
    )
    assert channel.online and channel.window_minutes == 2880
    # the programmes group this year's entries, which a copy never brings
    assert db.session.scalar(sa.select(sa.func.count()).where(ShortsProgramme.edition_id == copy.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).where(Entry.edition_id == copy.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).where(ShortsProgramme.edition_id == edition.id)) == 1
