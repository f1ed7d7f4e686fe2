"""Lists that do not grow with the data (issue 16): an index on the measurement and target
lists' default order (newest period first, in time — ``app.periods.sql_sort_key`` — then indicator, then id),
so a page of 290,000 values is read from the index, not sorted whole.

The expression is written out as the application sends it (its constants inline): PostgreSQL
and SQLite use an expression index only for the identical expression
(``tests/test_list_costs.py`` checks the plan on PostgreSQL).

Revision ID: i16lists_order_index
Revises: i15lists_saved_filter
Create Date: 2026-12-02 20:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i16lists_order_index'
down_revision = 'i15lists_saved_filter'
branch_labels = None
depends_on = None

PERIOD_KEY = (
    "CASE WHEN (length(period) = 4) THEN substr(period, 1, 4) || '12' || '2' "
    "WHEN (substr(period, 6, 1) = 'Q') THEN substr(period, 1, 4) || "
    "CASE WHEN (substr(period, 7, 1) = '1') THEN '03' WHEN (substr(period, 7, 1) = '2') THEN '06' "
    "WHEN (substr(period, 7, 1) = '3') THEN '09' WHEN (substr(period, 7, 1) = '4') THEN '12' "
    "ELSE '12' END || '1' "
    "ELSE substr(period, 1, 4) || substr(period, 6, 2) || '0' END"
)


TABLES = ('measurement', 'target')


def upgrade():
    for table in TABLES:
        op.create_index(
            f'ix_{table}_list_order',
            table,
            [sa.text(f"({PERIOD_KEY}) DESC"), 'indicator_id', 'id'],
            unique=False,
        )


def downgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_list_order', table_name=table)
