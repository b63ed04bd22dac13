"""`flask backup create/restore` round-trips the database (SQLite here, PostgreSQL when configured)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.backup import BackupError, _libpq, _pg_tool
from festival.extensions import db
from festival.models import User


def _emails() -> set[str]:
    return set(db.session.scalars(sa.select(User.email)))


def test_backup_then_restore_brings_back_deleted_rows(app, runner, make, tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        try:
            _pg_tool("pg_dump")
        except BackupError as exc:
            pytest.skip(str(exc))
        # with a password in the URL, as in production (it reaches the client tools by PGPASSWORD;
        # the test server trusts local connections, so any password does)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            sa.make_url(database_url).set(password="pw").render_as_string(hide_password=False)
        )
    make.user(email="keep@example.org")
    db.session.commit()
    target = tmp_path / "festival.backup"
    result = runner.invoke(args=["backup", "create", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    db.session.execute(sa.delete(User))
    db.session.commit()
    assert _emails() == set()

    result = runner.invoke(args=["backup", "restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _emails() == {"keep@example.org"}


def test_restore_of_a_file_that_is_not_a_backup_fails_clearly(runner, tmp_path, database_url):
    bogus = tmp_path / "bogus.backup"
    bogus.write_text("this is not a database")
    result = runner.invoke(args=["backup", "restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    assert "Error:" in result.output


def test_the_database_password_goes_to_the_client_tool_in_its_environment_never_its_command_line():
    uri, env = _libpq(sa.make_url("postgresql+psycopg://festival:s3cret%2Fpw@db.internal:5433/festival"))
    assert "s3cret" not in uri and uri == "postgresql://festival@db.internal:5433/festival"
    assert env["PGPASSWORD"] == "s3cret/pw"
    uri, env = _libpq(sa.make_url("postgresql+psycopg://festival@db.internal/festival"))
    assert "PGPASSWORD" not in env
