"""The jury by invitation (issue 19): staff invite a person by e-mail through the generic invitation
mechanism; accepting creates the account (or attaches the invited address's existing one) and gives it the
jury seat; links expire, work once, can be withdrawn and sent again; a conflict of interest declared on
the jury page keeps the juror out of the ballot of the nominee's award."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from festival import localtime
from festival.audience import awards
from festival.errors import InvalidInput, NotAllowed
from festival.extensions import db
from festival.models import Invitation, JuryMember, OutboxMail, User
from festival.models.enums import Role
from festival.people import invitations
from tests.conftest import log_in

PASSWORD = "Orbit-Nebula-Lantern-77"
LINK = re.compile(r"https?://\S+/invitation/(\S+)")


def _last_token(email: str) -> str:
    mail = db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.recipient == email).order_by(OutboxMail.id.desc())
    ).first()
    assert mail is not None, f"no mail to {email}"
    return LINK.search(mail.body).group(1)


def _invite(fest, email="juror@example.org", name="Jia Juror") -> str:
    awards.invite_juror(fest["edition"], email=email, name=name, actor=fest["staff"])
    db.session.commit()
    return _last_token(email.lower())


def _accept_new(client, token, name="Jia Juror"):
    data = {"name": name, "password": PASSWORD, "confirm": PASSWORD, "locale": "en"}
    return client.post(f"/invitation/{token}", data=data)


def _seats(edition) -> set[str]:
    return {u.email for u in awards.jurors(edition)}


def test_the_mail_names_the_jury_and_a_new_account_gets_the_seat(client, fest):
    edition = fest["edition"]
    token = _invite(fest)
    mail = db.session.scalars(sa.select(OutboxMail)).all()[-1]
    assert f"to sit on the jury of {edition.name}" in mail.body
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert f"to sit on the jury of {edition.name}" in page
    response = _accept_new(client, token)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/audience/{edition.slug}/jury")
    juror = db.session.scalars(sa.select(User).where(User.email == "juror@example.org")).one()
    assert juror.roles == {Role.VISITOR} and juror.email_confirmed_at is not None
    assert _seats(edition) == {"juror@example.org"}
    assert client.get(f"/audience/{edition.slug}/jury").status_code == 200  # logged in, on the jury


def test_an_existing_account_logs_in_and_takes_the_seat(client, fest, make):
    edition = fest["edition"]
    curator = make.user(role=Role.CURATOR, email="cui@example.org", name="Cui Curator")
    db.session.commit()
    token = _invite(fest, email="Cui@Example.org", name=None)
    assert "has an account already" in client.get(f"/invitation/{token}").get_data(as_text=True)
    assert _accept_new(client, token).status_code == 409  # no second account for the address
    assert _seats(edition) == set()
    log_in(client, curator)
    assert client.post(f"/invitation/{token}").status_code == 303
    db.session.refresh(curator)
    assert curator.roles == {Role.CURATOR, Role.VISITOR} and _seats(edition) == {"cui@example.org"}
    with pytest.raises(InvalidInput) as refused:  # on the jury already
        awards.invite_juror(edition, email="cui@example.org", name=None, actor=fest["staff"])
    assert "on the jury already" in str(refused.value.errors["email"][0])


def test_a_used_an_expired_and_a_replaced_link_are_refused(client, app, fest, monkeypatch):
    edition = fest["edition"]
    used = _invite(fest)
    assert _accept_new(client, used).status_code == 303
    again = app.test_client()
    assert again.get(f"/invitation/{used}").status_code == 410
    assert _accept_new(again, used, name="Someone Else").status_code == 410
    # an expired link
    expired = _invite(fest, email="late@example.org")
    later = localtime.now() + invitations.VALID_FOR + timedelta(minutes=1)
    with monkeypatch.context() as patch:
        patch.setattr(localtime, "now", lambda: later)
        response = again.get(f"/invitation/{expired}")
        assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
        assert _accept_new(again, expired, name="Late Juror").status_code == 410
    assert _seats(edition) == {"juror@example.org"}
    assert db.session.scalar(sa.select(User).where(User.email == "late@example.org")) is None


def test_staff_list_withdraw_and_send_again_the_pending_invitations(client, auth, fest, make):
    edition, slug = fest["edition"], fest["edition"].slug
    auth.login_as(fest["staff"])
    response = client.post(
        f"/audience/{slug}/jury/invite", data={"email": "wei@example.org", "name": "Wei Juror"}
    )
    assert response.status_code == 303
    manage = client.get(f"/audience/{slug}/awards/manage").get_data(as_text=True)
    assert "Wei Juror" in manage and "wei@example.org" in manage and "send again" in manage
    (invitation,) = awards.pending_jury_invitations(edition)
    first = _last_token("wei@example.org")
    # sent again: a new link, the old one stops working
    assert client.post(f"/audience/{slug}/jury/invitations/{invitation.id}/resend").status_code == 303
    second = _last_token("wei@example.org")
    assert second != first
    assert client.get(f"/invitation/{first}").status_code == 410
    (renewed,) = awards.pending_jury_invitations(edition)
    assert renewed.id != invitation.id and renewed.name == "Wei Juror"
    # withdrawn: the link no longer works and the list is empty
    assert client.post(f"/audience/{slug}/jury/invitations/{renewed.id}/withdraw").status_code == 303
    assert awards.pending_jury_invitations(edition) == []
    response = client.get(f"/invitation/{second}")
    assert response.status_code == 410 and "withdrawn" in response.get_data(as_text=True)
    # another kind of invitation is not the jury's to withdraw
    team = invitations.invite(
        email="x@example.org", purpose="team", roles=(Role.CURATOR,), actor=fest["staff"]
    )
    db.session.commit()
    assert client.post(f"/audience/{slug}/jury/invitations/{team.id}/withdraw").status_code == 404
    assert db.session.get(Invitation, team.id).revoked_at is None
    # bad input is named, and a visitor may not invite
    assert client.post(f"/audience/{slug}/jury/invite", data={"email": "not an address"}).status_code == 303
    assert awards.pending_jury_invitations(edition) == []
    with pytest.raises(NotAllowed):
        awards.invite_juror(edition, email="y@example.org", name=None, actor=make.user(role=Role.VISITOR))


def test_the_wrong_account_cannot_take_the_seat(client, fest, make):
    token = _invite(fest)
    stranger = make.user(role=Role.VISITOR, email="stranger@example.org")
    db.session.commit()
    log_in(client, stranger)
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert "This invitation is for juror@example.org" in page
    assert client.post(f"/invitation/{token}").status_code == 403
    assert _seats(fest["edition"]) == set()
    assert db.session.scalars(sa.select(Invitation)).one().accepted_at is None


def test_a_conflict_declared_on_the_jury_page_keeps_the_juror_out_of_that_films_ballot(client, fest, make):
    edition, staff = fest["edition"], fest["staff"]
    a, b, c = (fest["films"][k] for k in "abc")
    dome = awards.save_category(edition, actor=staff, name="Best Dome Film")
    giant = awards.save_category(edition, actor=staff, name="Best Giant Screen Film")
    awards.nominate(edition, dome.id, a.id, actor=staff)
    awards.nominate(edition, dome.id, b.id, actor=staff)
    awards.nominate(edition, giant.id, c.id, actor=staff)
    token = _invite(fest)
    assert _accept_new(client, token).status_code == 303
    juror = db.session.scalars(sa.select(User).where(User.email == "juror@example.org")).one()
    # a conflict with a company: every nominee whose names share it is covered, as in curation
    a.production_company = "Giant Frame Pictures Ltd"
    db.session.commit()
    slug = edition.slug
    response = client.post(
        f"/audience/{slug}/jury/conflicts",
        data={"kind": "company", "value": "GIANT  FRAME PICTURES", "reason": "I work there"},
    )
    assert response.status_code == 303
    page = client.get(f"/audience/{slug}/jury").get_data(as_text=True)
    assert "GIANT FRAME PICTURES" in page and "I work there" in page
    assert not awards.may_vote_in(juror, db.session.get(type(dome), dome.id))
    assert awards.may_vote_in(juror, db.session.get(type(giant), giant.id))
    with pytest.raises(NotAllowed):
        awards.cast_ballot(juror, edition, dome.id, b.id)
    awards.cast_ballot(juror, edition, giant.id, c.id)  # the other award's ballot is open to them
    assert awards.eligible_jurors(dome) == 0 and awards.eligible_jurors(giant) == 1
    # an entry conflict declared on the page works the same way; a stranger may not declare one
    other = _invite(fest, email="second@example.org", name="Second Juror")
    second_client = client.application.test_client()
    assert _accept_new(second_client, other, name="Second Juror").status_code == 303
    second = db.session.scalars(sa.select(User).where(User.email == "second@example.org")).one()
    assert second_client.post(f"/audience/{slug}/jury/conflict", data={"entry": c.id}).status_code == 303
    assert not awards.may_vote_in(second, giant) and awards.may_vote_in(second, dome)
    outsider = client.application.test_client()
    log_in(outsider, make.user(role=Role.VISITOR, email="out@example.org"))
    data = {"kind": "company", "value": "Anything"}
    assert outsider.post(f"/audience/{slug}/jury/conflicts", data=data).status_code == 403
    assert db.session.get(JuryMember, (edition.id, second.id)) is not None
