"""Migrations build the same schema as the models, and upgrade/downgrade cleanly."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from festival import create_app
from festival.extensions import db


def _fresh_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})


def test_upgrade_empty_database_to_head_matches_models(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_on_the_test_database_match_models(app):
    # The session database (SQLite or PostgreSQL) was built by the migrations, not by create_all.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(db.inspect(db.engine).get_table_names())
        assert tables <= {"alembic_version"}
        upgrade()
        assert "entry" in db.inspect(db.engine).get_table_names()
        db.engine.dispose()


@contextmanager
def _scratch_database(database_url: str, tmp_path, name: str):
    """A database of its own for a migration test: a SQLite file, or on the PostgreSQL server of
    ``database_url`` a scratch database dropped afterwards; yields its URL."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    server = sa.make_url(database_url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_downgrade_and_upgrade_on_the_server_database(database_url, tmp_path):
    """On PostgreSQL (TEST_DATABASE_URL), round-trip the whole chain in a scratch database."""
    if database_url.startswith("sqlite"):
        pytest.skip("covered by the SQLite round trip above; this one needs PostgreSQL")
    with _scratch_database(database_url, tmp_path, "festival_migration_roundtrip") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            assert set(db.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
            db.session.remove()
            db.engine.dispose()


def test_the_phone_migration_keeps_contact_numbers_in_e164_and_back(database_url, tmp_path):
    """On SQLite and on PostgreSQL: the venues' contact phones as typed become E.164 (an extension after
    ";ext="), what is no valid number stays as it was, and the downgrade writes the international format."""
    # venue code: as typed, stored in E.164, written back by the downgrade
    phones = {
        "hefei": ("(0551) 6362-1234 ext. 12", "+8655163621234;ext=12", "+86 551 6362 1234 ext. 12"),
        "shanghai": ("+86 21 6854 2000", "+862168542000", "+86 21 6854 2000"),
        "guangzhou": ("020 3902 9000", "+862039029000", "+86 20 3902 9000"),
        "nowhere": ("call the front desk",) * 3,
        "none": (None,) * 3,
    }
    insert = sa.text(
        "INSERT INTO venue (edition_id, code, name, hours, closed_dates, special_hours, city, is_partner, "
        "contact_phone) VALUES (:edition, :code, :code, '{}', '[]', '{}', '', false, :phone)"
    )
    with _scratch_database(database_url, tmp_path, "festival_phone_migration") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="05dfe924f1be")  # phones as typed
            from tests import factories

            edition = factories.edition()
            db.session.commit()
            with db.engine.begin() as conn:
                for code, (typed, _stored, _shown) in phones.items():
                    conn.execute(insert, {"edition": edition.id, "code": code, "phone": typed})
            db.session.remove()

            def stored() -> dict:
                with db.engine.connect() as conn:
                    return dict(conn.execute(sa.text("SELECT code, contact_phone FROM venue")).all())

            upgrade(revision="21001d7fd31c")
            assert stored() == {code: values[1] for code, values in phones.items()}
            downgrade(revision="05dfe924f1be")
            assert stored() == {code: values[2] for code, values in phones.items()}
            db.session.remove()
            db.engine.dispose()


def test_the_name_keys_migration_fills_the_keys_of_existing_rows(tmp_path):
    from festival.models.enums import ConflictKind, Role
    from festival.review import services
    from tests import factories

    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade()
        curator = factories.user(role=Role.CURATOR)
        edition = factories.edition()
        names = {"production_company": "GIANT  FRAME Pictures, Ltd.", "director": "Anna Berg, Chen Jie"}
        factories.entry(edition, curator, country="Germany", **names)
        services.declare_conflict(
            edition, curator=curator, kind=ConflictKind.COMPANY, value="giant frame pictures"
        )
        db.session.commit()
        db.session.remove()
        downgrade(revision="b10946be599b")  # rows as they were before the keys existed
        upgrade()
        with db.engine.connect() as conn:
            keys = conn.execute(sa.text("SELECT company_keys, person_keys, country_keys FROM entry")).one()
            value_key = conn.execute(sa.text("SELECT value_key FROM conflict")).scalar()
        db.engine.dispose()
    assert tuple(keys) == ("|giantframepictures|", "|annabergchenjie|annaberg|chenjie|", "|germany|")
    assert value_key == "giantframepictures"


