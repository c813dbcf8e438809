"""users get a status, a public id and unique emails

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("status", sa.String(20), nullable=False))
    op.add_column("users", sa.Column("public_id", postgresql.UUID(), server_default=sa.text("gen_random_uuid()")))
    op.create_unique_constraint("users_email_key", "users", ["email"])


def downgrade():
    op.drop_constraint("users_email_key", "users", type_="unique")
    op.drop_column("users", "public_id")
    op.drop_column("users", "status")
