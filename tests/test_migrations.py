"""Migrations build the same schema as the models, and upgrade/downgrade cleanly."""

from __future__ import annotations

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
