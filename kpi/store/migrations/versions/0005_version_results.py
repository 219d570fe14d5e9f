"""Results kept with each version (issue 16): the tables the pages and `kpi report` read, computed once at
import from the version's rows (kpi/stats/results.py) and stored as JSON text with the fingerprint of the plan
and reference files and the method version of the code (kpi/store/results.py). They go with their version.

Created 2026-11-29.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kpi.store.migrations.columns import create_results_table

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    """Create version_results."""
    create_results_table(sa.Text)


def downgrade() -> None:
    """Drop version_results."""
    op.drop_table("version_results")
