"""Paging a list that is already in memory the way Flask-SQLAlchemy pages a query, so one pager (the
``pager`` macro in templates/macros/paging.html) serves both."""

from __future__ import annotations

from collections.abc import Sequence

from flask_sqlalchemy.pagination import Pagination

from festival import params


class ListPagination(Pagination):
    """Flask-SQLAlchemy's Pagination over a sequence: ``ListPagination(rows=rows, page=2, per_page=50)``."""

    def _query_items(self) -> list:
        rows: Sequence = self._query_args["rows"]
        start = (self.page - 1) * self.per_page
        return list(rows[start : start + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def page_of(rows: Sequence, page: object, per_page: int) -> ListPagination:
    """The page asked for (``?page=``, anything unreadable is page 1; past the end, an empty page)."""
    return ListPagination(rows=rows, page=params.page_number(page), per_page=per_page, error_out=False)
