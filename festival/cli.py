"""Flask commands: demo data and account administration."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from festival.extensions import db

demo_cli = AppGroup("demo", help="Demo festival data.")
users_cli = AppGroup("users", help="Accounts.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo festival and accounts if they are not there yet."""
    from festival.demo.services import DEMO_PASSWORD, load_demo

    result = load_demo()
    db.session.commit()
    click.echo(
        "Demo festival loaded." if result.created else "Demo festival already present; nothing changed."
    )
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role in result.accounts:
        click.echo(f"  {role:<10} {email}")


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator account."""
    from festival.auth.services import AccountError, create_user
    from festival.models.enums import Role

    try:
        user = create_user(email=email, name=name, password=password, role=Role.ADMIN, confirmed=True)
    except AccountError as exc:
        db.session.rollback()
        for field, messages in exc.errors.items():
            for message in messages:
                click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from exc
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


def register_commands(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
