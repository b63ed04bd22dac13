"""Where a run's expected audience comes from: the curators' numbers (the decisions' popularity), or a
source another area registers (the audience area's blend with the visitors' wishes). A run records the
source it used (``SolveRun.demand_source``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from festival.errors import InvalidInput
from festival.models import Edition

CURATORS = "curators"
SOURCES = "festival.demand_sources"


@dataclass(frozen=True)
class DemandSource:
    name: str
    label: object
    # edition -> entry id -> expected audience of one screening (None: the decisions' numbers)
    popularity: Callable[[Edition], dict[int, int]] | None


def add_demand_source(
    app: Flask, name: str, label: object, popularity: Callable[[Edition], dict[int, int]]
) -> None:
    """Offer ``name`` as a run's demand source in ``app`` (an area connects it when registered)."""
    app.extensions.setdefault(SOURCES, {})[name] = DemandSource(name, label, popularity)


def demand_sources() -> list[DemandSource]:
    """The sources a run may use, the curators' numbers first."""
    extra = current_app.extensions.get(SOURCES, {})
    return [DemandSource(CURATORS, _l("The curators' numbers"), None), *extra.values()]


def popularity_for(edition: Edition, source: str) -> dict[int, int] | None:
    """The expected audience per entry by ``source`` (None: the decisions' own); raises InvalidInput."""
    for found in demand_sources():
        if found.name == source:
            return found.popularity(edition) if found.popularity else None
    raise InvalidInput(errors={"demand": [_l("Choose where the expected audience comes from.")]})
