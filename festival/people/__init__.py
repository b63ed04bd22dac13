"""People: the festival team's accounts, their roles, and invitations by e-mail."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/admin/people")

from festival.people import routes  # noqa: E402,F401  (routes attach to bp)
