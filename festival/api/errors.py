"""The API's refusals, answered as JSON: ``{"error": ..., "message": ..., "parameter": ...}``."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _

from festival.errors import DomainError


class ApiError(DomainError):
    """A request the API refuses, with the status, a message in words and the parameter at fault."""

    status = 400

    def __init__(self, message: str, *, parameter: str | None = None):
        super().__init__(message, errors={parameter: [message]} if parameter else None)
        self.parameter = parameter

    def title(self) -> str:
        return _("Bad request")


class BadParameter(ApiError):
    """A query parameter that cannot be read (400)."""


class NotFound(ApiError):
    """Nothing published at this address (404)."""

    status = 404

    def title(self) -> str:
        return _("Not found")


def error_response(error: ApiError) -> tuple[Response, int]:
    """The refusal as a JSON document (the parameter is named when one is at fault)."""
    body = {"error": error.title(), "message": error.message}
    if error.parameter:
        body["parameter"] = error.parameter
    return jsonify(body), error.status
