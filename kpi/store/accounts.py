"""Local accounts, single sign-on role mappings, logins with throttling, and their events (issue 12).

Accounts live in the store's database (tables created by migration 0003): a name, a display name, a role
(kpi/common/access.py), an argon2id hash of the password (argon2-cffi), a disabled flag. There is no default account
and no default password: the first admin is made with `python -m kpi users add NAME --role admin
--password-stdin`. Every change of an account and every login, failed login and logout is an event of the
store's `events` table, with who did it (account, or operating-system user for the command line), the web
session and the client address.

Failed logins are slowed down per account name and per client address: after `login_free_failures` failures
within `login_window_minutes`, each further try must wait `login_delay_seconds` doubled per failure, up to
`login_max_delay_seconds` (kpi/common/settings.py). The failures are read back from the events, so every server
process sees the same counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kpi.common.access import Channel, Identity, Permission, Role, highest, refusal
from kpi.common.i18n import t
from kpi.common.settings import Settings
from kpi.store import versions as st

NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
MAX_DISPLAY_NAME = 100
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # bounded before hashing: argon2 reads the whole password
MAX_RECORDED_NAME = 64  # a name typed at the login form is recorded at most this long
EMAIL, GROUP = "email", "group"

accounts_table = sa.Table(
    "accounts",
    st.metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    extend_existing=True,
)
role_mappings_table = sa.Table(
    "role_mappings",
    st.metadata,
    sa.Column("kind", sa.String(10), primary_key=True),
    sa.Column("value", sa.String(320), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    extend_existing=True,
)


class Event(StrEnum):
    """Events of accounts and logins (beside the store's imports, rollbacks and sample removals)."""

    ACCOUNT_ADD = "account_add"
    ACCOUNT_ROLE = "account_role"
    ACCOUNT_DISABLE = "account_disable"
    ACCOUNT_ENABLE = "account_enable"
    ACCOUNT_PASSWORD = "account_password"
    ROLE_MAP = "role_map"
    ROLE_UNMAP = "role_unmap"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"


class AccountError(Exception):
    """A request about accounts that cannot be carried out; `message(lang)` says why."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key, self.params = key, params

    def message(self, lang: str = "vi") -> str:
        """Return why, in `lang`."""
        return t(f"accounts.error.{self.key}", lang, **self.params)


@dataclass(frozen=True)
class Account:
    """One local account (without its hash)."""

    name: str
    display_name: str
    role: Role
    disabled: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login: the identity, or why not (`failed`, `throttled`) and how long to wait."""

    identity: Identity | None
    reason: str | None = None
    wait_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Return True when the login succeeded."""
        return self.identity is not None

    def message(self, lang: str = "vi") -> str:
        """Return what to tell the visitor: one message for a wrong name or a wrong password."""
        if self.reason == "throttled":
            return t("accounts.login.throttled", lang, seconds=max(1, round(self.wait_seconds)))
        return t("accounts.login.failed", lang)


# --- checking what is typed ---------------------------------------------------------------------------------


def normalise_name(text: str) -> str:
    """Return an account name as stored (NFC, trimmed, lower case); raise AccountError when it is not one."""
    name = unicodedata.normalize("NFC", str(text or "")).strip().lower()
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError("bad_name", name=_shown(name))
    return name


def clean_display_name(text: str | None, fallback: str) -> str:
    """Return a display name without control or invisible characters, spaces collapsed, at most 100 long."""
    visible = "".join(
        c for c in unicodedata.normalize("NFC", str(text or "")) if unicodedata.category(c)[0] != "C"
    )
    name = " ".join(visible.split())
    if not name:
        return fallback
    if len(name) > MAX_DISPLAY_NAME:
        raise AccountError("display_name_too_long", limit=MAX_DISPLAY_NAME)
    return name


def check_password(password: str) -> None:
    """Raise AccountError when a new password is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_too_short", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AccountError("password_too_long", limit=MAX_PASSWORD)


def _shown(text: str) -> str:
    return text[:MAX_RECORDED_NAME].encode("unicode_escape").decode("ascii")


# --- hashing ------------------------------------------------------------------------------------------------


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's defaults (RFC 9106's low-memory choice)


