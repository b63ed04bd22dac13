"""review: matching keys of names for conflicts of interest; person conflicts

A declared conflict is compared on keys computed in Python (festival.namekeys), stored beside the names
and filled in here for the rows that exist; the conflict kinds gain "person".

Revision ID: 62806bd9d7cb
Revises: b10946be599b
Create Date: 2026-12-06 00:49:48.021446

"""
from alembic import op
import sqlalchemy as sa

from festival.namekeys import key_list, key_lists, name_key


# revision identifiers, used by Alembic.
revision = '62806bd9d7cb'
down_revision = 'b10946be599b'
branch_labels = None
depends_on = None

KINDS = ("entry", "company", "country")
NEW_KINDS = ("entry", "company", "person", "country")


def _kind_check(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value_key', sa.String(length=200), nullable=True))
        batch_op.drop_constraint(op.f('ck_conflict_conflict_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_conflict_conflict_kind'), _kind_check(NEW_KINDS))

    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company_keys', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('person_keys', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('country_keys', sa.Text(), nullable=True))

    bind = op.get_bind()
    conflict = sa.table('conflict', sa.column('id'), sa.column('value'), sa.column('value_key'))
    for row in bind.execute(sa.select(conflict.c.id, conflict.c.value).where(conflict.c.value.is_not(None))):
        bind.execute(
            conflict.update().where(conflict.c.id == row.id).values(value_key=name_key(row.value)[:200] or None)
        )
    entry = sa.table(
        'entry', sa.column('id'), sa.column('production_company'), sa.column('rights_holder'),
        sa.column('director'), sa.column('contact_name'), sa.column('country'),
        sa.column('company_keys'), sa.column('person_keys'), sa.column('country_keys'),
    )
    rows = bind.execute(
        sa.select(entry.c.id, entry.c.production_company, entry.c.rights_holder, entry.c.director,
                  entry.c.contact_name, entry.c.country)
    ).all()
    for row in rows:
        bind.execute(
            entry.update().where(entry.c.id == row.id).values(
                company_keys=key_lists(row.production_company, row.rights_holder),
                person_keys=key_lists(row.director, row.contact_name),
                country_keys=key_list(row.country),
            )
        )


def downgrade():
    op.execute("DELETE FROM conflict WHERE kind = 'person'")
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.drop_column('country_keys')
        batch_op.drop_column('person_keys')
        batch_op.drop_column('company_keys')

    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_conflict_conflict_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_conflict_conflict_kind'), _kind_check(KINDS))
        batch_op.drop_column('value_key')
