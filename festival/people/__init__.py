"""People: the festival team's accounts, their roles, and invitations by e-mail."""

from flask import Blueprint

# no prefix: the team pages live under /admin/people, an invitation's link under /invitation
bp = Blueprint("people", __name__)

from festival.people import routes  # noqa: E402,F401  (routes attach to bp)
