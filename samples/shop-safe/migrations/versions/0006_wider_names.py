"""longer names: widening a varchar does not rewrite the table

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("users", "name", type_=sa.String(200), existing_type=sa.String(100))


def downgrade():
    pass  # shrinking would rewrite the table; keep the wider column
