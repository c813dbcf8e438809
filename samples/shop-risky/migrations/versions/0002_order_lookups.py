"""index orders by user, link them to users

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_orders_user_id", "orders", ["user_id"])
    op.create_foreign_key("orders_user_id_fkey", "orders", "users", ["user_id"], ["id"])


def downgrade():
    op.drop_constraint("orders_user_id_fkey", "orders", type_="foreignkey")
    op.drop_index("ix_orders_user_id", table_name="orders")
