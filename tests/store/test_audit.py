"""Tests of the audit (kpi/store/audit.py): events filtered by action, who and days of Viet Nam, laid out in words,
and written as CSV whose texts Excel cannot run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from kpi.common.access import Identity, Role, command_line
from kpi.store.audit import audit_csv, audit_events, audit_table, choices
from kpi.store.versions import Store, events_table
from tests.store import test_versions as test_store

store_url = test_store.store_url
store = test_store.store

LAN = Identity(
    role=Role.ANALYST,
    account="lan",
    display_name='=HYPERLINK("x")',
    session_id="s1",
    client_address="10.0.0.9",
)


def _events(store: Store) -> None:
    """Three events: an import by the command line on 1/3/2026 23:30 UTC (2/3 in Viet Nam), a rollback by
    analyst 'lan' on 2/3 10:00 UTC, a failed login of 'minh' on 5/3 02:00 UTC."""
    rows = [
        dict(at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC), action="import", actor="Trần Minh", os_user="minh", kind="stats", year=2024, version=1),
        dict(at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC), action="rollback", actor=LAN.display_name, account="lan", session_id="s1", client_address="10.0.0.9", kind="stats", year=2024, version=1, note="-2+3"),
        dict(at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC), action="login_failed", actor="minh", account="minh", client_address="10.0.0.8", detail={"reason": "password"}),
    ]  # fmt: skip
    with store.engine.begin() as conn:
        blank = {c.name: None for c in events_table.columns if c.name != "id"}
        conn.execute(sa.insert(events_table), [{**blank, **r} for r in rows])


@pytest.mark.parametrize(
    ("filters", "actions"),
    [
        ({}, ["login_failed", "rollback", "import"]),
        ({"actions": ["import", "rollback"]}, ["rollback", "import"]),
        ({"who": "minh"}, ["login_failed", "import"]),  # OS user of the import, account of the failed login
        ({"who": "lan"}, ["rollback"]),
        ({"start": date(2026, 3, 2), "end": date(2026, 3, 2)}, ["rollback", "import"]),  # 2/3 in Viet Nam
        ({"start": date(2026, 3, 3)}, ["login_failed"]),
        ({"end": date(2026, 3, 1)}, []),
    ],
)
def test_events_are_filtered_by_action_who_and_vietnamese_days(store: Store, filters, actions) -> None:
    _events(store)
    assert audit_events(store, **filters)["action"].tolist() == actions


def test_the_choices_are_the_actions_and_names_that_occur(store: Store) -> None:
    _events(store)
    assert choices(store) == (["import", "login_failed", "rollback"], ["lan", "minh"])


def test_the_table_is_in_words_and_local_time_and_the_csv_runs_no_formula(store: Store) -> None:
    _events(store)
    table = audit_table(audit_events(store))
    assert table.iloc[-1].tolist()[:3] == ["02/03/2026 06:30:00", "Nhập tệp", "Trần Minh"]
    assert table.iloc[0]["Chi tiết"] == "reason: password"
    rows = list(csv.reader(io.StringIO(audit_csv(table).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Thời điểm", "Thao tác", "Người thực hiện"]
    rollback = rows[2]
    assert rollback[2] == '\'=HYPERLINK("x")'  # quoted: Excel shows the text, runs nothing
    assert rollback[10] == "'-2+3"
    assert all(not c.startswith(("=", "+", "-", "@")) for row in rows for c in row)


def test_an_account_change_from_the_command_line_is_listed_with_its_os_user(store: Store) -> None:
    from kpi.store import accounts

    accounts.add_account(store, "lan", Role.VIEWER, "mật khẩu đủ dài", identity=command_line("quantri"))
    [event] = audit_events(store).to_dict("records")
    assert (event["action"], event["os_user"], event["detail"]) == (
        "account_add",
        "quantri",
        {"name": "lan", "role": "viewer"},
    )
