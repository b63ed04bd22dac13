"""Shapes of the account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from festival.formtools import LANGUAGE_CHOICES, CleanForm, NameField, choices


class LoginForm(CleanForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in"))


ACCOUNT_KINDS = (
    ("filmmaker", _l("Filmmaker or distributor: I enter films")),
    ("visitor", _l("Visitor: I wish for films, plan my visits and vote")),
)


class RegistrationForm(CleanForm):
    # a form posted without the choice registers a filmmaker, as the form did before visitors existed
    kind = RadioField(_l("I am a"), choices=choices(ACCOUNT_KINDS), default="filmmaker", validate_choice=True)
    name = NameField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    organisation = NameField(_l("Company or organisation"), validators=[Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    locale = SelectField(_l("Preferred language"), choices=choices(LANGUAGE_CHOICES), default="en")


class LanguageForm(CleanForm):
    lang = SelectField(choices=choices(LANGUAGE_CHOICES))


class ResetRequestForm(CleanForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(CleanForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class PasswordChangeForm(CleanForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ConfirmForm(CleanForm):
    """A button's form: only the CSRF token."""
