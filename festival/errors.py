"""Errors: the one domain error type services raise, and how every error is answered (pages in the
site's layout, JSON for API and fetch clients)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError

from festival.extensions import db
from festival.security import show_as_anonymous


class DomainError(Exception):
    """A rule refused an action: the one error type services raise and views turn into a response.

    ``message`` is for the person (it may be a lazy translation: it is turned into text when shown),
    ``errors`` maps form fields to their messages, and ``status`` is the HTTP status the refusal is
    answered with. Subclasses say what kind of refusal it is; areas subclass those for their wording.
    """

    status = 422
    default: object = _l("This action is not possible.")

    def __init__(self, message: object = None, errors: Mapping[str, Iterable[object]] | None = None):
        super().__init__()
        self.message = message if message is not None else (None if errors else self.default)
        self.errors = {field: list(messages) for field, messages in (errors or {}).items()}

    def __str__(self) -> str:
        if self.message is not None:
            return str(self.message)
        return "; ".join(str(m) for messages in self.errors.values() for m in messages)


class InvalidInput(DomainError):
    """The values sent break a rule (a range, an order, a date outside the window...): fix and resend."""

    status = 422
    default = _l("Some values are not valid; nothing was saved.")


class InvalidTransition(DomainError):
    """The action does not fit the state the record (or the edition) is in now."""

    status = 409
    default = _l("This change is not possible in the current state.")


class StaleEdit(DomainError):
    """Someone else saved the same record after the form was opened (optimistic locking)."""

    status = 409
    default = _l(
        "Someone else saved this record after you opened it. Your changes were not saved; "
        "the current version is shown below. Please check it and make your change again."
    )


class NotAllowed(DomainError):
    """This person may not do this to this record (whatever the values)."""

    status = 403
    default = _l("You may not make this change.")


MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Forbidden"), _l("You do not have permission to see this page.")),
    404: (_l("Not found"), _l("There is no page at this address.")),
    405: (_l("Method not allowed"), _l("This page does not accept that kind of request.")),
    409: (
        _l("Saved at the same moment"),
        _l(
            "Someone else saved the same thing at the same moment, so what you sent was not saved. "
            "Reload the page to see what is there now."
        ),
    ),
    413: (_l("Too large"), _l("The upload is larger than the site accepts.")),
    429: (_l("Too many requests"), _l("Too many attempts; please wait a moment and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side; nothing you sent was half-saved.")),
    503: (
        _l("Database unavailable"),
        _l(
            "The database is not answering just now, so what you sent was not saved. "
            "Please try again in a minute."
        ),
    ),
}
RETRY_AFTER_SECONDS = 30


def wants_json() -> bool:
    """True for API addresses and for clients that ask for JSON first (a page script's fetch)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, detail: str | None = None):
    """Render the error page (or JSON) for an HTTP status code."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    title, message = str(title), detail or str(message)
    if wants_json():
        return {"error": title, "message": message}, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def refusal_json(exc: DomainError) -> tuple[dict, int]:
    """A refusal for a fetch client: nothing was saved, the message, and the fields' messages."""
    errors = {field: [str(m) for m in messages] for field, messages in exc.errors.items()}
    return {"saved": False, "message": str(exc), "errors": errors}, exc.status


def unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a row because its key is taken (PostgreSQL's unique_violation,
    SQLite's "UNIQUE constraint failed"), not another constraint."""
    return getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error.orig)


def register_error_handlers(app: Flask) -> None:
    """Attach handlers for the common HTTP errors (a refusal no view handled: festival.handlers)."""

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda e, c=code: render_error(c))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form expired or was sent from elsewhere; please try again."))

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(error):
        # The database refuses values its columns cannot hold (an id of 20 digits, say: PostgreSQL
        # raises DataError, SQLite's driver OverflowError): bad input, not a server fault. An id in
        # the address that no row can have means "not found".
        db.session.rollback()
        view_args = request.view_args or {}
        if any(isinstance(v, int) and not -(2**31) <= v < 2**31 for v in view_args.values()):
            return render_error(404)
        return render_error(400, _("A value in the request is out of range."))

    @app.errorhandler(IntegrityError)
    def lost_race(error):
        # A service checked that a name, code or address was free, and another request took it between
        # the check and this insert (two clicks, two tabs, two staff): the database's unique constraint
        # refused the second one. Nothing of this request was written; say so instead of a 500.
        # Any other broken constraint is a fault of the code: a 500, as before.
        db.session.rollback()
        if not unique_violation(error):
            current_app.logger.error("a write broke a constraint", exc_info=error)
            return render_error(500)
        current_app.logger.warning("a write lost a race to a unique constraint: %s", error.orig or error)
        return render_error(409)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        # the server restarted, went away or refused the connection: the transaction is gone with
        # it, so nothing of this request was written; the pool replaces the broken connection
        current_app.logger.error("database unavailable: %s", error.orig or error, exc_info=error)
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
        show_as_anonymous()  # the page below asks the database nothing more
        body, code = render_error(503)
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
