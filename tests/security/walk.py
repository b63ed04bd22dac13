"""Walking the URL map: build each rule's URL from the world's objects and request it as each role."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for

from festival.extensions import db
from tests.conftest import log_in
from tests.security.world import ROLES, World

SKIP_ENDPOINTS = {"static"}


def rules(app: Flask):
    """Every routed rule except static files, sorted for stable output."""
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint not in SKIP_ENDPOINTS), key=lambda r: r.endpoint
    )


def url_of(app: Flask, rule, world: World) -> str:
    """The rule's path with the world's objects in its arguments."""
    args = {**world.args, **world.overrides.get(rule.endpoint, {})}
    missing = set(rule.arguments) - set(args)
    assert not missing, f"{rule.endpoint}: the walk does not know the URL argument(s) {missing}"
    with app.test_request_context():
        return url_for(rule.endpoint, **{a: args[a] for a in rule.arguments})


def methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def outcome(response) -> str:
    """A status in words: ok, login (redirect to the login page), redirect, or the HTTP code."""
    if response.status_code in (301, 302, 303):
        location = response.headers.get("Location", "")
        return "login" if "/auth/login" in location else "redirect"
    if 200 <= response.status_code < 300:
        return "ok"
    return str(response.status_code)


def row_counts() -> dict[str, int]:
    """Rows per table: compared before and after requests that must write nothing (but the walk's own
    logins: each ``as_role`` starts a server-side session)."""
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
        if t.name != "user_session"
    }


def as_role(client, world: World, role: str):
    """Log the client in as the role's user (or out, for anonymous)."""
    user = world.users[role]
    if user is not None:
        log_in(client, user)
    else:
        with client.session_transaction() as session:
            session.clear()


__all__ = ["ROLES", "as_role", "methods", "outcome", "row_counts", "rules", "url_of"]
