"""Alembic environment of the store: migrations run on the connection that `kpi.store.versions` hands over.

`kpi.store.versions.open_store` begins a transaction (holding the store's write lock), puts the connection in
`config.attributes["connection"]` and calls `alembic.command.upgrade`; every migration then runs inside
that one transaction. Offline (SQL script) mode is not used.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run the store's migrations through kpi.store.versions.open_store(), which provides the connection."
    )

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
