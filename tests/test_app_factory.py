"""The factory builds each configuration safely."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival import create_app
from festival.config import ConfigurationError
from festival.extensions import db
from festival.models import User


def test_development_config_generates_secret_once_in_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FESTIVAL_ENV", "development")
    from flask import Flask

    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(tmp_path / "inst"))
    first = create_app()
    second = create_app()
    assert first.config["ENV_NAME"] == "development"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'festival.sqlite3'}"
    assert first.config["UPLOAD_FOLDER"].startswith(str(tmp_path / "inst"))


def test_testing_config_is_selected_by_testing_flag():
    app = create_app({"TESTING": True})
    assert app.config["ENV_NAME"] == "testing"
    assert app.testing


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FESTIVAL_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("FESTIVAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigurationError, match="32 characters"):
        create_app()


def test_production_reads_database_url_and_secret_from_environment(monkeypatch):
    monkeypatch.setenv("FESTIVAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/none")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://festival.example.cn/")
    app = create_app()
    assert app.config["PUBLIC_BASE_URL"] == "https://festival.example.cn"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1:1/none"
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:1/0"
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("name", "given", "value", "refused", "message"),
    [
        ("DATABASE_PING_AFTER_IDLE", "2.5", 2.5, ("soon", "-1", "nan", "inf"), "must be a number of seconds"),
        ("TRUSTED_PROXIES", "1", 1, ("yes", "-1", "1.5", "11", "²"), "must be a whole number from 0 to 10"),
        ("MAIL_PORT", "587", 587, ("smtp", "0", "65536", "²", "9" * 5000), "must be a whole number from 1"),
        ("MAIL_MAX_ATTEMPTS", "3", 3, ("0", "101", "three"), "must be a whole number from 1 to 100"),
        ("MAIL_RETRY_DELAY_SECONDS", "30", 30.0, ("-5", "nan", "soon"), "must be a number of seconds"),
    ],
)
def test_numeric_settings_come_from_the_environment_and_bad_ones_stop_the_start(
    monkeypatch, tmp_path, name, given, value, refused, message
):
    monkeypatch.setenv(name, given)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.config[name] == value
    for bad in refused:
        monkeypatch.setenv(name, bad)
        with pytest.raises(ConfigurationError, match=f"{name} {message}"):
            create_app({"TESTING": True})


def test_production_refuses_to_start_without_a_public_base_url(monkeypatch):
    monkeypatch.setenv("FESTIVAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL must be set in production"):
        create_app()
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://festival.example.cn")
    with pytest.raises(ConfigurationError, match="must start with https://"):
        create_app()
    for bad in ("festival.example.cn", "ftp://festival.example.cn", "https://", "https://f.example/?x=1"):
        monkeypatch.setenv("PUBLIC_BASE_URL", bad)
        with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL must be an http"):
            create_app()


def test_development_links_default_to_the_local_server(monkeypatch, tmp_path):
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("FESTIVAL_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "d" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"


def _production_app(monkeypatch, tmp_path):
    monkeypatch.setenv("FESTIVAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://festival.example.cn")
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


def test_production_answers_carry_strict_transport_security(monkeypatch, tmp_path, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app = _production_app(monkeypatch, tmp_path)
    response = app.test_client().get("/no-such-page", base_url="https://festival.example.cn")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_unknown_environment_name_is_rejected(monkeypatch):
    monkeypatch.setenv("FESTIVAL_ENV", "staging-ish")
    with pytest.raises(ConfigurationError, match="FESTIVAL_ENV"):
        create_app()


def test_health_endpoint_checks_the_database_and_tells_nothing_else(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_error_pages_use_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "404" in html and "site-header" in html


def test_security_headers_are_set(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_nul_characters_in_addresses_get_a_clear_400(client):
    response = client.get("/?q=a%00b")
    assert response.status_code == 400
    assert "site-header" in response.get_data(as_text=True)


def test_every_form_drops_control_characters(app):
    import importlib
    import inspect

    from flask_wtf import FlaskForm

    from festival.formtools import CleanForm

    for area in ("auth", "submissions", "review", "venues", "schedule"):
        for module_name in (f"festival.{area}.forms", "festival.schedule.run_forms"):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, FlaskForm) and cls.__module__ == module_name:
                    assert issubclass(cls, CleanForm), (
                        f"{module_name}.{name} does not drop control characters"
                    )


NAME_FIELDS = {
    *("name", "name_zh", "organisation", "title_original", "title_en", "title_zh", "country", "director"),
    *("production_company", "rights_holder", "contact_name", "label", "label_zh", "subject", "value"),
}


def test_every_name_and_title_field_drops_invisible_characters(app):
    import importlib
    import inspect

    from flask_wtf import FlaskForm
    from wtforms import StringField

    from festival.formtools import NameField

    checked = 0
    areas = ("auth", "submissions", "review", "venues", "schedule")
    for module_name in (*(f"festival.{area}.forms" for area in areas), "festival.schedule.run_forms"):
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, FlaskForm) and cls.__module__ == module_name):
                continue
            for field_name, unbound in vars(cls).items():
                kind = getattr(unbound, "field_class", None)
                if field_name in NAME_FIELDS and kind and issubclass(kind, StringField):
                    assert issubclass(kind, NameField), (
                        f"{module_name}.{name}.{field_name} is not a NameField"
                    )
                    checked += 1
    assert checked >= 20


def test_invisible_characters_are_dropped_from_names_where_people_type_them(client):
    data = {"name": "Ada\u202e Producer\u200b", "organisation": "Orbit\u2066 Films\ufeff"}
    data |= {"email": "ada@example.org", "password": "Nebula-Dome-4471", "confirm": "Nebula-Dome-4471"}
    assert client.post("/auth/register", data=data).status_code == 303
    user = db.session.scalar(sa.select(User).where(User.email == "ada@example.org"))
    assert (user.name, user.organisation) == ("Ada Producer", "Orbit Films")


def test_ids_and_numbers_too_large_for_the_database_are_not_server_errors(client, auth, make):
    auth.login_as(make.user(role="staff"))
    db.session.commit()
    for url in ("/review/ranking?edition=99999999999999999999", "/staff/timetable/runs/99999999999999"):
        assert client.get(url).status_code in (400, 404), url
