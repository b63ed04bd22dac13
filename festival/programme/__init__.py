"""The public programme and film pages."""

from flask import Blueprint

from festival import readonly

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.before_request
def _read_without_transaction() -> None:
    """The public programme only reads, and a published version never changes, so its queries run
    in autocommit (festival.readonly)."""
    readonly.read_without_transaction()


bp.teardown_request(readonly.end_read)


@bp.app_context_processor
def _film_display() -> dict:
    """Film titles in the visitor's language, for the programme and the staff timetable pages."""
    from festival.programme.display import film_title, other_title

    return {"film_title": film_title, "other_title": other_title}


from festival.programme import routes  # noqa: E402,F401  (routes attach to bp)
