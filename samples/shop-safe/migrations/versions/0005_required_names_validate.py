"""names are required, step 2: validate (no write block), then SET NOT NULL skips its scan

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
    op.execute("ALTER TABLE users VALIDATE CONSTRAINT users_name_not_null")
    op.alter_column("users", "name", nullable=False, existing_type=sa.String(100))
    op.drop_constraint("users_name_not_null", "users", type_="check")


def downgrade():
    op.alter_column("users", "name", nullable=True, existing_type=sa.String(100))
