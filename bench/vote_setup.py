"""Prepare the viewers' prize rush: the exit of a full giant-screen show. N confirmed visitors, each already
logged in (a server-side session and its signed session cookie, so that the rush measures votes, not
password checks), all with the same screening in their plan: the best-attended screening of the largest
theater in the demo's 2021 programme (over, so its film can be rated).

Run inside the bench stack's environment: `python -m bench.vote_setup N`; prints JSON
{"slug": ..., "film": entry id, "voters": [{"email", "cookie"}, ...]} for bench/load_votes.py.
"""

from __future__ import annotations

import json
import sys

import sqlalchemy as sa

from festival import create_app
from festival.auth.passwords import hash_password
from festival.auth.sessions import start_session
from festival.demo.timetable import demo_edition, publish_demo_timetable
from festival.extensions import db
from festival.models import PlanItem, Screening, Theater, User
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
        version = queries.published(edition)
        show = db.session.scalars(
            sa.select(Screening)
            .join(Theater, Theater.id == Screening.theater_id)
            .where(Screening.timetable_id == version.id)
            .order_by(Theater.seats.desc(), Screening.expected_attendance.desc(), Screening.id)
        ).first()
        out["slug"] = edition.slug
        out["film"] = show.entry_id
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
            db.session.add(
                PlanItem(
                    user_id=user.id,
                    edition_id=edition.id,
                    entry_id=show.entry_id,
                    theater_id=show.theater_id,
                    start=show.start,
                )
            )
        for user in users:
            token = start_session(user, remember=False, user_agent="bench", address="127.0.0.1")
            cookie = serializer.dumps({"_user_id": token, "_fresh": True})
            out["voters"].append({"email": user.email, "cookie": f"session={cookie}"})
        db.session.commit()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
