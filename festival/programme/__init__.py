"""The public programme and film pages."""

from flask import Blueprint

from festival import readonly

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.before_request
def _read_without_transaction() -> None:
    """The public programme only reads, and a published version never changes, so its queries run
    in autocommit (festival.readonly)."""
    readonly.read_without_transaction()


bp.teardown_request(readonly.end_read)


from festival.programme import routes  # noqa: E402,F401  (routes attach to bp)
