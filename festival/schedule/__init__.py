"""Solver runs, timetable drafts, manual edits, publishing and exports."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/staff/timetable")


@bp.record_once
def _tell_filmmakers_on_publish(state) -> None:
    """A published version mails the filmmakers whose screenings changed (festival.schedule.notices)."""
    from festival.schedule import notices, publishing

    publishing.on_publish(state.app, notices.mail_filmmakers)


@bp.record_once
def _link_scenario_results(state) -> None:
    """A scenario's run stores its result as the scenario's version (festival.schedule.scenarios)."""
    from festival.schedule import scenarios

    scenarios.register(state.app)


from festival.schedule import (  # noqa: E402,F401  (views attach to bp; tasks register)
    routes,
    run_routes,
    scenario_routes,
    shorts_routes,
    tasks,
)
