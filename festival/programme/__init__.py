"""The public programme and film pages."""

from flask import Blueprint

bp = Blueprint("programme", __name__, url_prefix="/programme")

from festival.programme import routes  # noqa: E402,F401  (routes attach to bp)
