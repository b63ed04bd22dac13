"""Timetable versions, their screenings and solver runs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from festival.extensions import db
from festival.models.enums import RunStatus, VersionStatus, enum_column
from festival.models.shorts import ShortsProgrammeEntry
from festival.models.types import AwareDateTime, one_active_per_edition, utcnow

if TYPE_CHECKING:
    from festival.models.entry import Entry
    from festival.models.shorts import ShortsProgramme
    from festival.models.venue import Theater


class TimetableVersion(db.Model):
    """A set of screenings: a draft ("Draft 3"), or a published, frozen version ("Version 2").

    Every version starts as a draft and keeps its ``draft_number`` (numbered per edition, in creation
    order) when it is published; ``number`` counts the published versions. ``hand_edits`` counts the
    changes staff made by hand (pins, moves, additions, removals) since the draft was made. A scenario's
    result (status ``scenario``) takes no draft number: it is not a draft until promoted (copied into a
    new draft, festival.schedule.scenarios)."""

    __tablename__ = "timetable_version"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "number", name="uq_timetable_version_edition_number"),
        sa.UniqueConstraint("edition_id", "draft_number", name="uq_timetable_version_edition_draft_number"),
        sa.CheckConstraint(
            "status IN ('draft', 'scenario') OR (number IS NOT NULL AND published_at IS NOT NULL)",
            name="published_numbered",
        ),
        sa.CheckConstraint("status = 'scenario' OR draft_number IS NOT NULL", name="draft_numbered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id"), index=True)
    status: Mapped[VersionStatus] = mapped_column(
        enum_column(VersionStatus, "version_status"), default=VersionStatus.DRAFT, index=True
    )
    number: Mapped[int | None]
    draft_number: Mapped[int | None]  # None only for a scenario's result (festival.schedule.scenarios)
    hand_edits: Mapped[int] = mapped_column(default=0)
    label: Mapped[str | None] = mapped_column(sa.String(200))
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("timetable_version.id"))
    source_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solve_run.id", use_alter=True))
    changelog: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    version: Mapped[int] = mapped_column(default=1)

    based_on: Mapped[TimetableVersion | None] = relationship(
        remote_side="TimetableVersion.id", foreign_keys="TimetableVersion.based_on_id"
    )
    screenings: Mapped[list[Screening]] = relationship(
        back_populates="timetable",
        order_by="(Screening.start, Screening.theater_id, Screening.id)",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}


@sa.event.listens_for(Session, "before_flush")
def _number_new_drafts(session: Session, _context, _instances) -> None:
    """Give each new version the next draft number of its edition, wherever it is created (services, the
    solver's worker, the demo loader); the unique constraint catches two writers taking the same one."""
    new = [
        v
        for v in session.new
        if isinstance(v, TimetableVersion) and v.draft_number is None and v.status != VersionStatus.SCENARIO
    ]
    taken: dict[int, int] = {}
    for version in new:  # in the order they were added
        if version.edition_id not in taken:
            stmt = sa.select(sa.func.max(TimetableVersion.draft_number)).where(
                TimetableVersion.edition_id == version.edition_id
            )
            with session.no_autoflush:
                taken[version.edition_id] = session.scalar(stmt) or 0
        taken[version.edition_id] += 1
        version.draft_number = taken[version.edition_id]


class Screening(db.Model):
    """One showing of an accepted entry, or of a shorts programme (``programme_id``), in a theater."""

    __tablename__ = "screening"
    __table_args__ = (
        sa.UniqueConstraint(
            "timetable_id", "entry_id", "theater_id", "start", name="uq_screening_timetable_entry"
        ),
        sa.UniqueConstraint(
            "timetable_id", "programme_id", "theater_id", "start", name="uq_screening_timetable_programme"
        ),
        sa.Index("ix_screening_timetable_start", "timetable_id", "start"),
        # a screening shows one film or one shorts programme
        sa.CheckConstraint("(entry_id IS NULL) <> (programme_id IS NULL)", name="one_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    timetable_id: Mapped[int] = mapped_column(sa.ForeignKey("timetable_version.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shorts_programme.id"), index=True)
    theater_id: Mapped[int] = mapped_column(sa.ForeignKey("theater.id"), index=True)
    start: Mapped[datetime] = mapped_column(AwareDateTime())
    end: Mapped[datetime] = mapped_column(AwareDateTime())
    pinned: Mapped[bool] = mapped_column(default=False)
    expected_attendance: Mapped[int] = mapped_column(default=0)
    # which print of a touring film the screening uses (the solver's choice; None: no print needed)
    print_number: Mapped[int | None]

    timetable: Mapped[TimetableVersion] = relationship(back_populates="screenings")
    entry: Mapped[Entry | None] = relationship()
    programme: Mapped[ShortsProgramme | None] = relationship()
    theater: Mapped[Theater] = relationship()

    @classmethod
    def showing(cls, entry_ids: Iterable[int]) -> sa.ColumnElement[bool]:
        """The SQL condition "the screening shows one of these films": the film itself, or a shorts
        programme it is in (a programme's screening is a screening of each of its films)."""
        ids = list(entry_ids)
        members = sa.select(ShortsProgrammeEntry.programme_id).where(ShortsProgrammeEntry.entry_id.in_(ids))
        return sa.or_(cls.entry_id.in_(ids), cls.programme_id.in_(members))

    @property
    def item(self) -> Entry | ShortsProgramme:
        """What the screening shows: its entry, or its shorts programme (which names its titles, format
        and running time as an entry does)."""
        return self.programme if self.programme is not None else self.entry

    @property
    def films(self) -> list[Entry]:
        """The films this screening shows: its entry, or its programme's films in screening order."""
        if self.programme is not None:
            return self.programme.films
        return [self.entry] if self.entry is not None else []


class SolveRun(db.Model):
    """A background run of the solver: its instance, progress and result."""

    __tablename__ = "solve_run"
    # One active run per edition, held by the database (festival.schedule.runs.start_run).
    __table_args__ = (one_active_per_edition("uq_solve_run_active_edition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id"), index=True)
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, "run_status"), default=RunStatus.QUEUED, index=True
    )
    time_limit_seconds: Mapped[int] = mapped_column(default=60)
    # the cost of moving a published screening when the run started (the weights' change_penalty)
    move_cost: Mapped[int | None]
    keep_pins: Mapped[bool] = mapped_column(default=True)
    # whose expected audience the run used: "curators" (the decisions' numbers) or "wishes" (the blend of
    # the curators' numbers with the visitors' wishes, festival.audience.demand)
    demand_source: Mapped[str] = mapped_column(sa.String(16), default="curators", server_default="curators")
    # what the run is for: "draft" (its result is a new draft) or "scenario" (a scenario's result version)
    purpose: Mapped[str] = mapped_column(sa.String(16), default="draft", server_default="draft")
    base_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("timetable_version.id"))
    result_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("timetable_version.id"))
    instance_json: Mapped[str | None] = mapped_column(sa.Text)
    schedule_json: Mapped[str | None] = mapped_column(sa.Text)
    progress: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    objective: Mapped[int | None] = mapped_column(sa.BigInteger)
    bound: Mapped[int | None] = mapped_column(sa.BigInteger)
    solver_status: Mapped[str | None] = mapped_column(sa.String(20))
    stop_requested: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(sa.Text)
    worker: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    base_version: Mapped[TimetableVersion | None] = relationship(foreign_keys=[base_version_id])
    result_version: Mapped[TimetableVersion | None] = relationship(foreign_keys=[result_version_id])
