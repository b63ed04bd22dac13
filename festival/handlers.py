"""The request plumbing every area's views share, written once (Indico's request handlers, as functions).

A view loads its objects (404), authorises (403), then hands the action to one of these:

* ``submit_form``: a page's own form: validate -> call the service -> commit -> flash -> redirect (303),
  or ``Render``: the view renders its page again, with the status (200 nothing posted, 422 invalid, the
  refusal's status) and the refusal (``Render.stale``: someone else saved first, show the stored data);
* ``post_button``: a button or small form posted from another page: the same, then back to that page,
  with the reasons flashed when it was refused;
* ``perform``: an action that needs no form validation of its own (``back``: where a refusal returns).

A refusal is a ``DomainError``: the session is rolled back, its field messages go next to the form's
fields (the rest is flashed), and a fetch client (``Accept: application/json``) gets ``refusal_json``.
Every commit goes through ``commit`` or ``stale_as``, which turn a lost race on a version counter into
``StaleEdit`` (or the area's subclass of it). ``init_handlers`` spreads a net under every view: a refusal
no view handled goes back to the page the request came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, flash, redirect, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from festival.errors import DomainError, StaleEdit, refusal_json, wants_json
from festival.extensions import db
from festival.navigation import local_target

Target = str | Callable[[Any], str]
# POST, then see the page: 303 says "follow with a GET" in every browser and client
REDIRECT = 303


@dataclass(frozen=True)
class Render:
    """The action did not go through: the view renders its page again with ``status``."""

    status: int = 200
    error: DomainError | None = None

    @property
    def stale(self) -> bool:
        """Someone else saved first: the page should show the stored data again."""
        return isinstance(self.error, StaleEdit)


@contextmanager
def stale_as(stale: type[StaleEdit] = StaleEdit) -> Iterator[None]:
    """A concurrent change caught by a version counter (SQLAlchemy's StaleDataError, at a flush or at
    the commit) is rolled back and raised as ``stale``, the area's words for it."""
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise stale() from exc


def commit(stale: type[StaleEdit] = StaleEdit) -> None:
    """Commit the request's work, once (a lost race on a version counter raises ``stale``)."""
    with stale_as(stale):
        db.session.commit()


def show_refusal(exc: DomainError, form=None, field_names: Mapping[str, str] | None = None) -> None:
    """Put a refusal's messages next to the form's fields it names (``field_names`` maps the service's
    names to the form's); the message and the messages of other fields are flashed."""
    if exc.message is not None:
        flash(str(exc.message), "error")
    for key, messages in exc.errors.items():
        name = (field_names or {}).get(key, key)
        field = form[name] if form is not None and name and name in form else None
        if field is not None:
            field.errors = [*(field.errors or []), *messages]
        else:
            for message in messages:
                flash(str(message), "error")


def flash_form_errors(form) -> None:
    """A form's field errors as flash messages, each with its field's label (for a form posted from
    another page, where the fields are not shown)."""
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")


def refuse(exc: DomainError, form=None, field_names: Mapping[str, str] | None = None) -> Render:
    """Roll back what the action wrote and show why it was refused; the view renders its page again."""
    db.session.rollback()
    show_refusal(exc, form, field_names)
    return Render(exc.status, exc)


def go_back(exc: DomainError, back: str) -> Response | tuple[dict, int]:
    """Roll back a refused action and return to ``back`` with the reasons flashed (JSON for fetch)."""
    db.session.rollback()
    if wants_json():
        return refusal_json(exc)
    show_refusal(exc)
    return redirect(back, REDIRECT)


Success = str | Callable[[Any], object] | None


def perform(
    action: Callable[[], Any],
    *,
    success: Success,
    target: Target,
    form=None,
    field_names: Mapping[str, str] | None = None,
    stale: type[StaleEdit] = StaleEdit,
    back: str | None = None,
) -> Response | Render | tuple[dict, int]:
    """Call the service, commit, say ``success`` and redirect to ``target`` (a URL, or a function of the
    service's result). ``success`` is a message, or a function of the result that flashes its own.

    Refused (a DomainError): with ``back``, ``go_back`` there; without it, ``refuse`` and let the view
    render its page again. A fetch client gets the refusal as JSON either way."""
    try:
        with stale_as(stale):
            result = action()
            db.session.commit()
    except DomainError as exc:
        if back is not None or wants_json():
            return go_back(exc, back or "")
        return refuse(exc, form, field_names)
    if callable(success):
        success(result)
    elif success:
        flash(success, "success")
    return redirect(target(result) if callable(target) else target, REDIRECT)


def submit_form(
    form,
    action: Callable[[], Any],
    *,
    success: Success,
    target: Target,
    field_names: Mapping[str, str] | None = None,
    stale: type[StaleEdit] = StaleEdit,
    back: str | None = None,
) -> Response | Render | tuple[dict, int]:
    """A page's own form: validate, then ``perform``. Returns the redirect, or ``Render`` with 200 (nothing
    posted), 422 (invalid; messages next to the fields) or the refusal (see ``perform`` for ``back``).
    ``form`` None: a bare POST (its CSRF token is checked for every request) with nothing to validate."""
    if form is not None and not form.validate_on_submit():
        return Render(422 if form.is_submitted() else 200)
    return perform(
        action, success=success, target=target, form=form, field_names=field_names, stale=stale, back=back
    )


def post_button(
    form, action: Callable[[], Any], *, success: Success, back: str, target: Target | None = None
) -> Response | tuple[dict, int]:
    """A button or small form posted from another page: act, then go to ``target`` (default: ``back``);
    when the form is invalid or the action refused, go back to ``back`` with the reasons flashed."""
    outcome = submit_form(form, action, success=success, target=target or back, back=back)
    if isinstance(outcome, Render):
        if form is not None:
            flash_form_errors(form)
        return redirect(back, REDIRECT)
    return outcome


def init_handlers(app: Flask) -> None:
    """The net under the views: a refusal no view handled (or a lost race on a version counter) is rolled
    back and answered like ``go_back`` to the page the request came from (the home page if none)."""

    def refused(exc: DomainError):
        back = (request.referrer or "").removeprefix(request.host_url.rstrip("/"))
        return go_back(exc, local_target(back))

    app.register_error_handler(DomainError, refused)
    app.register_error_handler(StaleDataError, lambda exc: refused(StaleEdit()))


def attachment(filename: str) -> str:
    """The Content-Disposition of a download named ``filename`` (built from slugs, codes, titles): the name
    reduced to plain ASCII letters, digits, ``_ - .`` (werkzeug's ``secure_filename``), so that nothing a
    code or a title holds (a quote, a line break) can break the header."""
    return f'attachment; filename="{secure_filename(filename) or "download"}"'
