"""monthly report preference: its own switch, apart from reminders

Revision ID: 5b7e2c91a4d0
Revises: d032feffbb2f
Create Date: 2026-11-26 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2c91a4d0'
down_revision = 'd032feffbb2f'
branch_labels = None
depends_on = None


def upgrade():
    # Until now one switch covered both kinds of mail: whoever had turned it off had
    # turned off the monthly report too, so existing accounts keep what they chose.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('monthly_report_enabled', sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.execute(sa.text('UPDATE users SET monthly_report_enabled = reminders_enabled'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('monthly_report_enabled')
