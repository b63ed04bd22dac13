"""Filmmakers' entries: drafts, uploads, submission, withdrawal; staff entry lists."""

from flask import Blueprint

bp = Blueprint("submissions", __name__, url_prefix="/entries")

from festival.submissions import routes  # noqa: E402,F401  (routes attach to bp)
