"""amounts need more room; names are required

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("orders", "amount", type_=sa.BigInteger(), existing_type=sa.Integer())
    op.alter_column("users", "name", nullable=False, existing_type=sa.String(100))
    op.alter_column("users", "name", new_column_name="full_name")


def downgrade():
    op.alter_column("users", "full_name", new_column_name="name")
    op.alter_column("users", "name", nullable=True, existing_type=sa.String(100))
    op.alter_column("orders", "amount", type_=sa.Integer(), existing_type=sa.BigInteger())
