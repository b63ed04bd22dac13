"""venues: city, partner flag and contact; the venue manager's scope

Existing venues get an empty city (one city: the solver's version-1 format) and are not partners.

Revision ID: cd39e2d97810
Revises: a7e5c1d20b16
Create Date: 2026-12-06 06:40:58.108988

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cd39e2d97810'
down_revision = 'a7e5c1d20b16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('venue_manager_venue',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_venue_manager_venue_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_venue_manager_venue_venue_id_venue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'venue_id', name=op.f('pk_venue_manager_venue'))
    )
    with op.batch_alter_table('venue_manager_venue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_manager_venue_venue_id'), ['venue_id'], unique=False)

    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('is_partner', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.alter_column('city', server_default=None)
        batch_op.alter_column('is_partner', server_default=None)



def downgrade():
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_name')
        batch_op.drop_column('is_partner')
        batch_op.drop_column('city')

    with op.batch_alter_table('venue_manager_venue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_manager_venue_venue_id'))

    op.drop_table('venue_manager_venue')
