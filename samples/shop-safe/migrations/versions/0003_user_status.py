"""users get a status, a public id and unique emails, without long locks

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
    op.execute("ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey")
    # a constant default is stored in the catalog: no rewrite since PostgreSQL 11
    op.add_column("users", sa.Column("status", sa.String(20), nullable=False, server_default="active"))
    # nullable without a default: instant; the default applies to new rows only
    op.add_column("users", sa.Column("public_id", postgresql.UUID(), nullable=True))
    op.alter_column("users", "public_id", server_default=sa.text("gen_random_uuid()"))
    with op.get_context().autocommit_block():
        op.execute("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email)")
    op.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key")


def downgrade():
    op.drop_constraint("users_email_key", "users", type_="unique")
    op.drop_column("users", "public_id")
    op.drop_column("users", "status")
