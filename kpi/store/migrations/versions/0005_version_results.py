"""Results kept with each version (issue 16): the tables the pages and `kpi report` read, computed once at
import from the version's rows (kpi/stats/results.py) and stored as JSON text with the fingerprint of the plan
and reference files and the method version of the code (kpi/store/results.py). They go with their version.

Created 2026-11-29.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kpi.store.migrations.columns import version_fk

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    """Create version_results."""
    op.create_table(
        "version_results",
        version_fk(),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("method", sa.Integer, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("version_id", "name", name="pk_version_results"),
    )


def downgrade() -> None:
    """Drop version_results."""
    op.drop_table("version_results")
