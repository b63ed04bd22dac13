"""The editions office: creating editions (from scratch or as a copy), their settings and lifecycle, the
holiday list and the demand settings (staff; creating and copying: admins)."""

from flask import Blueprint

bp = Blueprint("edition_admin", __name__, url_prefix="/admin/editions")


@bp.record_once
def _programme_published_on_publish(state) -> None:
    """Publishing the first timetable moves an edition in programming to published
    (festival.editions.lifecycle.on_publication, an on_publish listener of the timetable)."""
    from festival.editions import lifecycle
    from festival.schedule import publishing

    publishing.on_publish(state.app, lifecycle.on_publication)


from festival.edition_admin import routes  # noqa: E402,F401  (routes attach to bp)
