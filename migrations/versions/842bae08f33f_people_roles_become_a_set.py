"""people: a user's roles become a set (user_role rows) instead of one column

Every user keeps the role they had: one user_role row each. The new role names (venue manager,
visitor) are allowed from here on. Downgrading keeps each user's highest role (admin > staff >
curator, venue manager > filmmaker, visitor; none: filmmaker); a venue manager or visitor becomes a
filmmaker, the only role below curator the old column knew.

Revision ID: 842bae08f33f
Revises: 62806bd9d7cb
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '842bae08f33f'
down_revision = '62806bd9d7cb'
branch_labels = None
depends_on = None

ROLES = ('filmmaker', 'curator', 'staff', 'admin', 'venue_manager', 'visitor')
OLD_ROLES = ('filmmaker', 'curator', 'staff', 'admin')


def upgrade():
    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum(*ROLES, name='role_name', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_role_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role'))
    )
    op.execute('INSERT INTO user_role (user_id, role) SELECT id, role FROM "user"')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_user_role'), type_='check')
        batch_op.drop_column('role')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.Enum(*OLD_ROLES, name='user_role', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='filmmaker'))
    # the highest role each user holds, in the old column's words
    for role in ('curator', 'staff', 'admin'):
        op.execute(
            f"UPDATE \"user\" SET role = '{role}' WHERE id IN "
            f"(SELECT user_id FROM user_role WHERE role = '{role}')"
        )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('role', server_default=None)
    op.drop_table('user_role')
