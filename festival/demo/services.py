"""Load the demo festival: the 2021 edition from data/instances/cstm-2021.json and an open edition."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from festival import localtime
from festival.auth.services import create_user, find_user_by_email
from festival.editions import open_editions
from festival.extensions import db
from festival.models import (
    Edition,
    EditionHoliday,
    Entry,
    FilmPrint,
    RubricCriterion,
    User,
)
from festival.models.enums import (
    Audience,
    EditionStatus,
    EntryStatus,
    FilmFormat,
    PremiereStatus,
    Role,
)
from festival.review.demo import load_review_demo
from festival.schedule import adapter

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEMO_INSTANCE = DATA_DIR / "instances" / "cstm-2021.json"
DEMO_PASSWORD = "Science-Screen-2021"  # noqa: S105  (demo accounts only; printed by `flask demo load`)

# Every account the demo creates, all with DEMO_PASSWORD; `flask demo load` prints them and the README
# lists them. The distributor owns the 2021 edition's 48 films.
DEMO_ACCOUNTS = (
    ("filmmaker@demo.festival", "Lena Fischer", Role.FILMMAKER, "Polaris Dome Studios", "en"),
    ("curator1@demo.festival", "Wang Fang", Role.CURATOR, "Beijing Planetarium", "zh"),
    ("curator2@demo.festival", "Daniel Ortiz", Role.CURATOR, "Giant Screen Cinema Association", "en"),
    ("staff@demo.festival", "Li Ming", Role.STAFF, "CSTM programme office", "zh"),
    ("admin@demo.festival", "Zhao Lei", Role.ADMIN, "CSTM", "en"),
    ("distributor@demo.festival", "Archive Distributor", Role.FILMMAKER, "Various producers", "en"),
)
FILMMAKER, DISTRIBUTOR, STAFF = "filmmaker@demo.festival", "distributor@demo.festival", "staff@demo.festival"

DEFAULT_RUBRIC = (
    ("scientific_accuracy", "Scientific accuracy", "科学准确性", 1.5),
    ("artistic_quality", "Artistic quality", "艺术质量", 1.0),
    ("technical_quality", "Technical quality", "技术质量", 1.0),
    ("audience_appeal", "Audience appeal", "观众吸引力", 1.0),
)
COUNTRIES = ("China", "United States", "Germany", "France", "Japan", "Canada", "United Kingdom", "Australia")
COMPANIES = (
    "Polaris Dome Studios", "Starlight Fulldome", "Giant Frame Pictures", "Beijing Science Films",
    "Nebula Motion Works", "Deep Blue Documentary", "Future Vision Pictures", "Orbit Media",
)  # fmt: skip
DIRECTORS = ("Anna Berg", "Chen Jie", "Marc Dubois", "Sato Yuki", "Liu Yang", "Grace Miller", "Tom Weber")
# Chinese names of the demo's venue (by id) and its theaters (venue id/theater id)
NAMES_ZH = {
    "cstm": "中国科学技术馆",
    "cstm/dome": "球幕影院",
    "cstm/giant": "巨幕影院",
    "cstm/4d": "4D影院",
    "cstm/motion": "动感影院",
    "cstm/hall": "报告厅",
}


class DemoRefused(RuntimeError):
    """The demo (accounts with a published password) may not be loaded here without confirmation."""


@dataclass(frozen=True)
class DemoResult:
    created: bool
    accounts: tuple[tuple[str, str], ...]


def _ensure_demo_accounts() -> dict[str, User]:
    """The demo accounts, created with DEMO_PASSWORD where missing (only `load_demo` calls this)."""
    users = {}
    for email, name, role, org, locale in DEMO_ACCOUNTS:
        user = find_user_by_email(email)
        if user is None:
            user = create_user(
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                roles={role},
                locale=locale,
                organisation=org,
                confirmed=True,
            )
        users[email] = user
    return users


def _add_rubric(edition: Edition) -> None:
    for position, (key, label, label_zh, weight) in enumerate(DEFAULT_RUBRIC):
        edition.criteria.append(
            RubricCriterion(key=key, label=label, label_zh=label_zh, weight=weight, position=position)
        )


def _demo_fields(index: int, fmt: str, runtime: int) -> dict:
    """Plausible, deterministic entry details for a demo film."""
    audiences = [Audience.FAMILIES.value, Audience.GENERAL.value]
    if fmt in ("dome", "4d"):
        audiences.insert(0, Audience.CHILDREN.value)
    if fmt in ("documentary", "giant_screen"):
        audiences.append(Audience.SCHOOL_GROUPS.value)
    tech = {
        "dome": {"resolution": "8K" if index % 2 else "4K", "frame_rate": "30", "fisheye_master": True},
        "giant_screen": {
            "stereo": "3D" if index % 2 else "2D",
            "aspect_ratio": "1.43:1",
            "projection": "laser",
        },
        "4d": {"effects_track": True, "motion_programming": "D-BOX"},
        "documentary": {"aspect_ratio": "1.85:1", "resolution": "4K"},
        "scifi": {"aspect_ratio": "2.39:1", "resolution": "4K", "stereo": "2D"},
    }[fmt]
    return {
        "country": COUNTRIES[index % len(COUNTRIES)],
        "production_company": COMPANIES[index % len(COMPANIES)],
        "director": DIRECTORS[index % len(DIRECTORS)],
        "year": 2018 + index % 3,
        "languages": "English" if index % 3 else "Mandarin",
        "subtitles": "Chinese" if index % 3 else "English",
        "synopsis_short": f"A {runtime}-minute {fmt.replace('_', ' ')} film about science and discovery.",
        "audiences": audiences,
        "premiere_status": (PremiereStatus.CHINA, PremiereStatus.ASIAN, PremiereStatus.NONE)[index % 3],
        "delivery": "dcp" if fmt != "dome" else "file",
        "sound_format": "5.1" if index % 2 else "7.1",
        "tech_spec": tech,
        "rights_holder": COMPANIES[index % len(COMPANIES)],
        "contact_name": DIRECTORS[index % len(DIRECTORS)],
        "contact_email": f"contact{index}@example.org",
    }


def _load_2021(users: dict[str, User]) -> Edition:
    instance = json.loads(DEMO_INSTANCE.read_text(encoding="utf-8"))
    # the instance file solves a first timetable (its move cost is 0); the demo keeps its programme stable
    instance["weights"]["change_penalty"] = adapter.DEFAULT_MOVE_COST
    return import_edition(
        instance,
        owner=users[DISTRIBUTOR],
        slug="bjiff-11-st",
        name_zh="第十一届北京国际电影节科技单元",
        reference_prefix="BJIFF11-ST",
        entry_deadline=datetime(2021, 3, 14, 23, 59),
    )


def import_edition(
    instance: dict,
    *,
    owner: User,
    slug: str,
    reference_prefix: str,
    entry_deadline: datetime | None = None,
    name_zh: str | None = None,
) -> Edition:
    """A closed edition of the section made from a solver instance (``adapter.import_instance``: venues,
    theaters, blocks, accepted films, pins), with the demo's rubric, Chinese names and entry details.

    The films are entries of ``owner``, an existing account: an import creates no account.
    ``entry_deadline`` is an aware instant, or a wall-clock time of the edition (naive); by default the
    call closed when the screening window opens. Raises (before any write) InstanceBuildError or
    InstanceImportError when the instance cannot be imported (``adapter.check_importable``)."""
    adapter.check_importable(instance)
    edition = Edition(
        slug=slug,
        name_zh=name_zh,
        section="Science & Technology Section",
        section_zh="科技单元",
        reference_prefix=reference_prefix,
        status=EditionStatus.PROGRAMMING,
        contact_email="film@cstm.example.cn",
        **adapter.edition_values(instance),
    )
    edition.entry_deadline = (
        localtime.from_local(entry_deadline, edition) if entry_deadline else adapter.default_deadline(edition)
    )
    _add_rubric(edition)
    db.session.add(edition)
    db.session.flush()
    adapter.import_instance(
        instance,
        edition,
        owner=owner,
        entry_details=lambda number, film: _demo_fields(number, film["format"], film["runtime_minutes"]),
        names_zh=NAMES_ZH,
    )
    return edition


# China's public holidays of 2021 in the window: the example of a holiday list (each edition enters its own)
HOLIDAYS_2021 = (
    ("2021-04-03", "Qingming Festival", "清明节"),
    ("2021-04-04", "Qingming Festival", "清明节"),
    ("2021-04-05", "Qingming Festival", "清明节"),
    ("2021-05-01", "Labour Day", "劳动节"),
    ("2021-05-02", "Labour Day", "劳动节"),
    ("2021-05-03", "Labour Day", "劳动节"),
    ("2021-05-04", "Labour Day", "劳动节"),
    ("2021-05-05", "Labour Day", "劳动节"),
)


def _add_2021_holidays(edition: Edition) -> None:
    """The 2021 holiday list: the instance's date weights are these days at 2.0, the holiday weight."""
    for day, name, name_zh in HOLIDAYS_2021:
        edition.holidays.append(EditionHoliday(day=date.fromisoformat(day), name=name, name_zh=name_zh))
    edition.demand = {"holiday_weight": 2.0, "workday_weight": 1.0, "breaks": []}


