"""Progress reports carry a structured "Khó khăn, vướng mắc, đề xuất" (difficulties, obstacles, proposals) per
row (kpi/tasks_schema.py REPORT, column `difficulties`), gathered into the quarterly and yearly report
(kpi/brief.py). A nullable text column: the rows stored before have none. And the optional sheet of the
V.1 register (PLANS): each department's and district's own implementation plan, issued or not, number, date.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add tasks_reports.difficulties and the table tasks_plans."""
    with op.batch_alter_table("tasks_reports") as batch:
        batch.add_column(sa.Column("difficulties", sa.Text))
    op.create_table(
        "tasks_plans",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("_row", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("issued", sa.Boolean, nullable=False),
        sa.Column("plan_number", sa.Text),
        sa.Column("plan_date", sa.Text),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("version_id", "_row", name="pk_tasks_plans"),
    )


def downgrade() -> None:
    """Drop tasks_plans and tasks_reports.difficulties."""
    op.drop_table("tasks_plans")
    with op.batch_alter_table("tasks_reports") as batch:
        batch.drop_column("difficulties")
