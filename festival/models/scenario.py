"""Scenarios: named "what if" variants of a draft, solved in the background and compared side by side."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.models.schedule import SolveRun, TimetableVersion
from festival.models.types import AwareDateTime, utcnow


class Scenario(db.Model):
    """A named variant of a draft: its ``changes`` (JSON, checked by festival.schedule.scenarios.Changes)
    are applied to the edition's solver instance, a run with purpose ``scenario`` solves it, and the result
    is a timetable version with status ``scenario`` (never a draft, never published) until promoted."""

    __tablename__ = "scenario"
    __table_args__ = (sa.UniqueConstraint("edition_id", "name", name="uq_scenario_edition_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    base_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("timetable_version.id", ondelete="SET NULL")
    )
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("solve_run.id", ondelete="SET NULL"))
    result_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("timetable_version.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    base_version: Mapped[TimetableVersion | None] = relationship(foreign_keys=[base_version_id])
    result_version: Mapped[TimetableVersion | None] = relationship(foreign_keys=[result_version_id])
    run: Mapped[SolveRun | None] = relationship()
