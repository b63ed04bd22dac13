"""shorts: programmes of short films; a screening shows a film or a programme; the edition's shorts settings

Existing screenings keep their entry; a screening now shows one film (entry_id) or one programme
(programme_id), never both (ck_screening_one_item). Downgrading deletes the screenings of programmes (an
older schema cannot hold them) before entry_id becomes required again.

Revision ID: 74ac096f3215
Revises: 9ea3b92d138f
Create Date: 2026-12-06 06:45:40.997377

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '74ac096f3215'
down_revision = '9ea3b92d138f'
branch_labels = None
depends_on = None

ONE_ITEM = '(entry_id IS NULL) <> (programme_id IS NULL)'
SETTINGS_RULE = (
    'shorts_threshold_minutes > 0 AND programme_gap_minutes >= 0 '
    'AND 0 < programme_min_minutes AND programme_min_minutes <= programme_max_minutes'
)


def upgrade():
    op.create_table('shorts_programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=True),
    sa.Column('note_en', sa.Text(), nullable=True),
    sa.Column('note_zh', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_shorts_programme_edition_id_edition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shorts_programme'))
    )
    with op.batch_alter_table('shorts_programme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shorts_programme_edition_id'), ['edition_id'], unique=False)

    op.create_table('shorts_programme_entry',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_shorts_programme_entry_entry_id_entry'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['shorts_programme.id'], name=op.f('fk_shorts_programme_entry_programme_id_shorts_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('programme_id', 'entry_id', name=op.f('pk_shorts_programme_entry')),
    sa.UniqueConstraint('entry_id', name='uq_shorts_programme_entry_entry_id')
    )
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shorts_threshold_minutes', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('programme_min_minutes', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('programme_max_minutes', sa.Integer(), server_default='90', nullable=False))
        batch_op.add_column(sa.Column('programme_gap_minutes', sa.Integer(), server_default='2', nullable=False))
        batch_op.create_check_constraint(op.f('ck_edition_shorts_settings'), SETTINGS_RULE)

    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.alter_column('entry_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_screening_programme_id'), ['programme_id'], unique=False)
        batch_op.create_unique_constraint('uq_screening_timetable_programme', ['timetable_id', 'programme_id', 'theater_id', 'start'])
        batch_op.create_foreign_key(batch_op.f('fk_screening_programme_id_shorts_programme'), 'shorts_programme', ['programme_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_screening_one_item'), ONE_ITEM)



def downgrade():
    op.execute('DELETE FROM screening WHERE programme_id IS NOT NULL')
    with op.batch_alter_table('screening', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_screening_one_item'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_screening_programme_id_shorts_programme'), type_='foreignkey')
        batch_op.drop_constraint('uq_screening_timetable_programme', type_='unique')
        batch_op.drop_index(batch_op.f('ix_screening_programme_id'))
        batch_op.alter_column('entry_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('programme_id')

    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_edition_shorts_settings'), type_='check')
        batch_op.drop_column('programme_gap_minutes')
        batch_op.drop_column('programme_max_minutes')
        batch_op.drop_column('programme_min_minutes')
        batch_op.drop_column('shorts_threshold_minutes')

    op.drop_table('shorts_programme_entry')
    with op.batch_alter_table('shorts_programme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shorts_programme_edition_id'))

    op.drop_table('shorts_programme')