@cache
def _dummy_hash() -> str:
    # An unknown name is checked against this, so that it takes as long as a wrong password.
    return _hasher().hash("no account has this password")


def hash_password(password: str) -> str:
    """Return the argon2id hash of a checked new password."""
    check_password(password)
    return _hasher().hash(password)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher().verify(hashed, password[:MAX_PASSWORD])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- accounts -----------------------------------------------------------------------------------------------


def _allowed(identity: Identity | None) -> None:
    denied = refusal(identity, Permission.MANAGE_ACCOUNTS)
    if denied is not None:
        raise st.StoreError(denied)


def _now() -> datetime:
    return datetime.now(UTC)


def _account(row) -> Account:
    return Account(
        name=row.name,
        display_name=row.display_name,
        role=Role(row.role),
        disabled=bool(row.disabled),
        created_at=st.as_utc(row.created_at),
        updated_at=st.as_utc(row.updated_at),
    )


def has_accounts(store: st.Store) -> bool:
    """Return True when the store holds at least one account (disabled ones included)."""
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.literal(1)).select_from(accounts_table).limit(1)).first() is not None


def list_accounts(store: st.Store) -> list[Account]:
    """Return every account, by name."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(accounts_table).order_by(accounts_table.c.name)).all()
    return [_account(r) for r in rows]


def get_account(store: st.Store, name: str) -> Account | None:
    """Return the account `name`, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(accounts_table).where(accounts_table.c.name == name)).first()
    return _account(row) if row else None


def add_account(
    store: st.Store,
    name: str,
    role: Role,
    password: str,
    *,
    display_name: str | None = None,
    identity: Identity | None,
) -> Account:
    """Create an account; return it. Raise AccountError (bad name, taken, bad password) or StoreError
    (`identity` may not manage accounts). Recorded as an event."""
    _allowed(identity)
    name = normalise_name(name)
    shown = clean_display_name(display_name, name)
    hashed = hash_password(password)
    now = _now()
    with store.write_transaction() as conn:
        if conn.execute(sa.select(accounts_table.c.name).where(accounts_table.c.name == name)).first():
            raise AccountError("exists", name=name)
        conn.execute(
            accounts_table.insert().values(
                name=name,
                display_name=shown,
                role=Role(role).value,
                password_hash=hashed,
                disabled=False,
                created_at=now,
                updated_at=now,
            )
        )
        _event(conn, Event.ACCOUNT_ADD, identity, {"name": name, "role": Role(role).value}, at=now)
    return Account(name, shown, Role(role), False, now, now)


def _change(
    store: st.Store, name: str, values: dict, event: Event, detail: dict, identity: Identity | None
) -> None:
    _allowed(identity)
    name = normalise_name(name)
    now = _now()
    with store.write_transaction() as conn:
        changed = conn.execute(
            accounts_table.update().where(accounts_table.c.name == name).values(**values, updated_at=now)
        ).rowcount
        if not changed:
            raise AccountError("unknown", name=name)
        _event(conn, event, identity, {"name": name, **detail}, at=now)


def set_role(store: st.Store, name: str, role: Role, *, identity: Identity | None) -> None:
    """Give account `name` another role (an event)."""
    role = Role(role)
    _change(store, name, {"role": role.value}, Event.ACCOUNT_ROLE, {"role": role.value}, identity)


def set_disabled(store: st.Store, name: str, disabled: bool = True, *, identity: Identity | None) -> None:
    """Disable (or enable again) account `name`: a disabled account cannot log in (an event)."""
    event = Event.ACCOUNT_DISABLE if disabled else Event.ACCOUNT_ENABLE
    _change(store, name, {"disabled": disabled}, event, {}, identity)


def reset_password(store: st.Store, name: str, password: str, *, identity: Identity | None) -> None:
    """Give account `name` a new password (an event; the password itself is never recorded)."""
    _allowed(identity)
    _change(store, name, {"password_hash": hash_password(password)}, Event.ACCOUNT_PASSWORD, {}, identity)


