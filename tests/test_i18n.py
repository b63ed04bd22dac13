"""The language switch and bilingual pages."""

from __future__ import annotations

from festival.extensions import db
from tests.conftest import csrf_token


def test_language_switch_is_remembered_in_the_session(csrf_client):
    assert "Log in" in csrf_client.get("/").get_data(as_text=True)
    token = csrf_token(csrf_client, "/")
    response = csrf_client.post("/language", data={"lang": "zh", "csrf_token": token})
    assert response.status_code == 302
    html = csrf_client.get("/").get_data(as_text=True)
    assert 'lang="zh-Hans"' in html
    assert "登录" in html
    assert "Log in" not in html.split("<main")[0].split("lang-switch")[-1]


def test_browser_language_is_used_before_a_choice(client):
    html = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert 'lang="zh-Hans"' in html


def test_language_choice_is_saved_on_the_account(client, auth, make):
    user = auth.login_as(make.user())
    db.session.commit()
    client.post("/language", data={"lang": "zh"})
    db.session.refresh(user)
    assert user.locale == "zh"


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"lang": "xx"})
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
