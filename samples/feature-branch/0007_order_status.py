"""order status: a column and an index to filter by it

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("status", sa.String(20), server_default="new", nullable=False))
    op.create_index("ix_orders_status", "orders", ["status"])


def downgrade():
    op.drop_index("ix_orders_status", table_name="orders")
    op.drop_column("orders", "status")
