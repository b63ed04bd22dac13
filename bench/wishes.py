"""What the visitors' wishes change: the demo's 2021 edition solved twice in one run, once with the
curators' expected audience and once with the blend of it and the wishes (festival.audience.demand).

On a fresh SQLite database in a temporary folder: the demo is loaded, then VISITORS (expected in all) and
WISHERS visitors who made a wish-list are set, and the wishes drawn with a fixed seed: five films the
curators rated low are the talk of the town (each wished by 40 % of the wishers), every other film by
3-15 %; 60 % of the wishers name only weekends. Both runs keep the demo's pins and use the same time
limit. Printed: the blend per film for the most wished; where their screenings went (how many, on
weekends, in which room size); and the expected attendance of each timetable counted by the curators'
numbers and by the blend.

    .venv/bin/python bench/wishes.py [--time-limit 30] [--wishers 3000] [--visitors 60000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from festival import create_app, localtime  # noqa: E402
from festival.audience import demand  # noqa: E402
from festival.auth.passwords import hash_password  # noqa: E402
from festival.demo.services import load_demo  # noqa: E402
from festival.demo.timetable import demo_edition  # noqa: E402
from festival.extensions import db  # noqa: E402
from festival.models import AudienceSettings, Screening, SolveRun, Star, TimetableVersion, User, VisitorDays  # noqa: E402
from festival.models.enums import Role  # noqa: E402
from festival.schedule import adapter, runs  # noqa: E402

BUZZ = 5  # films the wishers love although the curators did not


def _wishes(edition, rng: random.Random, wishers: int, visitors: int) -> list[int]:
    """Store the settings, the wishers and their wishes; the entry ids of the buzzing films."""
    db.session.add(AudienceSettings(edition_id=edition.id, expected_visitors=visitors, prior_strength=10))
    table = demand.demand_table(edition)
    low_rated = sorted(table.films, key=lambda f: f.estimate)[: len(table.films) // 2]
    buzz = [f.entry.id for f in rng.sample(low_rated, BUZZ)]
    rates = {f.entry.id: (0.40 if f.entry.id in buzz else rng.uniform(0.03, 0.15)) for f in table.films}
    secret = hash_password("not-used-bench-wisher")
    people = [
        User(email=f"w{i}@bench.example.org", name=f"W{i}", password_hash=secret, roles={Role.VISITOR})
        for i in range(wishers)
    ]
    db.session.add_all(people)
    db.session.flush()
    saturdays = [d.isoformat() for d in _saturdays(edition)]
    for person in people:
        for entry_id, rate in rates.items():
            if rng.random() < rate:
                db.session.add(Star(user_id=person.id, entry_id=entry_id))
        if rng.random() < 0.6:
            weekends = rng.sample(saturdays, k=min(3, len(saturdays)))
            db.session.add(
                VisitorDays(user_id=person.id, edition_id=edition.id, weekdays=False, weekends=weekends)
            )
    db.session.commit()
    return buzz


def _saturdays(edition) -> list[date]:
    from festival.audience.services import weekends

    return weekends(edition)


def _solve(edition, source: str, time_limit: int) -> TimetableVersion:
    run = runs.start_run(edition, actor=None, time_limit=time_limit, keep_pins=True, demand=source)
    db.session.commit()
    runs.execute_run(run.id)
    run = db.session.get(SolveRun, run.id)
    if run.result_version_id is None:
        raise SystemExit(f"the {source} run ended {run.status}: {run.error}")
    return db.session.get(TimetableVersion, run.result_version_id)


def _weekend(edition, moment) -> bool:
    return localtime.local_day(moment, edition).weekday() >= 5


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--time-limit", type=int, default=30)
    parser.add_argument("--wishers", type=int, default=3000)
    parser.add_argument("--visitors", type=int, default=60000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="festival-wishes-"))
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}", "JOB_QUEUE_IMMEDIATE": True}
    )
    with app.app_context(), app.test_request_context():
        from flask_migrate import upgrade

        upgrade()
        load_demo(today=date(2020, 1, 1))
        db.session.commit()
        edition = demo_edition()
        buzz = _wishes(edition, random.Random(19), args.wishers, args.visitors)
        table = {f.entry.id: f for f in demand.demand_table(edition).films}
        versions = {source: _solve(edition, source, args.time_limit) for source in ("curators", "wishes")}
        models = {
            "curators' numbers": adapter.instance_for(edition)[1],
            "blend": adapter.instance_for(edition, popularity=demand.blended_popularity(edition))[1],
        }
        top = sorted(table.values(), key=lambda f: -f.wishes)[:8]
        print(f"\nThe demo's 2021 edition: {len(table)} films; {args.visitors:,} visitors expected, "
              f"{args.wishers:,} wish-lists; runs of {args.time_limit} s each\n")  # fmt: skip
        print("| most wished film | wishes | curators' estimate | blend | screenings (curators / blend) "
              "| on weekends | mean seats |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        for f in top:
            cells = []
            for source in ("curators", "wishes"):
                rows = db.session.scalars(
                    sa.select(Screening).where(
                        Screening.timetable_id == versions[source].id, Screening.entry_id == f.entry.id
                    )
                ).all()
                weekend = sum(_weekend(edition, s.start) for s in rows)
                seats = sum(s.theater.seats for s in rows) / len(rows) if rows else 0
                cells.append((len(rows), weekend, seats))
            mark = " *" if f.entry.id in buzz else ""
            print(f"| {f.entry.display_title}{mark} | {f.wishes} | {f.estimate} | {f.blended} | "
                  f"{cells[0][0]} / {cells[1][0]} | {cells[0][1]} / {cells[1][1]} | "
                  f"{cells[0][2]:.0f} / {cells[1][2]:.0f} |")  # fmt: skip
        print("\n(* a film the curators rated low that the wishers love)\n")
        print("| timetable made with | attendance by the curators' numbers | attendance by the blend |")
        print("|---|---|---|")
        for source, label in (("curators", "the curators' numbers"), ("wishes", "the blend")):
            figures = [
                adapter.check_version(versions[source], instance=inst).attendance for inst in models.values()
            ]
            print(f"| {label} | {figures[0]:,} | {figures[1]:,} |")


if __name__ == "__main__":
    main()
