"""Back up and restore the database: SQLite's online backup API, pg_dump/pg_restore for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


class BadBackupPath(BackupError):
    """The file given cannot be used: no such backup, not a backup, or no place to write one."""


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as a libpq connection URI without the password, and the environment of the
    client tool with the password in PGPASSWORD: a command line is visible to every local user (ps)."""
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    bare = sa.URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return str(candidates[-1])


def backup(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the live database to ``target``; returns the path written."""
    url = sa.make_url(database_url)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadBackupPath(f"{target}: cannot write there ({exc.strerror or exc})") from exc
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
        except sqlite3.Error as exc:
            raise BadBackupPath(f"{target}: cannot write a backup there ({exc})") from exc
        finally:
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        uri, env = _libpq(url)
        cmd = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", uri]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)  # noqa: S603 (no shell)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with a backup made by ``backup``."""
    if not source.is_file():
        raise BadBackupPath(f"{source} does not exist or is not a file")
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            src.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BadBackupPath(f"{source} is not a SQLite backup: {exc}") from exc
        try:
            dest = sqlite3.connect(_sqlite_path(url))
            with dest:
                src.backup(dest)
            dest.close()
        finally:
            src.close()
        return
    if url.get_backend_name() == "postgresql":
        with source.open("rb") as fh:
            if fh.read(5) != b"PGDMP":  # the custom format's signature, which ``backup`` writes
                raise BadBackupPath(f"{source} is not a PostgreSQL backup (pg_dump --format=custom)")
        uri, env = _libpq(url)
        cmd = [
            _pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--dbname={uri}", str(source),
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)  # noqa: S603 (no shell)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    raise BackupError(f"restores of {url.get_backend_name()} databases are not supported")
