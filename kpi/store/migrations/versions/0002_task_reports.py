"""Row tables of the 'tasks' kind: progress reports of the plan's appendix tasks (kpi/tasks_workbook.py).

A version of kind 'tasks' is one progress workbook of one year, stored through the generic `versions`,
`current_versions` and `events` tables. `tasks_info` keeps the optional sheet Thông tin (the year is the
version's), `tasks_reports` one row per task, period and quantity, with status and quantity as ids.

Created 2026-11-27.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kpi.store.migrations.columns import create_info_table, create_row_table

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    """Create tasks_info and tasks_reports."""
    create_info_table("tasks_info", sa.Column("reporting_unit", sa.Text))
    create_row_table(
        "tasks_reports",
        sa.Column("group", sa.Text, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("quarter", sa.Integer),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("metric", sa.Text),
        sa.Column("quantity", sa.Double),
        sa.Column("result", sa.Text),
        sa.Column("evidence", sa.Text),
        sa.Column("note", sa.Text),
    )


def downgrade() -> None:
    """Drop the 'tasks' row tables (their versions stay in `versions` until removed)."""
    op.drop_table("tasks_reports")
    op.drop_table("tasks_info")
