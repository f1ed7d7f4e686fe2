"""Login and sessions (issue 14): ``ab_user.session_epoch``, raised by every logout and
password change so that a session cookie or JWT issued before it is refused.

Revision ID: h14login_session_epoch
Revises: 485019939b31
Create Date: 2026-12-02 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h14login_session_epoch'
down_revision = '485019939b31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
