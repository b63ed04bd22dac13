"""prints, transit days and online channels: a decision's prints, film_print, transit_days, the edition's
default transit days and streamable formats, a theater's online window, a screening's print

Existing decisions are digital (no prints), existing theaters are rooms, existing screenings use no print;
every edition gets 1 transit day by default and no streamable format.

Revision ID: e4a1f0c2b917
Revises: cd39e2d97810
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a1f0c2b917'
down_revision = 'cd39e2d97810'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('film_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_venue_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('number > 0', name=op.f('ck_film_print_number_positive')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_film_print_entry_id_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['start_venue_id'], ['venue.id'], name=op.f('fk_film_print_start_venue_id_venue'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_film_print')),
    sa.UniqueConstraint('entry_id', 'number', name='uq_film_print_entry_number')
    )
    with op.batch_alter_table('film_print', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_film_print_entry_id'), ['entry_id'], unique=False)

    op.create_table('transit_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('city_a', sa.String(length=40), nullable=False),
    sa.Column('city_b', sa.String(length=40), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.CheckConstraint('city_a < city_b', name=op.f('ck_transit_days_pair_ordered')),
    sa.CheckConstraint('days >= 0', name=op.f('ck_transit_days_days_nonnegative')),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_transit_days_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transit_days')),
    sa.UniqueConstraint('edition_id', 'city_a', 'city_b', name='uq_transit_days_edition_pair')
    )
    with op.batch_alter_table('transit_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transit_days_edition_id'), ['edition_id'], unique=False)

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prints', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('prints_positive', 'prints IS NULL OR prints > 0')

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transit_days_default', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('stream_formats', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.alter_column('transit_days_default', server_default=None)
        batch_op.alter_column('stream_formats', server_default=None)

    with op.batch_alter_table('theater', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('window_minutes', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('online_has_window', 'NOT online OR window_minutes > 0')
    with op.batch_alter_table('theater', schema=None) as batch_op:
        batch_op.alter_column('online', server_default=None)

    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.add_column(sa.Column('print_number', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.drop_column('print_number')

    with op.batch_alter_table('theater', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_theater_online_has_window'), type_='check')
        batch_op.drop_column('window_minutes')
        batch_op.drop_column('online')

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_column('stream_formats')
        batch_op.drop_column('transit_days_default')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_decision_prints_positive'), type_='check')
        batch_op.drop_column('prints')

    with op.batch_alter_table('transit_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transit_days_edition_id'))
    op.drop_table('transit_days')

    with op.batch_alter_table('film_print', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_film_print_entry_id'))
    op.drop_table('film_print')
