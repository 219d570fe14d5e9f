"""Who may do what: the roles, the acting identity, and the one check every write path calls.

Roles, from least to most: `viewer` reads every page; `analyst` also imports and rolls back statistics and
task reports and removes or restores the sample data; `admin` also manages accounts. An anonymous visitor
reads (unless the deployment requires a login) and writes nothing. The command line acts as the
operating-system user who runs it, with the admin role: whoever can run it can already write the database.

Pure: no streamlit, no database. The store and the pages ask `refusal(identity, permission)`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kpi.common import problems as pb
from kpi.common.i18n import texts


class Role(StrEnum):
    """A role of an account or of a single sign-on identity."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"


class Permission(StrEnum):
    """Something a role may do."""

    READ = "read"
    IMPORT = "import"  # statistics and task reports
    ROLLBACK = "rollback"  # statistics and task reports
    SAMPLE = "sample"  # remove or restore the sample data
    MANAGE_ACCOUNTS = "manage_accounts"  # accounts, SSO mappings, the audit


RULES: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.READ}),
    Role.ANALYST: frozenset({Permission.READ, Permission.IMPORT, Permission.ROLLBACK, Permission.SAMPLE}),
    Role.ADMIN: frozenset(Permission),
}
ANONYMOUS_MAY = frozenset({Permission.READ})  # when the deployment does not require a login


class Channel(StrEnum):
    """Where an identity acts from."""

    WEB = "web"  # a local account logged in on the dashboard
    SSO = "sso"  # a single sign-on identity on the dashboard
    CLI = "cli"  # the command line, as the operating-system user
    SYSTEM = "system"  # the dashboard itself (loading the sample data into an empty store)


@dataclass(frozen=True)
class Identity:
    """Who acts: an account (or SSO identity, or OS user), its role, and for the web its session and address.

    `role` None is an anonymous visitor (or an SSO identity mapped to no role)."""

    role: Role | None = None
    account: str | None = None
    display_name: str | None = None
    channel: Channel = Channel.WEB
    os_user: str | None = None
    session_id: str | None = None
    client_address: str | None = None

    @property
    def anonymous(self) -> bool:
        """Return True for a visitor without a role."""
        return self.role is None

    @property
    def name(self) -> str:
        """Return the name recorded as the actor of an event: display name, account or OS user."""
        return self.display_name or self.account or self.os_user or ""

    def at(self, session_id: str | None, client_address: str | None) -> Identity:
        """Return this identity seen from a web session and a client address."""
        return replace(self, session_id=session_id, client_address=client_address)


ANONYMOUS = Identity()


def command_line(os_user: str) -> Identity:
    """Return the identity of the command line run by `os_user`."""
    return Identity(role=Role.ADMIN, channel=Channel.CLI, os_user=os_user)


def system(name: str) -> Identity:
    """Return the identity of the dashboard acting for itself (seeding the sample data) under `name`."""
    return Identity(role=Role.ANALYST, display_name=name, channel=Channel.SYSTEM)


def may(role: Role | None, permission: Permission, *, require_login: bool = False) -> bool:
    """Return True when `role` (None: anonymous) may do `permission`."""
    if role is None:
        return not require_login and permission in ANONYMOUS_MAY
    return permission in RULES[Role(role)]


def refusal(identity: Identity | None, permission: Permission) -> pb.Problem | None:
    """Return the problem refusing `permission` to `identity` (None: nobody given), or None when allowed.

    The one check of every write path (statistics and task reports, web and service functions)."""
    if identity is None or identity.anonymous:
        return pb.error("login_required", action=texts(f"access.action.{permission}"))
    if may(identity.role, permission):
        return None
    return pb.error(
        "forbidden", action=texts(f"access.action.{permission}"), role=texts(f"auth.role.{identity.role}")
    )


def highest(roles: list[Role]) -> Role | None:
    """Return the role with the most rights among `roles`, or None when there is none."""
    order = list(Role)
    return max(roles, key=order.index) if roles else None


def expired(last_seen: datetime, now: datetime, idle_minutes: float) -> bool:
    """Return True when a session last used at `last_seen` has been idle longer than `idle_minutes`."""
    return now - last_seen > timedelta(minutes=idle_minutes)
