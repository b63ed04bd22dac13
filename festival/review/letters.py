"""The decision letters: editable per edition, outcome and language, with built-in defaults.

Templates use ``{placeholder}`` names from ``PLACEHOLDERS`` only; anything else in braces is refused
when staff save a template, so a typo cannot reach a filmmaker's inbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.audit import record_changes
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Decision, Edition, Entry, MailTemplate, User
from festival.models.enums import DecisionOutcome
from festival.navigation import public_url
from festival.review.locking import optimistic

LANGUAGES = ("en", "zh")
KIND_BY_OUTCOME = {
    DecisionOutcome.ACCEPTED: "decision_accepted",
    DecisionOutcome.WAITLISTED: "decision_waitlisted",
    DecisionOutcome.REJECTED: "decision_rejected",
}
KIND_LABELS = {
    "decision_accepted": _l("Selected (accepted)"),
    "decision_waitlisted": _l("Waiting list"),
    "decision_rejected": _l("Not selected (rejected)"),
}
PLACEHOLDERS = {
    "filmmaker": _l("the filmmaker's name"),
    "title": _l("the film's title (Chinese title in Chinese letters when there is one)"),
    "reference": _l("the entry's reference, e.g. BJIFF11-ST-0042"),
    "edition": _l("the edition's name"),
    "screenings": _l("planned screenings, e.g. 2–4 (accepted films)"),
    "first_day": _l("first day of the screening window"),
    "last_day": _l("last day of the screening window"),
    "contact": _l("the festival's contact e-mail"),
    "status_url": _l("the link to the filmmaker's entries"),
}
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

_EN_SIGNATURE = "\n\nWith best regards,\nThe programme office\n{contact}\n"
_ZH_SIGNATURE = "\n\n此致\n敬礼！\n\n节目办公室\n{contact}\n"
DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    ("decision_accepted", "en"): (
        "{edition}: your film “{title}” has been selected",
        "Dear {filmmaker},\n\nWe are delighted to tell you that your film “{title}” ({reference}) has been "
        "selected for the {edition}.\n\nThe curators plan {screenings} screenings between {first_day} and "
        "{last_day} at the China Science and Technology Museum, Beijing. We will write to you shortly about "
        "the delivery of the screening copy (DCP or file) and the dates.\n\nYou can follow your entry at "
        "{status_url}" + _EN_SIGNATURE,
    ),
    ("decision_waitlisted", "en"): (
        "{edition}: your film “{title}” is on the waiting list",
        "Dear {filmmaker},\n\nThank you for entering “{title}” ({reference}) in the {edition}. The curators "
        "have placed your film on the waiting list: if a place in the programme becomes free, we will "
        "write to you again before the screenings start on {first_day}.\n\nYou can follow your entry at "
        "{status_url}" + _EN_SIGNATURE,
    ),
    ("decision_rejected", "en"): (
        "{edition}: the curators' decision on “{title}”",
        "Dear {filmmaker},\n\nThank you for entering “{title}” ({reference}) in the {edition}. The curators "
        "watched every film with care; we are sorry to tell you that your film has not been selected this "
        "year. We hope to see your work again in a future edition." + _EN_SIGNATURE,
    ),
    ("decision_accepted", "zh"): (
        "{edition}：您的影片《{title}》已入选",
        "尊敬的{filmmaker}：\n\n我们很高兴地通知您，您的影片《{title}》（{reference}）已入选{edition}。\n\n"
        "策展委员会计划于{first_day}至{last_day}期间在中国科学技术馆安排{screenings}场放映。"
        "我们将尽快与您联系，商定放映拷贝（DCP或文件）的交付及放映日期。\n\n您可以在此查看作品状态：{status_url}"
        + _ZH_SIGNATURE,
    ),
    ("decision_waitlisted", "zh"): (
        "{edition}：您的影片《{title}》已列入候补名单",
        "尊敬的{filmmaker}：\n\n感谢您的影片《{title}》（{reference}）报名参加{edition}。策展委员会已将您的影片"
        "列入候补名单；如有放映名额空出，我们将在{first_day}放映开始前再次与您联系。\n\n"
        "您可以在此查看作品状态：{status_url}" + _ZH_SIGNATURE,
    ),
    ("decision_rejected", "zh"): (
        "{edition}：关于影片《{title}》的评审结果",
        "尊敬的{filmmaker}：\n\n感谢您的影片《{title}》（{reference}）报名参加{edition}。策展委员会认真观看了"
        "每一部作品，很遗憾您的影片本届未能入选。期待您今后继续参与。" + _ZH_SIGNATURE,
    ),
}


@dataclass(frozen=True)
class Letter:
    """A letter ready to send (or to preview)."""

    to: str
    language: str
    subject: str
    body: str


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces that are not placeholders."""
    return sorted({name for name in PLACEHOLDER_RE.findall(text or "") if name not in PLACEHOLDERS})


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known placeholders; leave anything else as written."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def stored_template(edition: Edition, kind: str, language: str) -> MailTemplate | None:
    """Staff's version of a template, if they edited it."""
    stmt = sa.select(MailTemplate).where(
        MailTemplate.edition_id == edition.id, MailTemplate.kind == kind, MailTemplate.language == language
    )
    return db.session.scalar(stmt)


