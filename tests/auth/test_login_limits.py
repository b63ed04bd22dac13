"""Failed logins are limited per address without telling which addresses have an account, and without
letting a stranger lock the owner out of their usual browser (festival.auth.throttle)."""

from __future__ import annotations

import pytest

from festival.extensions import db
from tests.factories import PASSWORD

LIMITED = {"RATELIMIT_ENABLED": True}


def _post(client, email, password, ip="192.0.2.10"):
    return client.post(
        "/auth/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def _five_wrong(client, email, ip="192.0.2.10"):
    for _ in range(5):
        assert _post(client, email, "wrong-password-1", ip).status_code == 200


@pytest.mark.parametrize("app_overrides", [LIMITED])
def test_after_five_failures_known_and_unknown_addresses_answer_alike(app, make):
    make.user(email="known@example.org")
    db.session.commit()
    answers = []
    for email in ("known@example.org", "unknown@example.org"):
        client = app.test_client()
        _five_wrong(client, email)
        right = _post(client, email, PASSWORD)  # the right password of the known account, too late
        answers.append((right.status_code, right.get_data(as_text=True).replace(email, "@")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429 and "Too many failed logins with this address" in answers[0][1]


@pytest.mark.parametrize("app_overrides", [LIMITED])
def test_a_stranger_cannot_lock_the_owner_out_of_their_usual_browser(app, make):
    make.user(email="staff@example.org", name="Sam Staff")
    db.session.commit()
    owner = app.test_client()
    assert _post(owner, "staff@example.org", PASSWORD, ip="203.0.113.5").status_code == 302
    owner.post("/auth/logout")

    stranger = app.test_client()
    _five_wrong(stranger, "staff@example.org", ip="198.51.100.66")
    assert _post(stranger, "staff@example.org", PASSWORD, ip="198.51.100.66").status_code == 429
    # a new browser of the owner is locked out too (it looks like the stranger's) ...
    assert _post(app.test_client(), "staff@example.org", PASSWORD, ip="203.0.113.5").status_code == 429
    # ... but the browser the owner logged in from before is not
    response = _post(owner, "staff@example.org", PASSWORD, ip="203.0.113.5")
    assert response.status_code == 302
    assert "Sam Staff" in owner.get("/").get_data(as_text=True)


@pytest.mark.parametrize("app_overrides", [LIMITED])
def test_a_known_device_has_its_own_limit_of_failures(app, make):
    make.user(email="staff@example.org")
    db.session.commit()
    device = app.test_client()
    assert _post(device, "staff@example.org", PASSWORD).status_code == 302
    device.post("/auth/logout")
    _five_wrong(device, "staff@example.org")
    assert _post(device, "staff@example.org", PASSWORD).status_code == 429
    # the address limit was not touched by the device's failures: another new browser still gets in
    assert _post(app.test_client(), "staff@example.org", PASSWORD, ip="192.0.2.99").status_code == 302


@pytest.mark.parametrize("app_overrides", [LIMITED])
def test_a_forged_or_foreign_device_cookie_does_not_bypass_the_address_limit(app, make):
    make.user(email="a@example.org")
    make.user(email="b@example.org")
    db.session.commit()
    device = app.test_client()
    assert _post(device, "b@example.org", PASSWORD).status_code == 302  # a device of b, not of a
    device.post("/auth/logout")
    _five_wrong(app.test_client(), "a@example.org", ip="198.51.100.66")
    assert _post(device, "a@example.org", PASSWORD).status_code == 429
    forged = app.test_client()
    forged.set_cookie("festival_device", "eyJkIjoieCIsInUiOltdfQ.forged.signature", path="/auth/")
    assert _post(forged, "a@example.org", PASSWORD).status_code == 429


@pytest.mark.parametrize("app_overrides", [LIMITED])
def test_logins_failures_and_lockouts_are_logged_without_the_address_tried(app, make, caplog):
    make.user(email="logged@example.org")
    db.session.commit()
    client = app.test_client()
    with caplog.at_level("INFO", logger="festival.auth"):
        assert _post(client, "logged@example.org", PASSWORD, ip="198.51.100.7").status_code == 302
        client.post("/auth/logout")
        _five_wrong(client, "someone@example.org", ip="198.51.100.8")
        assert _post(client, "someone@example.org", "wrong-password-1", ip="198.51.100.8").status_code == 429
    lines = [r.getMessage() for r in caplog.records if r.name == "festival.auth"]
    assert any(line.startswith("login: user ") and "198.51.100.7" in line for line in lines)
    assert sum(line.startswith("failed login: ") and "198.51.100.8" in line for line in lines) == 5
    assert any(line.startswith("login refused by a limit") for line in lines)
    assert not any("@example.org" in line for line in lines)
