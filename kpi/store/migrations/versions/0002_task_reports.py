"""Row tables of the 'tasks' kind: progress reports of the plan's appendix tasks (kpi/tasks_workbook.py).

A version of kind 'tasks' is one progress workbook of one year, stored through the generic `versions`,
`current_versions` and `events` tables. `tasks_info` keeps the optional sheet Thông tin (the year is the
version's), `tasks_reports` one row per task, period and quantity, with status and quantity as ids.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _version_fk(primary_key: bool = False) -> sa.Column:
    return sa.Column(
        "version_id",
        sa.Integer,
        sa.ForeignKey("versions.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    """Create tasks_info and tasks_reports."""
    op.create_table(
        "tasks_info",
        _version_fk(primary_key=True),
        sa.Column("reporting_unit", sa.Text),
    )
    op.create_table(
        "tasks_reports",
        _version_fk(),
        sa.Column("_row", sa.Integer, nullable=False),
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
        sa.PrimaryKeyConstraint("version_id", "_row", name="pk_tasks_reports"),
    )


def downgrade() -> None:
    """Drop the 'tasks' row tables (their versions stay in `versions` until removed)."""
    op.drop_table("tasks_reports")
    op.drop_table("tasks_info")
