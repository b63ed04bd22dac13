"""Version-2 instance files import with what version 2 adds (cities, transit days, prints, online channels)
and build back into the same version-2 facts: `flask demo import-instance` loads the alliance's tours and
the hybrid edition."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from festival.demo.services import import_edition
from festival.extensions import db
from festival.models import Decision, Entry, FilmPrint, Theater, TransitDays
from festival.schedule import adapter

DATA = Path(__file__).resolve().parents[2] / "data" / "instances"


def test_the_hybrid_edition_imports_its_channels_and_streamable_formats(app, make):
    instance = json.loads((DATA / "cstm-2021-hybrid.json").read_text(encoding="utf-8"))
    owner = make.user()
    edition = import_edition(instance, owner=owner, slug="hybrid", reference_prefix="HY")
    db.session.flush()
    channels = db.session.scalars(
        sa.select(Theater).where(Theater.online.is_(True)).order_by(Theater.id)
    ).all()
    expected = [(t["id"], t["window_minutes"], t["seats"]) for t in instance["theaters"] if t.get("online")]
    assert [(c.code, c.window_minutes, c.seats) for c in channels] == expected
    assert sorted(edition.stream_formats) == sorted(
        next(t for t in instance["theaters"] if t.get("online"))["formats"]
    )

    data, parsed = adapter.instance_for(edition)
    assert data["format"] == "festival-schedule-instance/2"
    assert [t.online for t in parsed.theaters] == [bool(t.get("online")) for t in instance["theaters"]]


def test_the_alliance_tours_import_their_cities_transit_days_and_prints(app, make):
    instance = json.loads((DATA / "alliance-tour.json").read_text(encoding="utf-8"))
    owner = make.user()
    edition = import_edition(instance, owner=owner, slug="alliance-tour", reference_prefix="AT")
    db.session.flush()
    touring = [f for f in instance["films"] if f.get("prints")]
    decisions = db.session.scalars(
        sa.select(Decision).join(Entry, Entry.id == Decision.entry_id).where(Entry.edition_id == edition.id)
    ).all()
    assert sorted(d.prints for d in decisions if d.prints) == sorted(f["prints"] for f in touring)
    assert db.session.scalar(sa.select(sa.func.count(FilmPrint.id))) == sum(f["prints"] for f in touring)
    assert db.session.scalar(sa.select(sa.func.count(TransitDays.id))) == len(
        instance["transit_days"]["pairs"]
    )

    data, parsed = adapter.instance_for(edition)
    assert data["transit_days"]["default"] == instance["transit_days"]["default"]
    assert sorted(map(sorted, (p[:2] for p in data["transit_days"]["pairs"]))) == sorted(
        map(sorted, (p[:2] for p in instance["transit_days"]["pairs"]))
    )
    for a, b, days in instance["transit_days"]["pairs"]:
        assert parsed.transit_days(a, b) == days
    assert {v["id"]: v["city"] for v in data["venues"]} == {v["id"]: v["city"] for v in instance["venues"]}
