"""names are required, step 1: a CHECK added NOT VALID (instant; enforced for new rows)

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_check_constraint("users_name_not_null", "users", "name IS NOT NULL", postgresql_not_valid=True)


def downgrade():
    op.drop_constraint("users_name_not_null", "users", type_="check")
