"""Curator panels, assignments, conflicts, scoring, ranking and decisions."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from festival.review import routes, staff_routes, viewtools  # noqa: E402,F401  (views attach to bp)
