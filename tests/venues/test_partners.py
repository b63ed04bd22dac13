"""Partner venues: a city key, the partner flag and a contact on the venue form, the list by city, and
edition copies that keep them."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Venue
from festival.venues import services
from tests.venues.test_forms import _venue_form


def test_staff_save_a_partner_venue_with_its_city_and_contact(client, auth, place):
    auth.login_as(place["staff"])
    form = _venue_form(
        city=" Hefei ", is_partner="y", contact_name="Xu Min", contact_email="xu@hfstm.example.cn",
        contact_phone="+86 551 6362 1234",
    )  # fmt: skip
    response = client.post(f"/staff/venues/new?edition={place['edition'].slug}", data=form)
    assert response.status_code == 303
    venue = db.session.scalar(sa.select(Venue).where(Venue.code == "annex"))
    assert (venue.city, venue.is_partner) == ("hefei", True)
    assert (venue.contact_name, venue.contact_email, venue.contact_phone) == (
        "Xu Min", "xu@hfstm.example.cn", "+86 551 6362 1234",
    )  # fmt: skip


def test_a_bad_city_email_or_phone_is_refused_next_to_its_field(client, auth, place):
    auth.login_as(place["staff"])
    form = _venue_form(city="合肥", contact_email="not-an-address", contact_phone="call us")
    response = client.post(f"/staff/venues/new?edition={place['edition'].slug}", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Write the city as a short key of lower-case letters" in page
    assert "This is not a valid e-mail address" in page
    assert "Write a telephone number" in page
    assert db.session.scalar(sa.select(Venue).where(Venue.code == "annex")) is None


def test_contact_errors_name_each_field():
    assert services.contact_errors({"city": "hefei", "contact_phone": "(0551) 6362-1234 ext. 12"}) == {}
    errors = services.contact_errors({"city": "He Fei", "contact_email": "a@", "contact_phone": "12345"})
    assert set(errors) == {"city", "contact_email", "contact_phone"}


def test_the_venue_list_groups_by_city_with_bilingual_labels(client, auth, make, place):
    place["venue"].city = "beijing"
    make.venue(place["edition"], code="hefei-stm", name="Hefei Museum", city="hefei", is_partner=True)
    make.venue(place["edition"], code="faraway", name="Far Museum", city="lhasa", is_partner=True)
    db.session.commit()
    auth.login_as(place["staff"])
    page = client.get(f"/staff/venues/?edition={place['edition'].slug}").get_data(as_text=True)
    assert page.index("Beijing") < page.index("Museum") < page.index("Hefei") < page.index("Hefei Museum")
    assert 'id="city-lhasa">lhasa</h2>' in page  # a city not in the table is named by its key
    client.post("/language", data={"lang": "zh"})
    page = client.get(f"/staff/venues/?edition={place['edition'].slug}").get_data(as_text=True)
    assert "合肥" in page and "北京" in page


def test_copying_venues_keeps_city_partner_flag_and_contact(make, place):
    venue = place["venue"]
    venue.city, venue.is_partner, venue.contact_email = "wuhan", True, "desk@whstm.example.cn"
    target = make.edition(first_day=place["edition"].first_day, last_day=place["edition"].last_day)
    copies = services.copy_venues(place["edition"], target, actor=place["staff"])
    assert [(c.city, c.is_partner, c.contact_email) for c in copies] == [
        ("wuhan", True, "desk@whstm.example.cn")
    ]
