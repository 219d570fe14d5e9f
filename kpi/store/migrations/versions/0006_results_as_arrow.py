"""Results kept with each version are stored as Arrow IPC bytes instead of JSON text (issue 16): a first visit
of a page decodes them column by column instead of parsing text, and a year's register of 30.000 cooperatives
fits in a few megabytes.

The results are derived data (kpi/stats/results.py computes them again from the version's rows whenever they
are missing), so the table is made again empty rather than converted: the next read or import refills it.

Created 2026-11-29.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kpi.store.migrations.columns import version_fk

revision = "0006"
down_revision = "0005"


def _create(payload: sa.types.TypeEngine) -> None:
    op.create_table(
        "version_results",
        version_fk(),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("method", sa.Integer, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", payload, nullable=False),
        sa.PrimaryKeyConstraint("version_id", "name", name="pk_version_results"),
    )


def upgrade() -> None:
    """Make version_results again, empty, with a binary payload."""
    op.drop_table("version_results")
    _create(sa.LargeBinary)


def downgrade() -> None:
    """Make version_results again, empty, with the text payload of 0005."""
    op.drop_table("version_results")
    _create(sa.Text)
