"""Prepare the viewers' prize rush: N confirmed visitors, each already logged in (a server-side session and
its signed session cookie, so that the rush measures votes, not password checks), in the demo's 2021
edition with its published timetable, where visitors may rate a film after any screening.

Run inside the bench stack's environment: `python -m bench.vote_setup N`; prints JSON
{"slug": ..., "films": [entry ids], "voters": [{"email", "cookie"}, ...]} for bench/load_votes.py.
"""

from __future__ import annotations

import json
import sys

from festival import create_app
from festival.audience import services
from festival.auth.passwords import hash_password
from festival.auth.sessions import start_session
from festival.demo.timetable import demo_edition, publish_demo_timetable
from festival.extensions import db
from festival.models import AudienceSettings, User
from festival.models.enums import Role
from festival.models.types import utcnow
from festival.programme import queries


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    app = create_app()
    out: dict = {"voters": []}
    with app.app_context():
        edition = demo_edition()
        if queries.published(edition) is None:
            publish_demo_timetable(edition, actor=None, time_limit=10)
        db.session.merge(AudienceSettings(edition_id=edition.id, vote_after_any_screening=True))
        out["slug"] = edition.slug
        out["films"] = [f.id for f in services.selected_films(edition)]
        password = hash_password("Prize-Night-Giant-Screen-2027")  # one hash: nobody logs in by form
        serializer = app.session_interface.get_signing_serializer(app)
        users = []
        for i in range(count):
            user = User(
                email=f"voter{i}@bench.example.org",
                name=f"Voter {i}",
                password_hash=password,
                roles={Role.VISITOR},
                email_confirmed_at=utcnow(),
            )
            db.session.add(user)
            users.append(user)
        db.session.flush()
        for user in users:
            token = start_session(user, remember=False, user_agent="bench", address="127.0.0.1")
            cookie = serializer.dumps({"_user_id": token, "_fresh": True})
            out["voters"].append({"email": user.email, "cookie": f"session={cookie}"})
        db.session.commit()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
