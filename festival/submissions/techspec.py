"""The technical specification of an entry: common choices and the fields each film format needs.

Format-specific answers are stored in ``Entry.tech_spec`` (a JSON object) under the keys below;
the keys match what the demo data and the timetable side read (``stereo`` = 2D/3D, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from festival.models.enums import FilmFormat

DELIVERY_LABELS = {"dcp": _l("DCP"), "file": _l("File (e.g. ProRes, image sequence)")}
SOUND_LABELS = {
    "2.0": _l("Stereo 2.0"),
    "5.1": _l("5.1 surround"),
    "7.1": _l("7.1 surround"),
    "atmos": _l("Dolby Atmos / immersive"),
    "other": _l("Other (explain in the synopsis)"),
}

YES_NO = {True: _l("Yes"), False: _l("No")}
RESOLUTIONS = ("2K", "4K", "6K", "8K")
FRAME_RATES = ("24", "25", "30", "48", "50", "60")
ASPECT_RATIOS = ("1.33:1", "1.43:1", "1.66:1", "1.78:1", "1.85:1", "1.90:1", "2.00:1", "2.39:1")
STEREO = ("2D", "3D")
PROJECTION = {
    "laser": _l("Digital laser"),
    "xenon": _l("Digital xenon"),
    "15-70": _l("15/70 film"),
}


@dataclass(frozen=True)
class TechField:
    """One format-specific question: ``kind`` is "choice", "yesno" or "text"."""

    key: str
    label: object
    kind: str
    options: dict | None = None
    required: bool = True
    max_length: int = 100
    help: object | None = None

    def display(self, value) -> str:
        """The stored value as words for the summary pages and the CSV export."""
        if value is None or value == "":
            return ""
        if self.kind == "yesno":
            return str(YES_NO.get(bool(value), value))
        if self.options and value in self.options:
            return str(self.options[value])
        return str(value)


def _plain(values: tuple[str, ...]) -> dict[str, str]:
    return {v: v for v in values}


_RESOLUTION = TechField("resolution", _l("Master resolution"), "choice", _plain(RESOLUTIONS))
_ASPECT = TechField("aspect_ratio", _l("Aspect ratio"), "choice", _plain(ASPECT_RATIOS))
_STEREO = TechField("stereo", _l("2D or 3D"), "choice", _plain(STEREO))

TECH_FIELDS: dict[FilmFormat, tuple[TechField, ...]] = {
    FilmFormat.DOME: (
        _RESOLUTION,
        TechField("frame_rate", _l("Frame rate (fps)"), "choice", _plain(FRAME_RATES)),
        TechField(
            "fisheye_master",
            _l("Fisheye (domemaster) master available"),
            "yesno",
            help=_l("A square fisheye master, as fulldome theaters project it."),
        ),
    ),
    FilmFormat.GIANT_SCREEN: (
        _STEREO,
        _ASPECT,
        TechField("projection", _l("Projection"), "choice", PROJECTION),
    ),
    FilmFormat.FOUR_D: (
        TechField("effects_track", _l("Effects track (wind, water, scent...) programmed"), "yesno"),
        TechField(
            "motion_programming",
            _l("Motion-seat programming"),
            "text",
            help=_l("The motion system the seat track is programmed for, e.g. D-BOX, MediaMation."),
        ),
        _STEREO,
    ),
    FilmFormat.DOCUMENTARY: (_RESOLUTION, _ASPECT, _STEREO),
    FilmFormat.SCIFI: (_RESOLUTION, _ASPECT, _STEREO),
}


def tech_fields(fmt: FilmFormat | str | None) -> tuple[TechField, ...]:
    """The format-specific questions for a format (none when no format is chosen yet)."""
    if not fmt:
        return ()
    return TECH_FIELDS.get(FilmFormat(fmt), ())


def tech_items(fmt: FilmFormat | str | None, spec: dict | None) -> list[tuple[TechField, str]]:
    """(question, answer in words) for the current format's questions, in order."""
    spec = spec or {}
    return [(f, f.display(spec.get(f.key))) for f in tech_fields(fmt)]
