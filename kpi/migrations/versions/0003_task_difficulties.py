"""Progress reports carry a structured "Khó khăn, vướng mắc, đề xuất" (difficulties, obstacles, proposals) per
row (kpi/tasks_schema.py REPORT, column `difficulties`), gathered into the quarterly and yearly report
(kpi/brief.py). A nullable text column: the rows stored before have none.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add tasks_reports.difficulties."""
    with op.batch_alter_table("tasks_reports") as batch:
        batch.add_column(sa.Column("difficulties", sa.Text))


def downgrade() -> None:
    """Drop tasks_reports.difficulties."""
    with op.batch_alter_table("tasks_reports") as batch:
        batch.drop_column("difficulties")
