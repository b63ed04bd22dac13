"""scenarios: named what-if variants of a draft, a run's purpose, scenario versions

A timetable version may now have the status ``scenario`` (a scenario's result: no draft number, never
published). Existing runs were all made for drafts (purpose ``draft``). Downgrading deletes the scenario
versions and their screenings (the runs that made them no longer name them).

Revision ID: 9ea3b92d138f
Revises: e4a1f0c2b917
Create Date: 2026-12-06 06:44:51.046870

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9ea3b92d138f'
down_revision = 'e4a1f0c2b917'
branch_labels = None
depends_on = None

OLD = ('draft', 'published', 'superseded')
NEW = (*OLD, 'scenario')
PUBLISHED_OLD = "status = 'draft' OR (number IS NOT NULL AND published_at IS NOT NULL)"
PUBLISHED_NEW = "status IN ('draft', 'scenario') OR (number IS NOT NULL AND published_at IS NOT NULL)"


def _allowed(values):
    return 'status IN (' + ', '.join(f"'{v}'" for v in values) + ')'


def upgrade():
    op.create_table('scenario',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('result_version_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_version_id'], ['timetable_version.id'], name=op.f('fk_scenario_base_version_id_timetable_version'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_scenario_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name=op.f('fk_scenario_edition_id_edition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['result_version_id'], ['timetable_version.id'], name=op.f('fk_scenario_result_version_id_timetable_version'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['solve_run.id'], name=op.f('fk_scenario_run_id_solve_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario')),
    sa.UniqueConstraint('edition_id', 'name', name='uq_scenario_edition_name')
    )
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_edition_id'), ['edition_id'], unique=False)

    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=16), server_default='draft', nullable=False))

    with op.batch_alter_table('timetable_version', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_timetable_version_version_status'), type_='check')
        batch_op.drop_constraint(op.f('ck_timetable_version_published_numbered'), type_='check')
    with op.batch_alter_table('timetable_version', schema=None) as batch_op:
        batch_op.alter_column('draft_number',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_check_constraint(op.f('ck_timetable_version_version_status'), _allowed(NEW))
        batch_op.create_check_constraint(op.f('ck_timetable_version_published_numbered'), PUBLISHED_NEW)
        batch_op.create_check_constraint(
            op.f('ck_timetable_version_draft_numbered'), "status = 'scenario' OR draft_number IS NOT NULL"
        )


def downgrade():
    scenario_versions = "SELECT id FROM timetable_version WHERE status = 'scenario'"
    op.execute(f"UPDATE solve_run SET result_version_id = NULL WHERE result_version_id IN ({scenario_versions})")
    op.execute(f"UPDATE solve_run SET base_version_id = NULL WHERE base_version_id IN ({scenario_versions})")
    op.execute(f"UPDATE timetable_version SET based_on_id = NULL WHERE based_on_id IN ({scenario_versions})")
    op.execute(f"DELETE FROM screening WHERE timetable_id IN ({scenario_versions})")
    op.execute("UPDATE scenario SET result_version_id = NULL, base_version_id = NULL")
    op.execute("DELETE FROM timetable_version WHERE status = 'scenario'")
    with op.batch_alter_table('timetable_version', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_timetable_version_draft_numbered'), type_='check')
        batch_op.drop_constraint(op.f('ck_timetable_version_published_numbered'), type_='check')
        batch_op.drop_constraint(op.f('ck_timetable_version_version_status'), type_='check')
    with op.batch_alter_table('timetable_version', schema=None) as batch_op:
        batch_op.alter_column('draft_number',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.create_check_constraint(op.f('ck_timetable_version_version_status'), _allowed(OLD))
        batch_op.create_check_constraint(op.f('ck_timetable_version_published_numbered'), PUBLISHED_OLD)

    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.drop_column('purpose')

    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_edition_id'))

    op.drop_table('scenario')
