"""Pages of a list: the slice asked for, the totals and the links to the neighbouring pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext as _

from festival.api.errors import NotFound
from festival.api.params import Paging


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


def _url(page: int) -> str:
    args = {k: v for k, v in request.args.lists() if k != "page"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, page=page, _external=True)


def links(page: Page) -> dict[str, str | None]:
    """Absolute addresses of this page and of the first, last, previous and next ones (None at the ends)."""
    return {
        "self": _url(page.page),
        "first": _url(1),
        "last": _url(page.pages),
        "prev": _url(page.page - 1) if page.page > 1 else None,
        "next": _url(page.page + 1) if page.page < page.pages else None,
    }


def document(page: Page) -> dict:
    """The page as the API answers it: ``data``, ``pagination`` and ``links``."""
    return {
        "data": page.items,
        "pagination": {
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
        },
        "links": links(page),
    }


def link_header(page: Page) -> str:
    """The same links as an HTTP ``Link`` header (RFC 8288)."""
    return ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links(page).items() if url and rel != "self")
