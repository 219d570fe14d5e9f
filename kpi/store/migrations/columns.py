"""Columns the migrations share: the `version_id` that ties a row table to its version.

Kept beside `versions/` (not inside it: Alembic reads every file there as a revision). Only SQLAlchemy,
never the runtime schema, so that an old migration means the same thing forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def version_fk(*, primary_key: bool = False) -> sa.Column:
    """Return a NOT NULL `version_id` column referencing `versions.id`, its rows deleted with the version."""
    return sa.Column(
        "version_id",
        sa.Integer,
        sa.ForeignKey("versions.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def create_info_table(name: str, *columns: sa.Column) -> None:
    """Create a sheet's one-row table (Thông tin): keyed on `version_id` alone, one row per version."""
    op.create_table(name, version_fk(primary_key=True), *columns)


def create_row_table(name: str, *columns: sa.Column) -> None:
    """Create a sheet's row table: `version_id`, the Excel row `_row`, the columns, keyed on both (`pk_<name>`)."""
    op.create_table(
        name,
        version_fk(),
        sa.Column("_row", sa.Integer, nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("version_id", "_row", name=f"pk_{name}"),
    )


def create_results_table(payload: sa.types.TypeEngine) -> None:
    """Create `version_results` (issue 16): per version, named tables with the stamp they were computed with;
    `payload` is the type their bytes or text are kept as (Text in 0005, LargeBinary from 0006)."""
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
