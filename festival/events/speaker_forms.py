"""Shapes of the speakers' forms: staff adding a speaker, a speaker's own profile and photo."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from festival.formtools import CleanForm, NameField


class AddSpeakerForm(CleanForm):
    name = NameField(_l("Name"), validators=[InputRequired(_l("Give the speaker's name.")), Length(max=120)])
    email = EmailField(
        _l("E-mail"), validators=[InputRequired(_l("Give the speaker's e-mail address.")), Length(max=254)]
    )

    def values(self) -> dict:
        return {"name": self.name.data or "", "email": self.email.data or ""}


class SpeakerProfileForm(CleanForm):
    name = NameField(_l("Name"), validators=[InputRequired(_l("Give your name.")), Length(max=120)])
    name_zh = NameField(_l("Name in Chinese"), validators=[Optional(), Length(max=120)])
    affiliation = NameField(_l("Affiliation"), validators=[Optional(), Length(max=200)])
    bio = TextAreaField(_l("Bio"), validators=[Optional(), Length(max=5000)])
    bio_zh = TextAreaField(_l("Bio in Chinese"), validators=[Optional(), Length(max=5000)])

    @classmethod
    def data_of(cls, speaker) -> dict:
        return {k: getattr(speaker, k) for k in ("name", "name_zh", "affiliation", "bio", "bio_zh")}

    def values(self) -> dict:
        fields = ("name", "name_zh", "affiliation", "bio", "bio_zh")
        return {k: (getattr(self, k).data or "").strip() or None for k in fields}


class SpeakerPhotoForm(CleanForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired(_l("Choose an image file."))])
