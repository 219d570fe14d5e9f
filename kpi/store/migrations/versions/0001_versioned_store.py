"""The versioned store: versions of yearly uploads, the current version of each year, the history, and the
row tables of the 'stats' kind (sheets Thông tin, HTX and THT of the statistics workbook).

Created 2026-11-27.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kpi.store.migrations.columns import create_info_table, create_row_table

revision = "0001"
down_revision = None

_KIND = sa.String(20)


def upgrade() -> None:
    """Create the generic tables and the 'stats' row tables."""
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("row_counts", sa.JSON, nullable=False),
        sa.Column("is_sample", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("kind", "year", "version", name="uq_versions_kind_year_version"),
        sqlite_autoincrement=True,  # ids are never reused, even after deletions
    )
    op.create_index("ix_versions_kind_year_sha256", "versions", ["kind", "year", "sha256"])
    op.create_table(
        "current_versions",
        sa.Column("kind", _KIND, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("kind", _KIND, nullable=True),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("detail", sa.JSON, nullable=True),
        sqlite_autoincrement=True,  # ids are never reused, even after deletions
    )
    op.create_index("ix_events_kind_year", "events", ["kind", "year"])
    op.create_index("ix_events_version_id", "events", ["version_id"])

    create_info_table(
        "stats_info",
        sa.Column("reporting_unit", sa.Text),
        sa.Column("fund_capital", sa.Double),
    )
    create_row_table(
        "stats_coops",
        sa.Column("code", sa.Text),
        sa.Column("name", sa.Text),
        sa.Column("district", sa.Text),
        sa.Column("commune", sa.Text),
        sa.Column("sector", sa.Text),
        sa.Column("founded_year", sa.Double),
        sa.Column("status", sa.Text),
        sa.Column("members", sa.Double),
        sa.Column("workers", sa.Double),
        sa.Column("revenue", sa.Double),
        sa.Column("profit", sa.Double),
        sa.Column("avg_income", sa.Double),
        sa.Column("rating", sa.Text),
        sa.Column("managers", sa.Double),
        sa.Column("managers_vocational", sa.Double),
        sa.Column("managers_higher", sa.Double),
        sa.Column("ocop_products", sa.Double),
        sa.Column("value_chain", sa.Boolean),
        sa.Column("model", sa.Boolean),
    )
    create_row_table(
        "stats_groups",
        sa.Column("district", sa.Text),
        sa.Column("groups", sa.Double),
        sa.Column("certified", sa.Double),
    )


def downgrade() -> None:
    """Drop every table of the store."""
    for table in ("stats_groups", "stats_coops", "stats_info", "events", "current_versions", "versions"):
        op.drop_table(table)
