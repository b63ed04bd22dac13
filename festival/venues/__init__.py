"""Venues, theaters, opening hours and theater blocks."""

from flask import Blueprint

bp = Blueprint("venues", __name__, url_prefix="/staff/venues")

from festival.venues import routes  # noqa: E402,F401  (routes attach to bp)
