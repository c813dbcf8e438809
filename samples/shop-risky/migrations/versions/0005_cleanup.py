"""drop the old created_at column, clean up its index

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_users_email", table_name="users")
    op.drop_column("orders", "created_at")


def downgrade():
    op.add_column("orders", sa.Column("created_at", sa.DateTime(), server_default=sa.func.now()))
    op.create_index("ix_users_email", "users", ["email"])
