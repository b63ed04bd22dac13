"""Migrations build the same schema as the models, and upgrade/downgrade cleanly."""

from __future__ import annotations

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


def test_downgrade_and_upgrade_on_the_server_database(database_url):
    """On PostgreSQL (TEST_DATABASE_URL), round-trip the whole chain in a scratch database."""
    if database_url.startswith("sqlite"):
        pytest.skip("covered by the SQLite round trip above; this one needs PostgreSQL")

    server = sa.make_url(database_url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    scratch = "festival_migration_roundtrip"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {scratch}"))
        conn.execute(sa.text(f"CREATE DATABASE {scratch}"))
    try:
        url = server.set(database=scratch).render_as_string(hide_password=False)
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
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
        admin.dispose()


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
