"""ticket admission: when door staff let a booking's holder in

Revision ID: 8e41c0d7b2a9
Revises: 5b7e2c91a4d0
Create Date: 2026-11-26 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from boxoffice.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '8e41c0d7b2a9'
down_revision = '5b7e2c91a4d0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('admitted_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('admitted_at')