# --- single sign-on ------------------------------------------------------------------------------------------


def _mapping_key(kind: str, value: str) -> tuple[str, str]:
    if kind not in (EMAIL, GROUP):
        raise AccountError("bad_mapping_kind", kind=_shown(kind))
    cleaned = unicodedata.normalize("NFC", str(value or "")).strip()
    cleaned = cleaned.lower() if kind == EMAIL else cleaned
    if not cleaned or len(cleaned) > 320 or any(unicodedata.category(c)[0] == "C" for c in cleaned):
        raise AccountError("bad_mapping_value", value=_shown(cleaned))
    return kind, cleaned


def map_identity(store: st.Store, kind: str, value: str, role: Role, *, identity: Identity | None) -> None:
    """Give the SSO identities with this email (or in this group) a role (an event)."""
    _allowed(identity)
    kind, value = _mapping_key(kind, value)
    role = Role(role)
    m = role_mappings_table
    with store.write_transaction() as conn:
        conn.execute(m.delete().where(m.c.kind == kind, m.c.value == value))
        conn.execute(m.insert().values(kind=kind, value=value, role=role.value, created_at=_now()))
        _event(conn, Event.ROLE_MAP, identity, {kind: value, "role": role.value})


def unmap_identity(store: st.Store, kind: str, value: str, *, identity: Identity | None) -> None:
    """Remove the role of an email or group (an event); raise AccountError when it had none."""
    _allowed(identity)
    kind, value = _mapping_key(kind, value)
    m = role_mappings_table
    with store.write_transaction() as conn:
        if not conn.execute(m.delete().where(m.c.kind == kind, m.c.value == value)).rowcount:
            raise AccountError("unknown_mapping", value=value)
        _event(conn, Event.ROLE_UNMAP, identity, {kind: value})


def list_mappings(store: st.Store) -> list[tuple[str, str, Role]]:
    """Return the (kind, value, role) mappings of SSO identities."""
    m = role_mappings_table
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(m.c.kind, m.c.value, m.c.role).order_by(m.c.kind, m.c.value)).all()
    return [(r.kind, r.value, Role(r.role)) for r in rows]


def sso_identity(store: st.Store, claims: Mapping[str, object]) -> Identity:
    """Return the identity of an SSO login from its claims: the role of its email (when the provider says
    it is verified) or the highest role of its groups, per the store's mappings; no role when none maps."""
    email = str(claims.get("email") or "").strip().lower()
    if claims.get("email_verified") is False:
        email = ""
    groups = claims.get("groups") or []
    groups = [str(g) for g in groups] if isinstance(groups, list | tuple) else [str(groups)]
    m = role_mappings_table
    wanted = [sa.and_(m.c.kind == GROUP, m.c.value.in_(groups))] if groups else []
    if email:
        wanted.append(sa.and_(m.c.kind == EMAIL, m.c.value == email))
    roles: list[Role] = []
    if wanted:
        with store.engine.connect() as conn:
            roles = [Role(r) for r in conn.execute(sa.select(m.c.role).where(sa.or_(*wanted))).scalars()]
    subject = email or str(claims.get("sub") or "")
    return Identity(
        role=highest(roles),
        account=subject[:MAX_RECORDED_NAME] or None,
        display_name=clean_display_name(str(claims.get("name") or ""), subject) or None,
        channel=Channel.SSO,
    )


# --- logging in ---------------------------------------------------------------------------------------------


def wait_seconds(failures: Iterable[datetime], now: datetime, settings: Settings) -> float:
    """Return how long the next login must wait after `failures` (times of failed logins counted for one
    account or one address): nothing after the first `login_free_failures`, then `login_delay_seconds` after
    the next one, doubled per further failure (at most `login_max_delay_seconds`), from the last failure."""
    times = sorted(failures)
    extra = len(times) - settings.login_free_failures - 1
    if extra < 0:
        return 0.0
    delay = min(settings.login_delay_seconds * 2.0**extra, settings.login_max_delay_seconds)
    return max(0.0, (times[-1] + timedelta(seconds=delay) - now).total_seconds())


