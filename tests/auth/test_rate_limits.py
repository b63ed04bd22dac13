"""Login attempts are limited per client address (Flask-Limiter), and behind a reverse proxy that
address is the one the proxy saw (TRUSTED_PROXIES), never one a client claims for itself."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import OutboxMail

LIMITED = {"RATELIMIT_ENABLED": True}
BEHIND_A_PROXY = {"RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": 1}
TOO_MANY = "Too many attempts; please wait a moment and try again."


def _attempt(client, n: int, forwarded_for: str | None = None):
    """A failed login with an address nobody has (so no account gets locked on the way)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    data = {"email": f"nobody{n}@example.org", "password": "wrong-password-1"}
    return client.post("/auth/login", data=data, headers=headers)


@pytest.mark.parametrize("app_overrides", [LIMITED])
def test_a_client_address_gets_twenty_login_attempts_a_minute(client):
    for n in range(20):
        assert _attempt(client, n).status_code == 200
    refused = _attempt(client, 20)
    assert refused.status_code == 429
    assert TOO_MANY in refused.get_data(as_text=True)


@pytest.mark.parametrize("app_overrides", [LIMITED])
def test_without_trusted_proxies_a_forwarded_address_does_not_get_around_the_limit(client):
    for n in range(20):
        assert _attempt(client, n, forwarded_for=f"10.0.0.{n}").status_code == 200
    assert _attempt(client, 20, forwarded_for="10.0.1.1").status_code == 429


@pytest.mark.parametrize("app_overrides", [BEHIND_A_PROXY])
def test_behind_a_proxy_each_client_address_has_its_own_limit(client):
    for n in range(20):
        assert _attempt(client, n, "203.0.113.7").status_code == 200
    assert _attempt(client, 20, "203.0.113.7").status_code == 429
    assert _attempt(client, 21, "198.51.100.9").status_code == 200  # another filmmaker, same proxy
    # an address the client put in front itself does not count: the proxy appended the real one
    assert _attempt(client, 22, "198.51.100.1, 203.0.113.7").status_code == 429


@pytest.mark.parametrize("app_overrides", [{**LIMITED, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"}])
def test_logins_work_and_stay_limited_when_the_shared_limit_store_is_unreachable(client):
    for n in range(20):
        assert _attempt(client, n).status_code == 200  # not a 500: the limits go on in this process
    assert _attempt(client, 20).status_code == 429


@pytest.mark.parametrize(
    "app_overrides",
    [{**BEHIND_A_PROXY, "SERVER_NAME": None, "PUBLIC_BASE_URL": "https://festival.example.cn"}],
)
def test_behind_a_proxy_a_forwarded_host_does_not_reach_the_links_in_mails(client, make):
    make.user(email="known@example.org")
    db.session.commit()
    client.post(
        "/auth/reset",
        data={"email": "known@example.org"},
        headers={
            "Host": "other.example",
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Host": "evil.example",
        },
    )
    body = db.session.scalar(sa.select(OutboxMail.body).where(OutboxMail.kind == "password_reset"))
    assert "https://festival.example.cn/auth/reset/" in body
    assert "evil.example" not in body and "other.example" not in body
