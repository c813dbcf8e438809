"""mark paid orders: reads rows, so it cannot run offline

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    paid = conn.execute(sa.text("SELECT id FROM orders WHERE amount > 0")).fetchall()
    for (order_id,) in paid:
        op.execute(f"UPDATE orders SET status = 'paid' WHERE id = {order_id}")


def downgrade():
    op.execute("UPDATE orders SET status = 'new'")
