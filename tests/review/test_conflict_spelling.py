"""A declared conflict cannot be dodged by spelling: names are compared on keys (festival.namekeys),
the same on SQLite and PostgreSQL; staff link an entry by hand; a company changed later re-checks the
assignments and tells staff."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import Assignment, AuditEvent, Conflict
from festival.models.enums import ConflictKind
from festival.namekeys import key_list, name_key
from festival.review import queries, services
from festival.submissions import services as submissions

PEOPLE = {
    "director": "Aiko Tanaka", "rights_holder": "Starlight Fulldome", "contact_name": "Aiko Tanaka",
    "contact_email": "aiko@example.org", "contact_phone": "+81 3 1234 5678", "language": "en",
}  # fmt: skip


def _visible(world, user) -> set[int]:
    return {e.id for e in db.session.scalars(queries.visible_entries_for(user, world.edition))}


def _declare(world, curator, kind, value):
    services.declare_conflict(world.edition, curator=curator, kind=kind, value=value)
    db.session.commit()


@pytest.mark.parametrize(
    ("declared", "written"),
    [
        ("Giant Frame Pictures", "Giant  Frame Pictures"),
        ("Giant Frame Pictures", "Giant Frame Pictures Ltd"),
        ("Giant Frame Pictures", "GIANT-FRAME PICTURES CO., LTD."),
        ("Giant Frame Pictures Limited", "giant frame pictures, inc."),
        ("Giant Frame Pictures", "Ｇｉａｎｔ　Ｆｒａｍｅ Pictures"),  # full-width letters and space
        ("Giant Frame Pictures", "Giant\u200bFrame\u200d Pictures"),  # zero-width characters
        ("Giant Frame Pictures", "\u202eGiant Frame Pictures"),  # a direction override
        ("éclair films", "ÉCLAIR FILMS"),  # SQLite's lower() folds ASCII only
        ("Éclair Films S.A.", "Éclair Films"),
        ("Straße Filmproduktion GmbH", "STRASSE FILMPRODUKTION"),
        ("北京科影", "北京科影股份有限公司"),
        ("Orbit Media", "Polaris Dome Studios / Orbit Media Ltd"),  # one of two co-producers
    ],
)
def test_a_company_conflict_matches_whatever_the_spelling(world, declared, written):
    world.e2.production_company = written
    db.session.commit()
    _declare(world, world.curator, ConflictKind.COMPANY, declared)
    assert world.e2.id not in _visible(world, world.curator)
    assert world.e1.id in _visible(world, world.curator)


def test_a_company_conflict_covers_the_rights_holder_too(world):
    world.e3.rights_holder = "Giant Frame Pictures (HK) Limited"
    db.session.commit()
    _declare(world, world.curator, ConflictKind.COMPANY, "giant frame pictures hk")
    assert world.e3.id not in _visible(world, world.curator)


def test_a_person_conflict_covers_directors_and_contacts(world):
    world.e1.director = "Anna Berg, Chen Jie"
    world.e3.contact_name = "CHEN  JIE"
    db.session.commit()
    _declare(world, world.curator, ConflictKind.PERSON, "Chen Jie")
    assert _visible(world, world.curator) == {world.e2.id}


def test_similar_but_different_names_do_not_match(world):
    _declare(world, world.curator, ConflictKind.COMPANY, "Giant Pictures")
    _declare(world, world.curator, ConflictKind.COMPANY, "Frame")
    assert world.e2.id in _visible(world, world.curator)


def test_a_conflict_value_without_a_letter_is_refused(world):
    with pytest.raises(services.InvalidInput):
        services.declare_conflict(
            world.edition, curator=world.curator, kind=ConflictKind.COMPANY, value=" ...!? "
        )


def test_the_same_company_spelled_twice_is_one_conflict(world):
    _declare(world, world.curator, ConflictKind.COMPANY, "Giant Frame Pictures")
    _declare(world, world.curator, ConflictKind.COMPANY, "GIANT FRAME PICTURES LTD")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conflict)) == 1


def test_keys_are_computed_in_python_and_stored_beside_the_names(world):
    world.e2.production_company = "Giant Frame Pictures Co., Ltd."
    world.e2.rights_holder = "Orbit Media"
    db.session.commit()
    db.session.expire_all()
    assert world.e2.company_keys == "|giantframepictures|orbitmedia|"
    assert key_list("Giant Frame Pictures Co., Ltd.") == "|giantframepictures|"
    assert name_key("GmbH") == "gmbh" and name_key("...") == ""


def test_a_new_company_name_withdraws_the_assignment_of_a_now_conflicted_curator(world, client, auth):
    e3 = world.e3
    for name, value in PEOPLE.items():
        setattr(e3, name, value)
    services.assign(e3, world.curator, actor=world.staff)
    _declare(world, world.curator, ConflictKind.COMPANY, "Giant Frame Pictures")
    assert e3.id in _visible(world, world.curator)

    values = dict(PEOPLE, production_company="GIANT FRAME PICTURES, LTD.")
    submissions.save_step(e3, "people", values, actor=world.filmmaker, expected_version=e3.version)
    db.session.commit()

    assert e3.id not in _visible(world, world.curator)
    assert db.session.scalar(sa.select(Assignment).where(Assignment.entry_id == e3.id)) is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "assignment.conflict"))
    assert event.object_id == e3.id and event.old_value == world.curator.email
    auth.login_as(world.staff)
    overview = client.get(f"/review/staff?edition={world.edition.id}").get_data(as_text=True)
    assert "Assignments withdrawn for a conflict of interest" in overview
    assert e3.reference in overview and "Daniel Ortiz" in overview


def test_staff_link_an_entry_to_a_declared_conflict_by_hand(world, client, auth):
    _declare(world, world.curator, ConflictKind.COMPANY, "GFP")
    conflict = db.session.scalar(sa.select(Conflict))
    auth.login_as(world.staff)
    url = f"/review/staff/conflicts/link?edition={world.edition.id}"
    assert client.post(url, data={"conflict": conflict.id, "reference": "NOPE-1"}).status_code == 422
    response = client.post(url, data={"conflict": conflict.id, "reference": world.e2.reference})
    assert response.status_code == 303
    assert world.e2.id not in _visible(world, world.curator)
    linked = db.session.scalar(sa.select(Conflict).where(Conflict.kind == ConflictKind.ENTRY))
    assert linked.curator_id == world.curator.id and linked.entry_id == world.e2.id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "conflict.link"))
    assert event.actor_id == world.staff.id
    page = client.get(f"/review/staff/conflicts?edition={world.edition.id}").get_data(as_text=True)
    assert "Linked by staff to the declared conflict: GFP" in page


def test_a_curator_cannot_link_entries(world, client, auth):
    _declare(world, world.curator, ConflictKind.COMPANY, "GFP")
    conflict = db.session.scalar(sa.select(Conflict))
    auth.login_as(world.lead)
    url = f"/review/staff/conflicts/link?edition={world.edition.id}"
    assert (
        client.post(url, data={"conflict": conflict.id, "reference": world.e2.reference}).status_code == 403
    )
