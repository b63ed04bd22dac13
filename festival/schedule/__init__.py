"""Solver runs, timetable drafts, manual edits, publishing and exports."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/staff/timetable")


@bp.record_once
def _tell_filmmakers_on_publish(state) -> None:
    """A published version mails the filmmakers whose screenings changed (festival.schedule.notices)."""
    from festival.schedule import notices, publishing

    publishing.on_publish(state.app, notices.mail_filmmakers)


from festival.schedule import routes, run_routes, shorts_routes, tasks  # noqa: E402,F401  (views attach; tasks register)
