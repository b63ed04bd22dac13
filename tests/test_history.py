"""The audit trail in words: every action the code records has a name in words, and values are said as a
person reads them (no codes, no raw JSON)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from festival import history
from festival.models import AuditEvent

ROOT = Path(__file__).resolve().parents[1] / "festival"
RECORDED = re.compile(r'\baction="([a-z_.]+)"')
FIELDS = re.compile(r'\bfield="([a-z_]+)"')


def _literals(pattern: re.Pattern) -> set[str]:
    found = set()
    for path in ROOT.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_action_and_field_has_words():
    actions = _literals(RECORDED)
    assert "review.save" in actions and "user.roles" in actions  # the scan finds them
    assert sorted(actions - set(history.ACTION_LABELS)) == []
    assert sorted(_literals(FIELDS) - set(history.FIELD_LABELS)) == []


def _line(app, action, field=None, old=None, new=None) -> history.HistoryLine:
    at = datetime(2031, 4, 1, 2, 0, tzinfo=UTC)
    event = AuditEvent(
        at=at, object_type="x", object_id=1, action=action, field=field, old_value=old, new_value=new
    )
    return history.describe(event, None)


def test_values_are_said_in_words(app):
    line = _line(app, action="user.roles", field="roles", old='["curator"]', new='["admin", "curator"]')
    assert (line.what, line.field, line.old, line.new) == (
        "Roles changed",
        "Roles",
        "curator",
        "admin, curator",
    )
    line = _line(app, action="decision.save", field="outcome", old=None, new="rejected")
    assert (line.old, line.new) == ("", "Not selected")
    line = _line(app, action="decision.release", field="released_at", new="2031-04-01 02:00:00+00:00")
    assert line.new == "2031-04-01 10:00"  # Beijing time
    line = _line(app, action="panel.create", new='{"name": "Dome panel", "format": "dome"}')
    assert line.new == "Name: Dome panel; Format: Fulldome (planetarium)"
    line = _line(app, action="user.deactivate", field="active", old="true", new="false")
    assert (line.old, line.new, line.who) == ("yes", "no", "system")
