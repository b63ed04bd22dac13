"""The editions office: creating editions (from scratch or as a copy), their settings and lifecycle, the
holiday list and the demand settings (staff; creating and copying: admins)."""

from flask import Blueprint

bp = Blueprint("edition_admin", __name__, url_prefix="/admin/editions")

from festival.edition_admin import routes  # noqa: E402,F401  (routes attach to bp)
