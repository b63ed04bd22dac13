"""Administration: outbox and accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from festival.admin import routes  # noqa: E402,F401  (routes attach to bp)
