"""Alembic environment: the connection comes from engine.migrate (config attribute `connection`)."""

from alembic import context

from engine.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through engine.migrate.upgrade()")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
