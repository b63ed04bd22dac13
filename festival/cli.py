"""Flask commands: demo data and account administration."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from festival.extensions import db

demo_cli = AppGroup("demo", help="Demo festival data.")
users_cli = AppGroup("users", help="Accounts.")
backup_cli = AppGroup("backup", help="Back up and restore the database.")


class BadInput(click.ClickException):
    """What was given (a file, an option's value) cannot be used: the message names the field, the exit
    status is 2, as for a mistyped option; nothing was written. Exit status 1 stays for a failure of the
    work itself (a backup tool that fails, a timetable that cannot be solved)."""

    exit_code = 2


def _field_lines(errors: dict) -> str:
    """A DomainError's field errors, one ``field: message`` a line."""
    return "\n".join(f"  {field}: {m}" if field else f"  {m}" for field, ms in errors.items() for m in ms)


@backup_cli.command("create")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path), required=False)
def backup_create(target: Path | None) -> None:
    """Write a consistent backup of the database (default: instance/backups/<timestamp>)."""
    from festival.backup import BackupError, BadBackupPath, backup

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        suffix = "sqlite3" if url.startswith("sqlite") else "pgdump"
        target = Path(current_app.instance_path) / "backups" / f"festival-{stamp}.{suffix}"
    try:
        written = backup(url, target)
    except BadBackupPath as exc:
        raise BadInput(str(exc)) from exc
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {written}")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces every row of the database. Continue?")
def backup_restore(source: Path) -> None:
    """Replace the database's contents with a backup."""
    from festival.backup import BackupError, BadBackupPath, restore

    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BadBackupPath as exc:
        raise BadInput(str(exc)) from exc
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Database restored from {source}")


DEMO_CONFIRMATION = "create demo accounts"
DEMO_IN_PRODUCTION_ENV = "FESTIVAL_DEMO_IN_PRODUCTION"


def _confirm_demo_in_production(flag: bool) -> None:
    """Production loads the demo only when told twice: the flag, then the typed words (or the
    environment variable, for scripts). Raises click.ClickException otherwise."""
    if current_app.config["ENV_NAME"] != "production":
        return
    if not flag:
        raise click.ClickException(
            "refusing to load the demo on a production site (FESTIVAL_ENV=production): its accounts have "
            "the password printed in the README. Add --i-know-this-is-production if you really mean it."
        )
    if os.environ.get(DEMO_IN_PRODUCTION_ENV) == DEMO_CONFIRMATION:
        return
    typed = click.prompt(f"Type {DEMO_CONFIRMATION!r} to go on", default="", show_default=False)
    if typed.strip() != DEMO_CONFIRMATION:
        raise click.ClickException("not confirmed; nothing was loaded")


@demo_cli.command("load")
@click.option(
    "--timetable/--no-timetable",
    default=True,
    help="Also solve and publish the 2021 timetable (a few seconds) if it has none.",
)
@click.option(
    "--i-know-this-is-production",
    "production",
    is_flag=True,
    help=f"Allow the demo on a production site (then type {DEMO_CONFIRMATION!r}, or set "
    f"{DEMO_IN_PRODUCTION_ENV} to it).",
)
def demo_load(timetable: bool, production: bool) -> None:
    """Load the demo festival and its accounts (known password) if they are not there yet."""
    from festival.demo.services import DEMO_PASSWORD, STAFF, load_demo
    from festival.demo.timetable import demo_edition, needs_timetable, publish_demo_timetable
    from festival.models import User

    _confirm_demo_in_production(production)
    result = load_demo(production_confirmed=production)
    db.session.commit()
    click.echo(
        "Demo festival loaded." if result.created else "Demo festival already present; nothing changed."
    )
    edition = demo_edition()
    if timetable and edition is not None and needs_timetable(edition):
        staff = db.session.scalar(db.select(User).where(User.email == STAFF))
        click.echo("Generating and publishing the 2021 timetable with the solver ...")
        version = publish_demo_timetable(edition, actor=staff)
        click.echo(f"Published timetable version {version.number} with {len(version.screenings)} screenings.")
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role in result.accounts:
        click.echo(f"  {role:<10} {email}")


@demo_cli.command("import-instance")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True, help="Short unique name of the new edition (its public address).")
@click.option("--owner", required=True, help="E-mail of the existing account that will own the films.")
@click.option("--publish/--no-publish", default=False, help="Solve and publish its timetable.")
@click.option(
    "--time-limit", default=10, show_default=True, type=click.IntRange(1, 3600), help="Solver seconds."
)
def demo_import_instance(path: Path, slug: str, owner: str, publish: bool, time_limit: int) -> None:
    """Create a closed edition from a solver instance file (venues, theaters, accepted films, pins).

    Creates no account: the films belong to the account given with --owner. A file that cannot be used
    is answered with each field's problem and exit status 2; nothing is written then (one transaction)."""
    from festival.auth.services import AccountError, find_user_by_email, normalise_email
    from festival.demo.services import import_edition
    from festival.demo.timetable import DemoTimetableError, publish_demo_timetable
    from festival.errors import DomainError
    from festival.models import Edition
    from festival.models.edition import SLUG_PATTERN
    from festival.schedule import adapter

    try:
        data = adapter.read_instance_file(path)
        adapter.check_importable(data)
    except adapter.InstanceBuildError as exc:
        problems = "\n".join(f"  {adapter.in_words(p)}" for p in exc.problems)
        raise BadInput(f"{path} is not a valid instance:\n{problems}") from None
    except adapter.InstanceImportError as exc:
        raise BadInput(f"{path} cannot be imported as it is:\n{_field_lines(exc.errors)}") from None
    if not SLUG_PATTERN.fullmatch(slug):
        raise BadInput(
            f"--slug: {slug!r} cannot be an address: use letters, digits, _ - and . (at most 64 characters)"
        )
    if db.session.scalar(db.select(Edition).where(Edition.slug == slug)) is not None:
        raise BadInput(f"--slug: an edition with the slug {slug!r} exists already")
    try:
        owner_user = find_user_by_email(normalise_email(owner))
    except AccountError:
        owner_user = None
    if owner_user is None:
        raise BadInput(
            f"--owner: no account has the address {owner!r} (create one first, e.g. flask users create-admin)"
        )
    edition = import_edition(data, owner=owner_user, slug=slug, reference_prefix=slug.upper()[:24])
    db.session.commit()
    click.echo(f"Edition {slug} created with {len(data['films'])} accepted films.")
    if publish:
        try:
            version = publish_demo_timetable(edition, actor=None, time_limit=time_limit)
        except (DemoTimetableError, DomainError) as exc:
            db.session.rollback()
            message = f"the edition is imported, but its timetable was not published: {exc}"
            raise click.ClickException(message) from None
        click.echo(f"Published timetable version {version.number} with {len(version.screenings)} screenings.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator account."""
    from festival.auth.services import AccountError, create_user
    from festival.models.enums import Role

    try:
        user = create_user(email=email, name=name, password=password, roles={Role.ADMIN}, confirmed=True)
    except AccountError as exc:
        db.session.rollback()
        for field, messages in exc.errors.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        raise SystemExit(BadInput.exit_code) from exc
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


def register_commands(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_cli)
