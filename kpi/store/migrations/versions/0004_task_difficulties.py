"""Progress reports carry a structured "Khó khăn, vướng mắc, đề xuất" (difficulties, obstacles, proposals) per
row (kpi/tasks_schema.py REPORT, column `difficulties`), gathered into the quarterly and yearly report
(kpi/brief.py). A nullable text column: the rows stored before have none. And the optional sheet of the
V.1 register (PLANS): each department's and district's own implementation plan, issued or not, number, date.

Created 2026-11-28.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kpi.store.migrations.columns import create_row_table

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    """Add tasks_reports.difficulties and the table tasks_plans."""
    with op.batch_alter_table("tasks_reports") as batch:
        batch.add_column(sa.Column("difficulties", sa.Text))
    create_row_table(
        "tasks_plans",
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("issued", sa.Boolean, nullable=False),
        sa.Column("plan_number", sa.Text),
        sa.Column("plan_date", sa.Text),
        sa.Column("note", sa.Text),
    )


def downgrade() -> None:
    """Drop tasks_plans and tasks_reports.difficulties."""
    op.drop_table("tasks_plans")
    with op.batch_alter_table("tasks_reports") as batch:
        batch.drop_column("difficulties")
