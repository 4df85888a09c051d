"""show seating version: counts the changes of a show's seating, so that a booking that read
the old seating cannot commit seats of it

Revision ID: 3f9d2c7e5b18
Revises: a660bd14e946
Create Date: 2026-11-26 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f9d2c7e5b18'
down_revision = 'a660bd14e946'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('seating_version', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.drop_column('seating_version')
