"""How stable a re-solve keeps a published programme: the 2021 demo, one film withdrawn after publication.

Loads the demo into a throwaway SQLite database, solves and publishes its timetable (version 1), withdraws
one accepted film, then re-solves at several move costs and prints, for each, how many of the published
screenings of the other films the new draft moves, adds and removes. The target (issue 16): at most 2 % of
them moved at the default move cost.

    .venv/bin/python bench/resolve_stability.py [--time-limit 10] [--film "Title"] [--costs 0,200,1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from festival import create_app  # noqa: E402


def main() -> None:
    """Publish the demo, withdraw a film, re-solve at each move cost and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--time-limit", type=int, default=10, help="solver seconds for each run")
    parser.add_argument(
        "--film", help="title of the film to withdraw (default: the one with most screenings)"
    )
    parser.add_argument("--costs", default="", help="move costs to compare (default: 0 and the default cost)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "JOB_QUEUE_IMMEDIATE": True}
        )
        with app.app_context(), app.test_request_context():
            run_bench(args)


def run_bench(args) -> None:
    """The measurement, inside an app context."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from festival.demo.services import STAFF, load_demo
    from festival.demo.timetable import demo_edition, publish_demo_timetable
    from festival.extensions import db
    from festival.models import Entry, Screening, SolveRun, TimetableVersion, User
    from festival.schedule import adapter, changelog, runs
    from festival.submissions.services import withdraw_from_programme

    upgrade()
    load_demo()
    db.session.commit()
    edition = demo_edition()
    staff = db.session.scalar(sa.select(User).where(User.email == STAFF))
    started = time.perf_counter()
    published = publish_demo_timetable(edition, actor=staff, time_limit=args.time_limit)
    print(f"version 1: {len(published.screenings)} screenings ({time.perf_counter() - started:.0f} s)")
    per_film = db.session.execute(
        sa.select(Screening.entry_id, sa.func.count())
        .where(Screening.timetable_id == published.id)
        .group_by(Screening.entry_id)
        .order_by(sa.func.count().desc())
    ).all()
    by_title = {s.entry.display_title: s.entry for s in published.screenings}
    film = by_title[args.film] if args.film else db.session.get(Entry, per_film[0][0])
    withdraw_from_programme(film, actor=staff)
    db.session.commit()
    withdrawn = sum(1 for s in published.screenings if s.entry_id == film.id)
    others = len(published.screenings) - withdrawn
    print(f"withdrawn: {film.display_title} ({withdrawn} screenings); published, other films: {others}")
    costs = [int(c) for c in args.costs.split(",") if c.strip()] or [0, adapter.DEFAULT_MOVE_COST]
    rows = []
    for cost in costs:
        edition.schedule_weights = {**edition.schedule_weights, "change_penalty": cost}
        db.session.commit()
        run = runs.start_run(edition, actor=staff, time_limit=args.time_limit)
        db.session.commit()
        t0 = time.perf_counter()
        runs.execute_run(run.id)
        seconds = time.perf_counter() - t0
        db.session.expire_all()
        run = db.session.get(SolveRun, run.id)
        draft = db.session.get(TimetableVersion, run.result_version_id)
        counts = changelog.change_counts(published, draft)
        removed_others = counts.removed - withdrawn
        rows.append(
            (cost, run.solver_status, counts.moved, counts.added, removed_others, run.objective, seconds)
        )
    print()
    print(f"| move cost | status | moved | % of {others} | added | removed (others) | objective | seconds |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for cost, status, moved, added, removed, objective, seconds in rows:
        print(
            f"| {cost:,} | {status} | {moved} | {100 * moved / others:.2f} % | {added} | {removed} | "
            f"{objective:,} | {seconds:.0f} |"
        )


if __name__ == "__main__":
    main()
