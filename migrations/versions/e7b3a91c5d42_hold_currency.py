"""hold currency: each hold keeps the currency its prices were quoted in, copied from its venue

Revision ID: e7b3a91c5d42
Revises: c4a8e2f17d35
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3a91c5d42'
down_revision = 'c4a8e2f17d35'
branch_labels = None
depends_on = None

# Holds live for minutes: those there are were quoted in their venue's currency of now.
DEFAULT_CURRENCY = 'INR'

# The same statement on SQLite and PostgreSQL.
FILL = sa.text(
    'UPDATE holds SET currency = COALESCE('
    '(SELECT venues.currency FROM shows JOIN venues ON venues.id = shows.venue_id'
    ' WHERE shows.id = holds.show_id), :default)'
)


def upgrade():
    # On SQLite the batch copies the holds table (with foreign keys off, so the seat claims
    # that reference it stay as they are).
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('currency', sa.String(length=3), nullable=True))
    op.execute(FILL.bindparams(default=DEFAULT_CURRENCY))
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.alter_column('currency', existing_type=sa.String(length=3), nullable=False)


def downgrade():
    with op.batch_alter_table('holds', schema=None) as batch_op:
        batch_op.drop_column('currency')
