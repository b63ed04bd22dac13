"""Film entries submitted to an edition, and their images."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from festival.extensions import db
from festival.models.enums import (
    EntryStatus,
    FilmFormat,
    ImageKind,
    PremiereStatus,
    enum_column,
)
from festival.models.types import AwareDateTime, utcnow
from festival.namekeys import key_list, key_lists

if TYPE_CHECKING:
    from festival.models.edition import Edition
    from festival.models.user import User


class Entry(db.Model):
    """One film submitted (or being prepared) for one edition by its owner."""

    __tablename__ = "entry"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "number", name="uq_entry_edition_number"),
        sa.CheckConstraint(
            "runtime_minutes IS NULL OR (runtime_minutes BETWEEN 1 AND 600)", name="runtime_range"
        ),
        sa.CheckConstraint(
            "status = 'draft' OR (reference IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_reference",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id"), index=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    number: Mapped[int | None]
    reference: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus, "entry_status"), default=EntryStatus.DRAFT, index=True
    )
    language: Mapped[str] = mapped_column(sa.String(8), default="en")

    # Identity
    title_original: Mapped[str] = mapped_column(sa.String(300), default="")
    title_en: Mapped[str | None] = mapped_column(sa.String(300))
    title_zh: Mapped[str | None] = mapped_column(sa.String(300))
    format: Mapped[FilmFormat | None] = mapped_column(enum_column(FilmFormat, "film_format"), index=True)
    runtime_minutes: Mapped[int | None]
    year: Mapped[int | None]
    country: Mapped[str | None] = mapped_column(sa.String(100))
    production_company: Mapped[str | None] = mapped_column(sa.String(200))
    director: Mapped[str | None] = mapped_column(sa.String(200))
    languages: Mapped[str | None] = mapped_column(sa.String(200))
    subtitles: Mapped[str | None] = mapped_column(sa.String(200))
    synopsis_short: Mapped[str | None] = mapped_column(sa.String(600))
    synopsis_long: Mapped[str | None] = mapped_column(sa.Text)
    audiences: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    premiere_status: Mapped[PremiereStatus | None] = mapped_column(
        enum_column(PremiereStatus, "premiere_status")
    )

    # Technical specification: common fields as columns, format-specific ones in tech_spec
    delivery: Mapped[str | None] = mapped_column(sa.String(20))
    sound_format: Mapped[str | None] = mapped_column(sa.String(60))
    tech_spec: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    # Links
    trailer_url: Mapped[str | None] = mapped_column(sa.String(500))
    screener_url: Mapped[str | None] = mapped_column(sa.String(500))
    screener_password: Mapped[str | None] = mapped_column(sa.String(200))

    # Rights and contact
    rights_holder: Mapped[str | None] = mapped_column(sa.String(200))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(60))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    # Matching keys of the names above (festival.namekeys), kept up to date by _keep_name_keys: a
    # declared conflict of interest compares keys, so spelling cannot dodge it.
    company_keys: Mapped[str | None] = mapped_column(sa.Text)
    person_keys: Mapped[str | None] = mapped_column(sa.Text)
    country_keys: Mapped[str | None] = mapped_column(sa.Text)

    # Lifecycle
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    reopened_until: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    edition: Mapped[Edition] = relationship()
    owner: Mapped[User] = relationship()
    images: Mapped[list[EntryImage]] = relationship(
        back_populates="entry", order_by="EntryImage.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @validates("production_company", "rights_holder", "director", "contact_name", "country")
    def _keep_name_keys(self, field: str, value: str | None) -> str | None:
        names = {
            f: getattr(self, f) for f in ("production_company", "rights_holder", "director", "contact_name")
        }
        names[field] = value
        if field == "country":
            self.country_keys = key_list(value)
        self.company_keys = key_lists(names["production_company"], names["rights_holder"])
        self.person_keys = key_lists(names["director"], names["contact_name"])
        return value

    @property
    def display_title(self) -> str:
        return self.title_en or self.title_original or self.title_zh or f"#{self.id}"

    def is_owned_by(self, user: User | None) -> bool:
        """True when the user is this entry's filmmaker."""
        return user is not None and getattr(user, "id", None) == self.owner_id

    def __repr__(self) -> str:
        return f"<Entry {self.id} {self.reference or 'draft'}>"


class EntryImage(db.Model):
    """A poster or still uploaded for an entry; the file lives outside static/."""

    __tablename__ = "entry_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ImageKind] = mapped_column(enum_column(ImageKind, "image_kind"))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    mime_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="images")
