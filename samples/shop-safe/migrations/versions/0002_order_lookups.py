"""index orders by user, link them to users: concurrently, and NOT VALID first

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # CONCURRENTLY cannot run in a transaction: autocommit_block commits, runs it, and begins again.
    # IF NOT EXISTS lets a re-run pass after a failure later in the revision (alembic >= 1.12: if_not_exists=True).
    with op.get_context().autocommit_block():
        op.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_user_id ON orders (user_id)")
    # enforced for new rows at once; existing rows are checked by 0003's VALIDATE, in its own transaction
    op.create_foreign_key("orders_user_id_fkey", "orders", "users", ["user_id"], ["id"], postgresql_not_valid=True)


def downgrade():
    op.drop_constraint("orders_user_id_fkey", "orders", type_="foreignkey")
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_orders_user_id")
