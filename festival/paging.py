"""Long lists in memory: a search that matches every word typed, and paging the way Flask-SQLAlchemy pages
a query, so one pager (the ``pager`` macro in templates/macros/paging.html) serves both."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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


def search_words(text: object, *, limit: int = 100) -> str:
    """The search text of a request (``?q=``), trimmed and at most ``limit`` characters."""
    return (text if isinstance(text, str) else "").strip()[:limit]


def matches(query: str, names: Iterable[str | None]) -> bool:
    """Whether every word of ``query`` occurs in one of ``names`` (any case; an empty query matches)."""
    haystack = " ".join(n for n in names if n).casefold()
    return all(word in haystack for word in query.casefold().split())


def page_of(rows: Sequence, page: object, per_page: int) -> ListPagination:
    """The page asked for (``?page=``, anything unreadable is page 1; past the end, an empty page)."""
    return ListPagination(rows=rows, page=params.page_number(page), per_page=per_page, error_out=False)
