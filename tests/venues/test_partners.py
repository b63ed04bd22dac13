"""Partner venues: a city key, the partner flag and a contact on the venue form, the list by city, and
edition copies that keep them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import Venue
from festival.venues import phones, services
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
        "Xu Min", "xu@hfstm.example.cn", "+8655163621234",
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


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("+86 551 6362 1234", "+8655163621234", "+86 551 6362 1234"),
        ("0551 6362 1234", "+8655163621234", "+86 551 6362 1234"),  # a Chinese number needs no +86
        ("(0551) 6362-1234 ext. 12", "+8655163621234;ext=12", "+86 551 6362 1234 ext. 12"),
        ("0551-63621234 转 12", "+8655163621234;ext=12", "+86 551 6362 1234 ext. 12"),
        ("138 1234 5678", "+8613812345678", "+86 138 1234 5678"),
        ("+81 3-1234-5678", "+81312345678", "+81 3-1234-5678"),
        ("+8655163621234;ext=12", "+8655163621234;ext=12", "+86 551 6362 1234 ext. 12"),  # saved again
    ],
)
def test_a_phone_number_is_stored_in_e164_and_shown_formatted(typed, stored, shown):
    assert phones.normalised(typed) == stored
    assert phones.shown(stored) == shown


@pytest.mark.parametrize("typed", ["12345", "call us", "+86 551 6362", "0000 0000"])
def test_what_is_not_a_valid_number_is_refused(typed):
    with pytest.raises(ValueError):
        phones.normalised(typed)
    assert "contact_phone" in services.contact_errors({"contact_phone": typed})


def test_the_list_shows_the_number_formatted_with_a_tel_link_and_the_form_offers_it_again(
    client, auth, place
):
    place["venue"].contact_phone = "+8655163621234;ext=12"
    db.session.commit()
    auth.login_as(place["staff"])
    page = client.get(f"/staff/venues/?edition={place['edition'].slug}").get_data(as_text=True)
    assert '<a href="tel:+86-551-6362-1234;ext=12">+86 551 6362 1234 ext. 12</a>' in page
    form = client.get(f"/staff/venues/{place['venue'].id}/edit").get_data(as_text=True)
    assert 'value="+86 551 6362 1234 ext. 12"' in form


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
