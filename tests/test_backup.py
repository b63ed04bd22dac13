"""`flask backup create/restore` round-trips the database (SQLite here, PostgreSQL when configured)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.backup import BackupError, _pg_tool
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
