"""Alembic environment: runs on the connection handed over by `parity.store.migrate`."""

from alembic import context

from parity.store.base import Base
from parity.store.migrate import import_all_models

import_all_models()
target_metadata = Base.metadata

connection = context.config.attributes.get("connection")
if connection is None:
    from parity.store.db import make_engine

    engine = make_engine()
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
