"""Home page and site-wide actions (language switch, health check)."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from festival.main import routes  # noqa: E402,F401
