"""Accounts, the SSO identity-to-role table, and who did what in the events (issue 12).

`accounts`: local accounts (name, display name, role viewer|analyst|admin, argon2 hash, disabled flag).
`role_mappings`: single sign-on identities (an email or a group of the identity provider) mapped to a role.
`events` gains the account that acted (web), the operating-system user (command line), the web session id and
the client address; `actor` stays (the name recorded, e.g. `import --by`).

Created 2026-11-28.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

AUDIT_COLUMNS = ("account", "os_user", "session_id", "client_address")


def upgrade() -> None:
    """Create accounts and role_mappings; add the audit columns to events."""
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "role_mappings",
        sa.Column("kind", sa.String(10), primary_key=True),  # 'email' or 'group'
        sa.Column("value", sa.String(320), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("account", sa.String(64), nullable=True))
        batch.add_column(sa.Column("os_user", sa.Text, nullable=True))
        batch.add_column(sa.Column("session_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("client_address", sa.String(64), nullable=True))
    op.create_index("ix_events_account", "events", ["account"])
    op.create_index("ix_events_action_at", "events", ["action", "at"])


def downgrade() -> None:
    """Drop the audit columns, role_mappings and accounts."""
    op.drop_index("ix_events_action_at", "events")
    op.drop_index("ix_events_account", "events")
    with op.batch_alter_table("events") as batch:
        for name in reversed(AUDIT_COLUMNS):
            batch.drop_column(name)
    op.drop_table("role_mappings")
    op.drop_table("accounts")
