"""venues: contact phone numbers in E.164 (phonenumbers, default region CN)

A venue's contact phone was kept as typed ("+86 551 6362 1234", "(0551) 6362-1234 ext. 12"); it is now
kept in E.164 ("+8655163621234", an extension after ";ext="), read by the phonenumbers library with China
as the region of a number without a country code. A stored text the library cannot read as a valid
number is left as it is (the venue form asks for a valid one at its next save). Downgrade writes each
number back in the international format ("+86 551 6362 1234 ext. 12"), which the older check accepts.

The rules are written out here, not imported from the app, so that this migration keeps its meaning.

Revision ID: 21001d7fd31c
Revises: 05dfe924f1be
Create Date: 2026-12-06 10:16:00.000000

"""
from alembic import op
import phonenumbers
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '21001d7fd31c'
down_revision = '05dfe924f1be'
branch_labels = None
depends_on = None

REGION = "CN"
EXTENSION = ";ext="
venue = sa.table("venue", sa.column("id", sa.Integer), sa.column("contact_phone", sa.String(40)))


def _e164(text):
    try:
        number = phonenumbers.parse(text.replace("转", " ext. "), REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{stored}{EXTENSION}{number.extension}" if number.extension else stored


def _international(stored):
    main, _sep, extension = stored.partition(EXTENSION)
    try:
        number = phonenumbers.parse(main, REGION)
    except phonenumbers.NumberParseException:
        return None
    number.extension = extension or None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _rewrite(convert):
    bind = op.get_bind()
    rows = bind.execute(sa.select(venue.c.id, venue.c.contact_phone).where(venue.c.contact_phone.is_not(None)))
    for venue_id, phone in rows.all():
        new = convert(phone) if phone.strip() else None
        if new is not None and new != phone and len(new) <= 40:
            bind.execute(venue.update().where(venue.c.id == venue_id).values(contact_phone=new))


def upgrade():
    _rewrite(_e164)


def downgrade():
    _rewrite(_international)
