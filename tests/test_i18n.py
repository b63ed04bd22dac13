"""The language switch and bilingual pages."""

from __future__ import annotations

from festival.extensions import db
from tests.conftest import Auth, csrf_token


def _header(html: str) -> str:
    return html.split("<main")[0]


def test_anonymous_language_switch_is_a_link_remembered_in_a_cookie(csrf_client):
    html = csrf_client.get("/programme/").get_data(as_text=True)
    assert "Log in" in html
    assert 'name="csrf_token"' not in _header(html)  # nothing to protect: no form, no session
    response = csrf_client.get("/language/zh?next=/programme/")
    assert response.status_code == 302 and response.headers["Location"] == "/programme/"
    assert "lang=zh" in response.headers["Set-Cookie"]
    html = csrf_client.get("/").get_data(as_text=True)
    assert 'lang="zh-Hans"' in html
    assert "登录" in html
    assert "Log in" not in _header(html).split("lang-switch")[-1]


def test_anonymous_public_pages_set_no_session_cookie(csrf_client):
    for url in ("/", "/programme/"):
        response = csrf_client.get(url)
        assert response.status_code == 200
        assert "session=" not in response.headers.get("Set-Cookie", ""), url


def test_language_link_only_goes_back_to_pages_of_this_site(client):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", ""):
        response = client.get("/language/en", query_string={"next": target})
        assert response.headers["Location"] == "/", target


def test_logged_in_visitors_switch_with_a_csrf_protected_form_saved_on_the_account(csrf_client, make):
    user = make.user()
    db.session.commit()
    Auth(csrf_client).login_as(user)
    token = csrf_token(csrf_client, "/")
    assert csrf_client.post("/language", data={"lang": "zh"}).status_code == 400  # no token, no change
    response = csrf_client.post("/language", data={"lang": "zh", "csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "zh"
    assert 'lang="zh-Hans"' in csrf_client.get("/").get_data(as_text=True)


def test_the_language_form_goes_back_to_a_path_of_this_site_whatever_the_headers(client, make):
    user = make.user()
    db.session.commit()
    Auth(client).login_as(user)
    back = client.post(
        "/language", data={"lang": "zh"}, headers={"Referer": "http://localhost/programme/?day=2"}
    )
    assert back.headers["Location"] == "/programme/?day=2"
    forged = client.post(
        "/language",
        data={"lang": "en"},
        base_url="http://evil.example",
        headers={"Referer": "http://evil.example//evil.example/phish"},
    )
    assert forged.headers["Location"] == "/"


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
    client.get("/language/xx?next=/")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
