"""Pages of a list: the slice asked for, the totals and the links to the neighbouring pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _

from festival.api.errors import NotFound
from festival.api.params import Paging
from festival.navigation import public_url


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (an empty list has one, empty page)."""
        return max(1, math.ceil(self.total / self.per_page))


def paginate(rows: Sequence, paging: Paging) -> Page:
    """The page of ``rows`` asked for. Raises NotFound (naming ``page``) past the last page."""
    pages = max(1, math.ceil(len(rows) / paging.per_page))
    if paging.page > pages:
        raise NotFound(
            _("There is no page %(page)d: the last page is %(pages)d.", page=paging.page, pages=pages),
            parameter="page",
        )
    start = (paging.page - 1) * paging.per_page
    return Page(items=list(rows[start : start + paging.per_page]), page=paging.page, per_page=paging.per_page,
                total=len(rows))  # fmt: skip


def links(page: Page, query: dict) -> dict[str, str | None]:
    """Absolute addresses of this page and of the first, last, previous and next ones (None at the
    ends), with the list's own parameters ``query`` (the ones it read, never any others)."""

    def url(number: int) -> str:
        return public_url(
            request.endpoint, **(request.view_args or {}), **query, per_page=page.per_page, page=number
        )

    return {
        "self": url(page.page),
        "first": url(1),
        "last": url(page.pages),
        "prev": url(page.page - 1) if page.page > 1 else None,
        "next": url(page.page + 1) if page.page < page.pages else None,
    }


def document(page: Page, query: dict) -> tuple[dict, str]:
    """The page as the API answers it (``data``, ``pagination``, ``links``), and the same links as
    an HTTP ``Link`` header (RFC 8288)."""
    found = links(page, query)
    pagination = {"page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages}
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in found.items() if url and rel != "self")
    return {"data": page.items, "pagination": pagination, "links": found}, header
