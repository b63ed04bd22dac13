"""The admin outbox: every stored mail, newest first, for admins only."""

from __future__ import annotations

from datetime import timedelta

from festival.extensions import db
from festival.models import OutboxMail
from festival.models.types import utcnow


def _mail(subject: str, minutes_ago: int, **kw) -> OutboxMail:
    mail = OutboxMail(
        recipient="lena@example.org",
        subject=subject,
        body=f"Body of {subject}\nhttps://x/y",
        kind="entry_receipt",
        created_at=utcnow() - timedelta(minutes=minutes_ago),
        **kw,
    )
    db.session.add(mail)
    return mail


def test_outbox_lists_mails_newest_first_with_a_detail_page(app, client, auth, make):
    auth.login_as(make.user(role="admin"))
    _mail("Older <b>mail</b>", 30)
    newest = _mail("Newest mail", 1)
    db.session.commit()
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert html.index("Newest mail") < html.index("Older &lt;b&gt;mail&lt;/b&gt;")
    detail = client.get(f"/admin/outbox/{newest.id}")
    assert detail.status_code == 200
    assert "Body of Newest mail" in detail.get_data(as_text=True)


def test_outbox_search(app, client, auth, make):
    auth.login_as(make.user(role="admin"))
    _mail("Receipt for Aurora", 5)
    _mail("Receipt for Whale", 4)
    db.session.commit()
    html = client.get("/admin/outbox?q=whale").get_data(as_text=True)
    assert "Whale" in html and "Aurora" not in html


def test_outbox_is_for_admins_only(app, client, auth, make):
    mail = _mail("Secret", 1)
    auth.login_as(make.user(role="staff"))
    db.session.commit()
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{mail.id}").status_code == 403
    auth.logout()
    assert client.get("/admin/outbox").status_code == 302


def test_outbox_link_is_in_the_admin_navigation(app, client, auth, make):
    auth.login_as(make.user(role="admin"))
    db.session.commit()
    assert 'href="/admin/outbox"' in client.get("/").get_data(as_text=True)


def test_unknown_mail_is_not_found(app, client, auth, make):
    auth.login_as(make.user(role="admin"))
    db.session.commit()
    assert client.get("/admin/outbox/999").status_code == 404
