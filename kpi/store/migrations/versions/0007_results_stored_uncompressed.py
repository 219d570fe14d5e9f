"""Results kept with each version are stored by PostgreSQL as they are, without compressing them again
(issue 16).

PostgreSQL compresses a large value (pglz) before storing it out of line. The payloads are Arrow IPC streams
already compressed with lz4; compressing a year's register of 30.000 cooperatives (3 MB) again took about
0,07 s of every import, for 1,2 MB saved. `STORAGE EXTERNAL` keeps large payloads out of line, uncompressed.
SQLite has no such setting and stores the bytes as given: nothing to do there.

Created 2026-11-29.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE version_results ALTER COLUMN payload SET STORAGE {kind}")


def upgrade() -> None:
    """Store the payloads of version_results uncompressed (PostgreSQL)."""
    _storage("EXTERNAL")


def downgrade() -> None:
    """Let PostgreSQL compress the payloads again, as its default for bytea does."""
    _storage("EXTENDED")