def _failures(conn: sa.Connection, column: sa.Column, value: str, since: datetime) -> list[datetime]:
    e = st.events_table
    last_ok = None
    if column is e.c.account:  # a successful login of the account forgives its earlier failures
        last_ok = conn.execute(
            sa.select(sa.func.max(e.c.at)).where(e.c.action == Event.LOGIN.value, e.c.account == value)
        ).scalar_one_or_none()
    start = max(since, st.as_utc(last_ok)) if last_ok is not None else since
    query = sa.select(e.c.at).where(e.c.action == Event.LOGIN_FAILED.value, column == value, e.c.at > start)
    return [st.as_utc(a) for a in conn.execute(query).scalars()]


def login(
    store: st.Store,
    name: str,
    password: str,
    settings: Settings,
    *,
    session_id: str | None = None,
    client_address: str | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check a name and password typed at the login form; return the identity, or why not.

    A wrong name, a wrong password and a disabled account all fail the same way (and take as long), and are
    recorded as `login_failed` with the name typed and the address. While the account or the address must
    wait (see `wait_seconds`), nothing is checked."""
    now = now or _now()
    typed = unicodedata.normalize("NFC", str(name or "")).strip().lower()[:MAX_RECORDED_NAME]
    address = (client_address or "")[:64] or None
    since = now - timedelta(minutes=settings.login_window_minutes)
    e = st.events_table
    with store.engine.connect() as conn:
        waits = [wait_seconds(_failures(conn, e.c.account, typed, since), now, settings)]
        if address:
            waits.append(wait_seconds(_failures(conn, e.c.client_address, address, since), now, settings))
        row = conn.execute(sa.select(accounts_table).where(accounts_table.c.name == typed)).first()
    if max(waits) > 0:
        return LoginResult(None, "throttled", max(waits))
    good = _verify(row.password_hash if row else _dummy_hash(), str(password or ""))
    who = Identity(account=typed or None, session_id=session_id, client_address=address)
    if not good or row is None or row.disabled:
        reason = "unknown" if row is None else "disabled" if row.disabled else "password"
        with store.write_transaction() as conn:
            _event(conn, Event.LOGIN_FAILED, who, {"reason": reason}, at=now, actor=typed or "?")
        return LoginResult(None, "failed")
    identity = Identity(
        role=Role(row.role),
        account=row.name,
        display_name=row.display_name,
        session_id=session_id,
        client_address=address,
    )
    with store.write_transaction() as conn:
        if _hasher().check_needs_rehash(row.password_hash):
            conn.execute(
                accounts_table.update()
                .where(accounts_table.c.name == row.name)
                .values(password_hash=_hasher().hash(str(password)))
            )
        _event(conn, Event.LOGIN, identity, None, at=now)
    return LoginResult(identity)


def current_identity(store: st.Store, identity: Identity) -> Identity | None:
    """Return a logged-in local identity with its role as stored now; None when the account was disabled or
    removed since (its session ends). SSO identities are mapped again by the caller."""
    if identity.channel != Channel.WEB or identity.account is None:
        return identity
    account = get_account(store, identity.account)
    if account is None or account.disabled:
        return None
    return Identity(
        role=account.role,
        account=account.name,
        display_name=account.display_name,
        session_id=identity.session_id,
        client_address=identity.client_address,
    )


def record_logout(store: st.Store, identity: Identity, *, expired: bool = False) -> None:
    """Record the end of a session (logged out, or expired after the idle time)."""
    with store.write_transaction() as conn:
        _event(conn, Event.LOGOUT, identity, {"expired": expired})


def _event(
    conn: sa.Connection,
    event: Event,
    identity: Identity | None,
    detail: dict | None,
    *,
    at: datetime | None = None,
    actor: str | None = None,
) -> None:
    who = identity or Identity()
    st.record_event(
        conn,
        event,
        actor or who.name or "?",
        kind=None,
        year=None,
        version=None,
        detail=detail,
        at=at,
        identity=who,
    )
