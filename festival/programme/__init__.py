"""The public programme and film pages."""

from flask import Blueprint, g

from festival.extensions import db

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.before_request
def _read_without_transaction() -> None:
    """The public programme only reads, and a published version never changes, so its queries run
    in autocommit: no BEGIN and ROLLBACK round trips (on PostgreSQL two of the four that a cached
    page otherwise costs). Only for a session that has not started yet, as each request's has."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        g.programme_autocommit = True


@bp.teardown_request
def _end_read(exc: BaseException | None) -> None:
    """Hand the autocommit connection back (its isolation level is reset on the way to the pool)."""
    if g.pop("programme_autocommit", False):
        db.session.rollback()


@bp.app_context_processor
def _film_display() -> dict:
    """Film titles in the visitor's language, for the programme and the staff timetable pages."""
    from festival.programme.display import film_title, other_title

    return {"film_title": film_title, "other_title": other_title}


from festival.programme import routes  # noqa: E402,F401  (routes attach to bp)
