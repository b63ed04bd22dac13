"""Shapes of the people forms: inviting, roles, accepting an invitation with a new account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from festival.auth.forms import NewAccountForm
from festival.formtools import CleanForm, MultiCheckboxField, NameField, choices
from festival.labels import ROLE_LABELS
from festival.models.enums import Role


def role_choices(roles) -> list:
    """Checkbox choices for ``roles``, in words."""
    return choices((r.value, ROLE_LABELS[r]) for r in roles)


class InviteForm(CleanForm):
    name = NameField(_l("Name"), validators=[Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    roles = MultiCheckboxField(_l("Roles"), choices=[], validate_choice=True)


class RolesForm(CleanForm):
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices(Role), validate_choice=True)


class AcceptInvitationForm(NewAccountForm):
    """A new account for the invited address (the address is the invitation's)."""
