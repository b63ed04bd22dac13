"""schedule: at most one active (queued or running) solver run per edition, held by a partial unique index

Two starts at the same moment used to both pass the "is a run active?" check and insert a run each.
Should an edition hold several active runs already, all but its newest are marked failed first.

Revision ID: 5d1c7e9a2b40
Revises: c2c7e93ca0c2
Create Date: 2026-12-06 03:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1c7e9a2b40'
down_revision = 'c2c7e93ca0c2'
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade():
    op.execute(
        "UPDATE solve_run SET status = 'failed', finished_at = CURRENT_TIMESTAMP, "
        "error = 'Ended when runs became one at a time per edition: a newer run of this edition was active.' "
        f"WHERE {ACTIVE} AND id < (SELECT MAX(newer.id) FROM solve_run AS newer "
        f"WHERE newer.edition_id = solve_run.edition_id AND newer.{ACTIVE})"
    )
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.create_index(
            'uq_solve_run_active_edition', ['edition_id'], unique=True,
            sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE),
        )


def downgrade():
    with op.batch_alter_table('solve_run', schema=None) as batch_op:
        batch_op.drop_index('uq_solve_run_active_edition',
                            sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
