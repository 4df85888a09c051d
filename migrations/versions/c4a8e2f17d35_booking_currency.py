"""booking currency: each booking keeps the currency it was charged in, copied from its venue

Revision ID: c4a8e2f17d35
Revises: 3f9d2c7e5b18
Create Date: 2026-11-26 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8e2f17d35'
down_revision = '3f9d2c7e5b18'
branch_labels = None
depends_on = None

# Until now every amount was written as rupees, whatever the venue said: a booking whose show
# (and so whose venue) is gone keeps that.
DEFAULT_CURRENCY = 'INR'

# The same statement on SQLite and PostgreSQL.
FILL = sa.text(
    'UPDATE bookings SET currency = COALESCE('
    '(SELECT venues.currency FROM shows JOIN venues ON venues.id = shows.venue_id'
    ' WHERE shows.id = bookings.show_id), :default)'
)


def upgrade():
    # On SQLite the batch copies the bookings table (with foreign keys off, so the seat
    # claims that reference it stay as they are).
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=True))
    op.execute(FILL.bindparams(default=DEFAULT_CURRENCY))
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.alter_column('currency', existing_type=sa.String(length=3), nullable=False)


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('currency')
