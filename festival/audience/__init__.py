"""The audience: visitors' wish-lists (which feed the timetable's expected audience), personal plans
without clashes and their calendar feeds, the viewers' prize and the jury's awards (docs/audience.md)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("audience", __name__, url_prefix="/audience")


@bp.record_once
def _offer_the_blend(state) -> None:
    """Solver runs may use the curators' numbers blended with the wishes (festival.audience.demand)."""
    from festival.audience import demand
    from festival.schedule.demand import add_demand_source

    add_demand_source(
        state.app, demand.WISHES, _l("Blended with the visitors' wishes"), demand.blended_popularity
    )


@bp.record_once
def _plans_follow_publications(state) -> None:
    """A publication moves the plans' screenings and mails the visitors concerned (audience.notices)."""
    from festival.audience import notices
    from festival.schedule.publishing import on_publish

    on_publish(state.app, notices.follow_publication)


@bp.record_once
def _jurors_declare_conflicts(state) -> None:
    """Jurors declare conflicts of interest as curators do (festival.review.services), and the film pages
    name the awards a film won (templates/programme/film.html)."""
    from festival.audience import awards
    from festival.programme.routes import add_film_note
    from festival.review.services import CONFLICT_DECLARERS

    if awards.is_juror not in CONFLICT_DECLARERS:
        CONFLICT_DECLARERS.append(awards.is_juror)
    add_film_note(state.app, awards.award_notes)


from festival.audience import award_routes, routes  # noqa: E402,F401  (views attach to bp)
