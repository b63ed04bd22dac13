"""Curator panels, assignments, conflicts, scoring, ranking and decisions."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from festival.review import routes  # noqa: E402,F401  (routes attach to bp)
