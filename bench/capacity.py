"""How fast the capacity figures answer while a lead stages decisions (issue 18, "capacity while
selecting"): /review/capacity.json on editions imported from the example instances.

For each instance: import it into a throwaway SQLite database (its films accepted), log a staff member in
and ask the endpoint to stage one film's decision with a different minimum each time, as the decision
page does while the lead types. The first request reads the rooms' free time (``scheduler.Supply``); the
next ones find it in the cache (``festival.schedule.capacity.SUPPLY_CACHE``). Prints the median and the
worst answer, cold and warm, and the time of the engine's part alone. Target: well under a second.

    .venv/bin/python bench/capacity.py [--instances small,cstm-2021,cstm-stress,alliance] [--requests 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from festival import create_app  # noqa: E402

INSTANCES = Path(__file__).resolve().parent.parent / "data" / "instances"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", default="small,cstm-2021,cstm-stress,alliance")
    parser.add_argument("--requests", type=int, default=20, help="staged requests per instance")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "RATELIMIT_ENABLED": False}
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            rows = [run_one(app, name, args.requests) for name in args.instances.split(",")]
    print()
    print("| instance | films | theater groups | first answer (cold) | median | worst | engine alone |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['name']} | {r['films']} | {r['groups']} | {r['cold']:.0f} ms | {r['median']:.0f} ms "
            f"| {r['worst']:.0f} ms | {r['engine']:.1f} ms |"
        )


def run_one(app, name: str, requests: int) -> dict:
    import sqlalchemy as sa

    import scheduler
    from festival.auth.passwords import hash_password
    from festival.auth.sessions import start_session
    from festival.demo.services import import_edition
    from festival.extensions import db
    from festival.models import Entry, User
    from festival.models.enums import Role
    from festival.schedule import capacity

    data = json.loads((INSTANCES / f"{name}.json").read_text())
    secret = hash_password("not-used-bench-account")
    owner = User(email=f"owner-{name}@example.org", name="Owner", roles={Role.FILMMAKER})
    owner.password_hash = secret
    staff = User(email=f"staff-{name}@example.org", name="Staff", roles={Role.STAFF}, password_hash=secret)
    db.session.add_all([owner, staff])
    db.session.flush()
    edition = import_edition(data, owner=owner, slug=f"bench-{name}", reference_prefix=name.upper())
    db.session.commit()
    entry = db.session.scalars(
        sa.select(Entry).where(Entry.edition_id == edition.id).order_by(Entry.id)
    ).first()
    client = app.test_client()
    token = start_session(staff, remember=False, user_agent="bench", address="127.0.0.1")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    capacity._supplies.clear()
    times = []
    groups = 0
    for k in range(requests + 1):
        query = {
            "edition": edition.id, "entry_ids": entry.id, "form": "decision", "outcome": "accepted",
            "min_screenings": str(2 + k % 5), "max_screenings": "9", "max_per_day": "1", "copies": "1",
            "popularity": "100",
        }  # fmt: skip
        started = time.perf_counter()
        answer = client.get("/review/capacity.json", query_string=query)
        times.append(1000 * (time.perf_counter() - started))
        assert answer.status_code == 200, answer.status_code
        groups = len(answer.get_json()["groups"])
    instance = scheduler.parse_instance(data)
    supply = scheduler.Supply(instance)
    started = time.perf_counter()
    for _ in range(10):
        scheduler.capacity(instance, supply)
    engine = 100 * (time.perf_counter() - started)
    warm = times[1:]
    return {
        "name": name, "films": len(data["films"]), "groups": groups, "cold": times[0],
        "median": statistics.median(warm), "worst": max(warm), "engine": engine,
    }  # fmt: skip


if __name__ == "__main__":
    main()