# The demo's touring films: every giant-screen film is one 15/70 print, the first four dome films are a few
# dome masters on drives (3, 2, 2, 1), each starting at the museum; the rest are digital (format -> prints
# of its films in entry order; one number: every film of the format)
DEMO_PRINTS = {
    "giant_screen": (1,),
    "dome": (3, 2, 2, 1),
}


def _add_demo_prints(edition: Edition) -> None:
    """Give the 2021 edition's films their prints (``DEMO_PRINTS``), starting at the edition's first venue,
    so that its timetable sends them on tour (the alliance's partner venues, where the demo has them)."""
    home = adapter.edition_venues(edition)[0]
    given: dict[str, int] = {}
    for entry, decision in adapter.accepted_entries(edition):
        counts = DEMO_PRINTS.get(entry.format.value if entry.format else "", ())
        index = given.get(entry.format.value, 0) if entry.format else 0
        if not counts or (len(counts) > 1 and index >= len(counts)):
            continue
        decision.prints = counts[min(index, len(counts) - 1)]
        given[entry.format.value] = index + 1
        for number in range(1, decision.prints + 1):
            db.session.add(FilmPrint(entry_id=entry.id, number=number, start_venue_id=home.id))
    db.session.flush()


def _load_open_edition(users: dict[str, User], today: date) -> Edition:
    deadline_day = today + timedelta(days=90)
    first_day = date(deadline_day.year + (1 if deadline_day.month > 3 else 0), 4, 1)
    number = 11 + (first_day.year - 2021)
    edition = Edition(
        slug=f"bjiff-{number}-st",
        name=f"{number}th BJIFF Science & Technology Section",
        name_zh=f"第{number}届北京国际电影节科技单元",
        section="Science & Technology Section",
        section_zh="科技单元",
        reference_prefix=f"BJIFF{number}-ST",
        timezone=localtime.DEFAULT_TIMEZONE,
        first_day=first_day,
        last_day=date(first_day.year, 5, 31),
        status=EditionStatus.CALL_OPEN,
        contact_email="film@cstm.example.cn",
    )
    edition.entry_deadline = localtime.at(deadline_day, time(23, 59), edition)
    _add_rubric(edition)
    db.session.add(edition)
    db.session.flush()
    filmmaker = users[FILMMAKER]
    samples = (
        ("Northern Lights Above Us", FilmFormat.DOME, 32, EntryStatus.SUBMITTED),
        ("Voyage to the Ice Moons", FilmFormat.GIANT_SCREEN, 44, EntryStatus.SUBMITTED),
        ("Ride the Solar Wind", FilmFormat.FOUR_D, 15, EntryStatus.SUBMITTED),
        ("The Coral Engineers", FilmFormat.DOCUMENTARY, 52, EntryStatus.DRAFT),
        ("Signal from Proxima", FilmFormat.SCIFI, 98, EntryStatus.DRAFT),
    )
    next_number = 1
    now = datetime.now(UTC)
    for index, (title, fmt, runtime, status) in enumerate(samples, start=1):
        fields = _demo_fields(index, fmt.value, runtime)
        entry = Entry(
            edition_id=edition.id,
            owner_id=filmmaker.id,
            title_original=title,
            title_en=title,
            format=fmt,
            runtime_minutes=runtime,
            status=status,
            **fields,
        )
        if status == EntryStatus.SUBMITTED:
            entry.number = next_number
            entry.reference = f"{edition.reference_prefix}-{next_number:04d}"
            entry.submitted_at = now
            entry.terms_accepted_at = now
            next_number += 1
        db.session.add(entry)
    return edition


def load_demo(today: date | None = None, *, production_confirmed: bool = False) -> DemoResult:
    """Create the demo accounts and editions unless they exist already (idempotent).

    The only path that creates accounts with a known password. Raises DemoRefused in production
    unless the operator confirmed it (`flask demo load` asks twice)."""
    if current_app.config["ENV_NAME"] == "production" and not production_confirmed:
        raise DemoRefused(
            "this is a production site (FESTIVAL_ENV=production): the demo creates accounts whose "
            "password is published in the README"
        )
    users = _ensure_demo_accounts()
    created = False
    if db.session.scalar(sa.select(Edition).where(Edition.slug == "bjiff-11-st")) is None:
        edition_2021 = _load_2021(users)
        _add_2021_holidays(edition_2021)
        _add_demo_prints(edition_2021)
        created = True
    if not open_editions():
        edition = _load_open_edition(users, today or localtime.today(None))
        db.session.flush()
        load_review_demo(edition)
        created = True
    db.session.flush()
    accounts = tuple((email, role.value) for email, _, role, _, _ in DEMO_ACCOUNTS)
    return DemoResult(created=created, accounts=accounts)
