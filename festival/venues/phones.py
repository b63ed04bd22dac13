"""Venue contacts' telephone numbers, read by the phonenumbers library (Google's libphonenumber metadata):
a number written without a country code is a number of the default region (China: ``0551 6362 1234``),
stored in E.164 (``+8655163621234``; an extension after ``;ext=``, as RFC 3966 writes it) and shown in the
international format (``+86 551 6362 1234``)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "CN"
EXTENSION = ";ext="
# how a Chinese number may say "extension" (转); the library reads "ext.", "x" and ","
EXTENSION_WORDS = ("转",)


def normalised(text: str, region: str = DEFAULT_REGION) -> str:
    """The number as stored: E.164, with ``;ext=`` and the extension if it has one. Raises ValueError
    when the text is not a valid telephone number (of the region, when it has no country code)."""
    for word in EXTENSION_WORDS:
        text = text.replace(word, " ext. ")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{text!r} is not a valid telephone number")
    stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{stored}{EXTENSION}{number.extension}" if number.extension else stored


def _parsed(stored: str) -> phonenumbers.PhoneNumber | None:
    main, _sep, extension = stored.partition(EXTENSION)
    try:
        number = phonenumbers.parse(main, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    number.extension = extension or None
    return number


def shown(stored: str | None) -> str:
    """A stored number as people read it (``+86 551 6362 1234 ext. 12``); text that is not a number is
    shown as it is."""
    number = _parsed(stored) if stored else None
    if number is None:
        return stored or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_uri(stored: str | None) -> str:
    """A stored number as a ``tel:`` link (RFC 3966)."""
    number = _parsed(stored) if stored else None
    if number is None:
        return "tel:" + "".join(c for c in stored or "" if c.isdigit() or c == "+")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966)