def test_the_role_set_migration_keeps_every_users_role_and_downgrades_to_the_highest(tmp_path):
    app = _fresh_app(tmp_path)
    insert = sa.text(
        'INSERT INTO "user" (email, name, password_hash, role, locale, active, password_changed_at, '
        "created_at) VALUES (:email, :email, 'x', :role, 'en', true, '2026-01-01', '2026-01-01')"
    )
    with app.app_context():
        upgrade(revision="62806bd9d7cb")  # one role column
        with db.engine.begin() as conn:
            for role in ("filmmaker", "curator", "staff", "admin"):
                conn.execute(insert, {"email": f"{role}@example.org", "role": role})
        upgrade()
        roles = 'SELECT u.email, r.role FROM user_role r JOIN "user" u ON u.id = r.user_id ORDER BY u.email'
        with db.engine.begin() as conn:
            assert [tuple(r) for r in conn.execute(sa.text(roles))] == [
                ("admin@example.org", "admin"),
                ("curator@example.org", "curator"),
                ("filmmaker@example.org", "filmmaker"),
                ("staff@example.org", "staff"),
            ]
            # a curator who is staff too; a visitor the old column cannot name
            conn.execute(
                sa.text(
                    "INSERT INTO user_role (user_id, role) SELECT id, 'staff' FROM \"user\" "
                    "WHERE email = 'curator@example.org'"
                )
            )
            conn.execute(sa.text("UPDATE user_role SET role = 'visitor' WHERE role = 'filmmaker'"))
        downgrade(revision="62806bd9d7cb")
        with db.engine.begin() as conn:
            rows = conn.execute(sa.text('SELECT email, role FROM "user" ORDER BY email'))
            assert [tuple(r) for r in rows] == [
                ("admin@example.org", "admin"),
                ("curator@example.org", "staff"),
                ("filmmaker@example.org", "filmmaker"),
                ("staff@example.org", "staff"),
            ]
        db.engine.dispose()


def test_the_events_migration_turns_every_block_into_an_event_that_is_not_public_and_back(tmp_path):
    app = _fresh_app(tmp_path)
    with app.app_context():
        upgrade(revision="158cc6552e2f")  # theater blocks
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO edition (id, slug, name, section, reference_prefix, timezone, "
                    "entry_deadline, first_day, last_day, status, schedule_weights, created_at) "
                    "VALUES (7, 'e', 'E', 'S', 'E-', 'Asia/Shanghai', '2021-03-01', '2021-04-01', "
                    "'2021-04-30', 'closed', '{}', '2021-01-01')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO venue (id, edition_id, code, name, hours, closed_dates, special_hours) "
                    "VALUES (3, 7, 'cstm', 'CSTM', '{}', '[]', '{}')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO theater (id, venue_id, code, name, seats, formats, features, "
                    "changeover_minutes, start_step_minutes, position) "
                    "VALUES (5, 3, 'dome', 'Dome', 400, '[\"dome\"]', '[]', 15, 5, 0)"
                )
            )
            conn.execute(
                sa.text(
                    'INSERT INTO theater_block (id, theater_id, kind, label, start, "end") VALUES '
                    "(11, 5, 'forum', 'Academic forum', '2021-04-03 01:30:00', '2021-04-03 04:00:00')"
                )
            )
        upgrade()
        with db.engine.begin() as conn:
            row = conn.execute(
                sa.text('SELECT id, edition_id, theater_id, kind, title, public, start, "end" FROM event')
            ).one()
            assert tuple(row[:6]) == (11, 7, 5, "forum", "Academic forum", False)
            assert str(row.start).startswith("2021-04-03 01:30") and str(row.end).startswith(
                "2021-04-03 04:00"
            )
            conn.execute(
                sa.text(
                    'INSERT INTO event (edition_id, theater_id, kind, title, start, "end", public, '
                    "recurring, seats_taken, registration_required, created_at, updated_at) "
                    "VALUES (7, 5, 'talk', 'Dome cinema', '2021-04-04 02:00:00', '2021-04-04 03:00:00', "
                    "true, false, 0, false, '2021-01-01', '2021-01-01')"
                )
            )
        downgrade(revision="158cc6552e2f")
        with db.engine.begin() as conn:
            rows = conn.execute(sa.text("SELECT id, theater_id, kind, label FROM theater_block ORDER BY id"))
            assert [tuple(r) for r in rows] == [
                (11, 5, "forum", "Academic forum"),
                (12, 5, "forum", "Dome cinema"),
            ]
        db.engine.dispose()
