"""Accounts: registration, login and logout, and the server-side sessions behind them."""

from flask import Blueprint

from festival.auth import sessions
from festival.extensions import login_manager

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.record_once
def _wire_sessions(state) -> None:
    """Flask-Login loads the user of a request from its server-side session (festival.auth.sessions); the
    session's last-seen time is kept up to date after each request."""
    login_manager.user_loader(sessions.load_user)
    state.app.after_request(sessions.touch_after_request)


from festival.auth import routes  # noqa: E402,F401  (routes attach to bp)