def template_text(edition: Edition, kind: str, language: str) -> tuple[str, str]:
    """(subject, body) of a template: staff's version, else the default."""
    stored = stored_template(edition, kind, language)
    return (stored.subject, stored.body) if stored else DEFAULTS[(kind, language)]


def save_template(
    edition: Edition,
    *,
    kind: str,
    language: str,
    subject: str,
    body: str,
    actor: User,
    expected_version: int | None,
) -> MailTemplate:
    """Store staff's wording of a letter; unknown placeholders and stale edits are refused."""
    if kind not in KIND_LABELS or language not in LANGUAGES:
        raise InvalidInput(errors={"kind": [_l("Unknown letter.")]})
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip() + "\n"
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_l("Give the letter a subject.")]
    if not body.strip():
        errors["body"] = [_l("Write the letter.")]
    for field, text in (("subject", subject), ("body", body)):
        unknown = unknown_placeholders(text)
        if unknown:
            errors.setdefault(field, []).append(
                _l("Unknown placeholders: %(names)s.", names=", ".join("{" + n + "}" for n in unknown))
            )
    if errors:
        raise InvalidInput(errors=errors)
    stored = stored_template(edition, kind, language)
    before = (
        {"subject": stored.subject, "body": stored.body}
        if stored
        else dict(zip(("subject", "body"), DEFAULTS[(kind, language)], strict=True))
    )
    with optimistic(stored, expected_version):
        if stored is None:
            stored = MailTemplate(edition_id=edition.id, kind=kind, language=language)
            db.session.add(stored)
        stored.subject, stored.body, stored.updated_by_id = subject, body, actor.id
    record_changes(
        stored, actor=actor, action="template.save", before=before, after={"subject": subject, "body": body}
    )
    return stored


def _status_url() -> str:
    endpoint = "submissions.my_entries"
    if endpoint in current_app.view_functions:
        return public_url(endpoint)
    return public_url("main.index")


def letter_values(decision: Decision, entry: Entry, edition: Edition, language: str) -> dict[str, str]:
    """The placeholder values for one entry's letter, in the letter's language."""
    zh = language == "zh"
    title = (entry.title_zh if zh and entry.title_zh else None) or entry.display_title
    screenings = ""
    if decision.min_screenings is not None and decision.max_screenings is not None:
        low, high = decision.min_screenings, decision.max_screenings
        screenings = str(low) if low == high else f"{low}–{high}"
    return {
        "filmmaker": entry.owner.name,
        "title": title,
        "reference": entry.reference or "",
        "edition": (edition.name_zh if zh and edition.name_zh else edition.name),
        "screenings": screenings,
        "first_day": (decision.not_before or edition.first_day).isoformat(),
        "last_day": (decision.not_after or edition.last_day).isoformat(),
        "contact": edition.contact_email or "",
        "status_url": _status_url(),
    }


def compose(decision: Decision) -> Letter:
    """The letter for a decision, in the entry's language, to the entry's filmmaker."""
    entry = decision.entry
    edition = db.session.get(Edition, entry.edition_id)
    language = entry.language if entry.language in LANGUAGES else "en"
    subject, body = template_text(edition, KIND_BY_OUTCOME[decision.outcome], language)
    values = letter_values(decision, entry, edition, language)
    # Header safety: a subject is one line whatever the template or a title contains.
    subject = " ".join(fill(subject, values).split())
    return Letter(to=entry.owner.email, language=language, subject=subject, body=fill(body, values))
