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

from kpi.store.migrations.columns import create_results_table

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    """Make version_results again, empty, with a binary payload."""
    op.drop_table("version_results")
    create_results_table(sa.LargeBinary)


def downgrade() -> None:
    """Make version_results again, empty, with the text payload of 0005."""
    op.drop_table("version_results")
    create_results_table(sa.Text)
