"""Problems of a timetable in words: the validator's violations with titles and theater names."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import scheduler
from festival.extensions import db
from festival.models import Edition, Entry
from festival.schedule import adapter

RULE_LABELS = {
    "format": _l("Schedule format"),
    "known ids": _l("Accepted films and known theaters"),
    "compatibility": _l("Format and features"),
    "window": _l("Screening dates"),
    "opening hours": _l("Opening hours and theater blocks"),
    "start step": _l("Start times"),
    "one screening at a time": _l("One screening at a time (changeover)"),
    "copies": _l("Copies of a film"),
    "counts": _l("Number of screenings"),
    "pinned": _l("Pinned screenings"),
}
BLOCKING = "hard_rule"
SHORTFALL = "shortfall"


@dataclass(frozen=True)
class Problem:
    """One problem of a draft: ``kind`` is ``hard_rule`` (blocks publishing) or ``shortfall`` (warns)."""

    kind: str
    message: str
    refs: tuple[str, ...] = ()
    rule: str | None = None

    @property
    def blocking(self) -> bool:
        return self.kind == BLOCKING

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS.get(self.rule or "", self.rule or ""))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rule": self.rule, "message": str(self.message), "refs": list(self.refs)}


class Namer:
    """Turns the validator's ids (``e12``, ``dome``) into titles and theater names in its messages."""

    _FILM = re.compile(r"\be(\d+)\b")
    _TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})")

    def __init__(self, titles: dict[int, str], places: dict[str, str]):
        self.titles = titles
        self.places = places
        ids = "|".join(re.escape(t) for t in sorted(places, key=len, reverse=True)) or r"(?!)"
        # theater and venue ids only where the validator writes them, never inside other words
        self._place = re.compile(
            rf"(?<=\bin )(?:{ids})(?= at )|(?<=: )(?:{ids})(?= (?:cannot show|lacks feature))"
            rf"|(?<=overlaps )(?:{ids})(?= unavailable)|(?<=venue )(?:{ids})(?= on )"
        )

    @classmethod
    def for_edition(cls, edition: Edition) -> Namer:
        """A namer knowing the edition's films, theaters and venues."""
        theaters = adapter.edition_theaters(edition)
        ids = adapter.theater_ids(theaters)
        places = {t.venue.code: t.venue.name for t in theaters}
        places.update({ids[t.id]: t.name for t in theaters})
        stmt = sa.select(Entry.id, Entry.title_en, Entry.title_original, Entry.title_zh).where(
            Entry.edition_id == edition.id
        )
        titles = {i: en or orig or zh or f"#{i}" for i, en, orig, zh in db.session.execute(stmt)}
        return cls(titles, places)

    def refs(self, message: str) -> tuple[str, ...]:
        """``film:<entry id>`` for every film the message names."""
        found = dict.fromkeys(int(m) for m in self._FILM.findall(message))
        return tuple(f"film:{i}" for i in found if i in self.titles)

    def words(self, message: str) -> str:
        """The message with titles, theater names and readable times."""

        def film(m: re.Match) -> str:
            title = self.titles.get(int(m.group(1)))
            return f"“{title}”" if title else m.group(0)

        text = self._place.sub(lambda m: self.places[m.group(0)], message)
        text = self._FILM.sub(film, text)
        return self._TIME.sub(r"\1 \2", text)

    def problem(self, violation: scheduler.Violation) -> Problem:
        """A blocking problem for one of the validator's violations."""
        return Problem(BLOCKING, self.words(violation.message), self.refs(violation.message), violation.rule)
