"""editions: the lifecycle, the call's opening time, formats on offer, terms of entry, demand inputs, holidays, copies

The edition's state follows the lifecycle draft -> call_open -> review -> programming -> published ->
archived. An open edition becomes call_open; a closed one becomes published when it has a published
timetable, else programming (where a closed edition could be scheduled before). Downgrading maps
call_open back to open and review, programming and published to closed.

Revision ID: a7e5c1d20b16
Revises: 49c3fabafa89
Create Date: 2026-12-06 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e5c1d20b16'
down_revision = '49c3fabafa89'
branch_labels = None
depends_on = None

NEW = ('draft', 'call_open', 'review', 'programming', 'published', 'archived')
OLD = ('draft', 'open', 'closed', 'archived')


def _allowed(values):
    return 'status IN (' + ', '.join(f"'{v}'" for v in values) + ')'


def upgrade():
    op.create_table('edition_holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.Enum('holiday', 'workday', name='holiday_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_edition_holiday_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_edition_holiday')),
    sa.UniqueConstraint('edition_id', 'day', name='uq_edition_holiday_edition_day')
    )
    with op.batch_alter_table('edition_holiday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_holiday_edition_id'), ['edition_id'], unique=False)

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('call_opens_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('formats', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('terms', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('terms_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('demand', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_edition_copied_from_id_edition'), 'edition', ['copied_from_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(op.f('ck_edition_edition_status'), type_='check')
    op.execute("UPDATE edition SET status = 'call_open' WHERE status = 'open'")
    op.execute(
        "UPDATE edition SET status = 'published' WHERE status = 'closed' AND EXISTS "
        "(SELECT 1 FROM timetable_version v WHERE v.edition_id = edition.id AND v.status = 'published')"
    )
    op.execute("UPDATE edition SET status = 'programming' WHERE status = 'closed'")
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.alter_column('formats', server_default=None)
        batch_op.alter_column('demand', server_default=None)
        batch_op.create_check_constraint(op.f('ck_edition_edition_status'), _allowed(NEW))


def downgrade():
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_edition_edition_status'), type_='check')
    op.execute("UPDATE edition SET status = 'open' WHERE status = 'call_open'")
    op.execute("UPDATE edition SET status = 'closed' WHERE status IN ('review', 'programming', 'published')")
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_edition_edition_status'), _allowed(OLD))
        batch_op.drop_constraint(batch_op.f('fk_edition_copied_from_id_edition'), type_='foreignkey')
        batch_op.drop_column('copied_from_id')
        batch_op.drop_column('demand')
        batch_op.drop_column('terms_zh')
        batch_op.drop_column('terms')
        batch_op.drop_column('formats')
        batch_op.drop_column('call_opens_at')

    with op.batch_alter_table('edition_holiday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_holiday_edition_id'))

    op.drop_table('edition_holiday')
