"""The public programme and film pages."""

from flask import Blueprint, request

from festival import readonly

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.before_request
def _read_without_transaction() -> None:
    """The public programme's pages only read, and a published version never changes, so their queries
    run in autocommit (festival.readonly). A visitor's registration for an event (POST) writes: it runs in
    a transaction like every other write."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        readonly.read_without_transaction()


bp.teardown_request(readonly.end_read)


from festival.programme import routes  # noqa: E402,F401  (routes attach to bp)
