"""Offline env.py: one transaction per revision, and a lock_timeout for the whole session."""
from alembic import context

config = context.config


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        # each revision commits on its own: one revision's locks are not held through the next
        transaction_per_migration=True,
    )
    # fail fast instead of queueing every query behind a lock we wait for
    context.execute("SET lock_timeout = '5s'")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    raise SystemExit("this sample runs offline only: alembic upgrade head --sql")
