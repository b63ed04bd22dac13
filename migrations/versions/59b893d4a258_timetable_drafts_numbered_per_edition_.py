"""timetable: drafts numbered per edition, hand edits counted, the move cost a run used

Existing data:

* every version gets its draft number: the edition's versions in the order they were created, 1, 2, 3...
  (published ones too: a version is a draft before it is published, and keeps its number);
* ``hand_edits`` is the number of hand edits the audit trail holds for the version;
* a draft whose every screening lives on in the result of a solver run started from it (the demo's
  "Working draft" of three pins, say) is removed: it is the second, near-empty draft that offered to replace
  the public programme, and nothing of it is lost; the runs and drafts that named it no longer do;
* an edition whose move cost (the weights' ``change_penalty``) is 0 gets 1000: nothing ever let staff choose
  0 (it came from the imported instance), and 0 lets a re-solve move half of a published programme.

Revision ID: 59b893d4a258
Revises: 842bae08f33f
Create Date: 2026-12-06 02:14:41.527931

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '59b893d4a258'
down_revision = '842bae08f33f'
branch_labels = None
depends_on = None

MOVE_COST = 1000  # festival.schedule.adapter.DEFAULT_MOVE_COST when this migration was written
EDIT_ACTIONS = ("screening.pinned", "screening.unpinned", "screening.moved", "screening.added", "screening.removed")

version_t = sa.table(
    'timetable_version', sa.column('id'), sa.column('edition_id'), sa.column('status'),
    sa.column('based_on_id'), sa.column('draft_number'), sa.column('hand_edits'),
)
screening_t = sa.table(
    'screening', sa.column('timetable_id'), sa.column('entry_id'), sa.column('theater_id'), sa.column('start'),
)
run_t = sa.table('solve_run', sa.column('id'), sa.column('base_version_id'), sa.column('result_version_id'))
audit_t = sa.table('audit_event', sa.column('object_type'), sa.column('object_id'), sa.column('action'))
edition_t = sa.table('edition', sa.column('id'), sa.column('schedule_weights', sa.JSON))


def _screenings(bind, version_id):
    stmt = sa.select(screening_t.c.entry_id, screening_t.c.theater_id, screening_t.c.start).where(
        screening_t.c.timetable_id == version_id
    )
    return {tuple(row) for row in bind.execute(stmt)}


def _remove_seed_drafts(bind) -> None:
    stmt = (
        sa.select(version_t.c.id, run_t.c.result_version_id)
        .join(run_t, run_t.c.base_version_id == version_t.c.id)
        .where(version_t.c.status == 'draft', run_t.c.result_version_id.is_not(None))
    )
    seeds = set()
    for draft_id, result_id in bind.execute(stmt).all():
        if draft_id != result_id and _screenings(bind, draft_id) <= _screenings(bind, result_id):
            seeds.add(draft_id)
    for draft_id in sorted(seeds):
        bind.execute(run_t.update().where(run_t.c.base_version_id == draft_id).values(base_version_id=None))
        bind.execute(run_t.update().where(run_t.c.result_version_id == draft_id).values(result_version_id=None))
        bind.execute(version_t.update().where(version_t.c.based_on_id == draft_id).values(based_on_id=None))
        bind.execute(screening_t.delete().where(screening_t.c.timetable_id == draft_id))
        bind.execute(version_t.delete().where(version_t.c.id == draft_id))


def _number_versions(bind) -> None:
    edits = dict(
        bind.execute(
            sa.select(audit_t.c.object_id, sa.func.count())
            .where(audit_t.c.object_type == 'timetable_version', audit_t.c.action.in_(EDIT_ACTIONS))
            .group_by(audit_t.c.object_id)
        ).all()
    )
    numbers: dict = {}
    for version_id, edition_id in bind.execute(
        sa.select(version_t.c.id, version_t.c.edition_id).order_by(version_t.c.id)
    ).all():
        numbers[edition_id] = numbers.get(edition_id, 0) + 1
        bind.execute(
            version_t.update()
            .where(version_t.c.id == version_id)
            .values(draft_number=numbers[edition_id], hand_edits=edits.get(version_id, 0))
        )


def _stable_move_cost(bind) -> None:
    for edition_id, weights in bind.execute(sa.select(edition_t.c.id, edition_t.c.schedule_weights)).all():
        values = dict(weights or {})
        if values.get('change_penalty') == 0:
            values['change_penalty'] = MOVE_COST
            bind.execute(
                edition_t.update().where(edition_t.c.id == edition_id).values(schedule_weights=values)
            )


def upgrade():
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('move_cost', sa.Integer(), nullable=True))

    with op.batch_alter_table('timetable_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hand_edits', sa.Integer(), nullable=False, server_default='0'))

    bind = op.get_bind()
    _remove_seed_drafts(bind)
    _number_versions(bind)
    _stable_move_cost(bind)

    with op.batch_alter_table('timetable_version', schema=None) as batch_op:
        batch_op.alter_column('draft_number', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('hand_edits', existing_type=sa.Integer(), server_default=None)
        batch_op.create_unique_constraint('uq_timetable_version_edition_draft_number', ['edition_id', 'draft_number'])


def downgrade():
    with op.batch_alter_table('timetable_version', schema=None) as batch_op:
        batch_op.drop_constraint('uq_timetable_version_edition_draft_number', type_='unique')
        batch_op.drop_column('hand_edits')
        batch_op.drop_column('draft_number')

    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.drop_column('move_cost')
