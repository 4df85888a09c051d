"""booking show end: each booking keeps when its show ends, as it keeps the start

Revision ID: a660bd14e946
Revises: 8e41c0d7b2a9
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from boxoffice.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'a660bd14e946'
down_revision = '8e41c0d7b2a9'
branch_labels = None
depends_on = None

# What the door assumed until now for a booking whose show was deleted: it let the ticket in
# until this long after the start.
DELETED_SHOW_MINUTES = 150

DURATION = (
    '(SELECT shows.duration_minutes FROM shows WHERE shows.id = bookings.show_id)'
)

FILL = {
    'postgresql': (
        'UPDATE bookings SET show_ends_at = show_starts_at'
        f' + make_interval(mins => COALESCE({DURATION}, {DELETED_SHOW_MINUTES}))'
    ),
    # Datetimes are stored as text 'YYYY-MM-DD HH:MM:SS.ffffff'; strftime drops the fraction
    # of a second, which adding whole minutes leaves as it was, so it is put back.
    'sqlite': (
        "UPDATE bookings SET show_ends_at = strftime('%Y-%m-%d %H:%M:%S', show_starts_at,"
        f" '+' || COALESCE({DURATION}, {DELETED_SHOW_MINUTES}) || ' minutes')"
        ' || substr(show_starts_at, 20)'
    ),
}


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_ends_at', UTCDateTime(), nullable=True))
    # The end as the door computed it until now: the booked start plus the show's length.
    op.execute(sa.text(FILL[op.get_bind().dialect.name]))
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.alter_column('show_ends_at', existing_type=UTCDateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('show_ends_at')
