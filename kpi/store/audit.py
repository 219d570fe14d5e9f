"""The audit: every event of the store (imports, rollbacks, sample removals, account changes, logins) with who
did it, filtered and laid out for the admin page "Nhật ký", and written as CSV whose texts Excel cannot take
for formulas."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from kpi.common.formatting import DISPLAY_TZ
from kpi.common.i18n import t
from kpi.common.safe_text import csv_bytes
from kpi.store import versions as st

COLUMNS = (
    "at",
    "action",
    "actor",
    "account",
    "os_user",
    "session_id",
    "client_address",
    "kind",
    "year",
    "version",
    "note",
    "detail",
)


def audit_events(
    store: st.Store,
    *,
    actions: list[str] | None = None,
    who: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """Return the events, newest first, with the columns of COLUMNS (`at` in UTC, `detail` a dict or None).

    `actions` keeps those actions; `who` the events whose account, OS user or recorded name is it; `start`
    and `end` are days of Viet Nam, both included."""
    e = st.events_table
    query = sa.select(*(e.c[c] for c in COLUMNS)).order_by(e.c.id.desc())
    if actions:
        query = query.where(e.c.action.in_(actions))
    if who:
        query = query.where(sa.or_(e.c.account == who, e.c.os_user == who, e.c.actor == who))
    zone = ZoneInfo(DISPLAY_TZ)
    # bound in UTC: SQLite keeps the times as UTC text and would compare a local time as if it were UTC
    if start is not None:
        query = query.where(e.c.at >= datetime.combine(start, time(), zone).astimezone(UTC))
    if end is not None:
        query = query.where(e.c.at < datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC))
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for r in rows:
        r["at"] = st.as_utc(r["at"])
    return pd.DataFrame(rows, columns=list(COLUMNS))


def choices(store: st.Store) -> tuple[list[str], list[str]]:
    """Return the actions and the names (accounts and OS users) that occur in the events, sorted."""
    e = st.events_table
    with store.engine.connect() as conn:
        actions = sorted(conn.execute(sa.select(e.c.action).distinct()).scalars())
        names = {
            n
            for column in (e.c.account, e.c.os_user)
            for n in conn.execute(sa.select(column).distinct()).scalars()
            if n
        }
    return actions, sorted(names)


def audit_table(events: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return the events as users read them: local time, the action in words, every other cell as text."""
    zone = ZoneInfo(DISPLAY_TZ)

    def text(value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, dict):
            return "; ".join(f"{k}: {v}" for k, v in value.items())
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)

    table = pd.DataFrame(
        {
            t("audit.col.at", lang): [a.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S") for a in events["at"]],
            t("audit.col.action", lang): [action_text(a, lang) for a in events["action"]],
            **{
                t(f"audit.col.{key}", lang): [text(v) for v in events[column]]
                for key, column in (
                    ("actor", "actor"),
                    ("account", "account"),
                    ("os_user", "os_user"),
                    ("session", "session_id"),
                    ("address", "client_address"),
                    ("kind", "kind"),
                    ("year", "year"),
                    ("version", "version"),
                    ("note", "note"),
                    ("detail", "detail"),
                )
            },
        }
    )
    return table


def action_text(action: str, lang: str = "vi") -> str:
    """Return an action of the events in words (the id itself when it has none)."""
    try:
        return t(f"imports.action.{action}", lang)
    except KeyError:
        return action


def audit_csv(table: pd.DataFrame) -> bytes:
    """Return the audit table as CSV (UTF-8 with BOM for Excel), formulas neutralised."""
    return csv_bytes(table)  # csv_bytes neutralises formula-like text (kpi.common.safe_text.csv_cell)
