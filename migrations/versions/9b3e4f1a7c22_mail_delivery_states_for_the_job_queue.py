"""mail: delivery states of the outbox (kept, queued, sending, sent, failed), tries and the next try

Mail is now sent by the job queue with retries. Existing rows get the state their columns tell: sent
(sent_at), failed after one try (error), else kept in the outbox.

Revision ID: 9b3e4f1a7c22
Revises: 5d1c7e9a2b40
Create Date: 2026-12-06 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b3e4f1a7c22'
down_revision = '5d1c7e9a2b40'
branch_labels = None
depends_on = None

STATUSES = ('kept', 'queued', 'sending', 'sent', 'failed')


def upgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum(*STATUSES, name='mail_status', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='kept'))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('worker', sa.String(length=200), nullable=True))
    op.execute("UPDATE outbox_mail SET status = 'sent', attempts = 1 WHERE sent_at IS NOT NULL")
    op.execute("UPDATE outbox_mail SET status = 'failed', attempts = 1 WHERE sent_at IS NULL AND error IS NOT NULL")
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.alter_column('attempts', server_default=None)
        batch_op.create_index(batch_op.f('ix_outbox_mail_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_mail_status'))
        batch_op.drop_constraint(op.f('ck_outbox_mail_mail_status'), type_='check')
        batch_op.drop_column('worker')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')
