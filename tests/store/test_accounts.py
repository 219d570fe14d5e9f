"""Tests of accounts, logins, throttling and SSO role mappings (kpi/store/accounts.py) on the store's database.

Stores come from tests/store/test_versions.py (a fresh SQLite file; a fresh PostgreSQL database under
scripts/with-postgres.sh). Times are given (`now=`), never waited for.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from kpi.common.access import ANONYMOUS, Channel, Identity, Role, command_line
from kpi.common.settings import load_settings
from kpi.store import accounts as ac
from kpi.store.versions import Store, StoreError
from tests.store import test_versions as test_store

store_url = test_store.store_url
store = test_store.store

ADMIN_CLI = command_line("quantri")
SETTINGS = replace(
    load_settings({}),
    login_free_failures=3,
    login_delay_seconds=2.0,
    login_max_delay_seconds=60.0,
    login_window_minutes=60.0,
)
T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
PASSWORD = "mật khẩu dài đủ 10"


def test_the_account_tables_have_the_columns_the_migration_creates(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    for table in (ac.accounts_table, ac.role_mappings_table, test_store.store_module.events_table):
        assert [c["name"] for c in inspector.get_columns(table.name)] == [c.name for c in table.columns]


def test_a_new_store_has_no_account_and_no_default_password(store: Store) -> None:
    assert not ac.has_accounts(store)
    assert ac.list_accounts(store) == []
    for name in ("admin", "root", "quantri"):
        assert not ac.login(store, name, name, SETTINGS, now=T0).ok


def test_an_account_is_stored_with_an_argon2id_hash_never_the_password(store: Store) -> None:
    account = ac.add_account(
        store, " Lan ", Role.ANALYST, PASSWORD, display_name="Nguyễn Thị Lan", identity=ADMIN_CLI
    )
    assert (account.name, account.display_name, account.role, account.disabled) == (
        "lan",
        "Nguyễn Thị Lan",
        Role.ANALYST,
        False,
    )
    [row] = store.dump()["accounts"]
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in str(store.dump())
    [event] = store.dump()["events"]
    assert (event["action"], event["actor"], event["os_user"], event["detail"]) == (
        "account_add",
        "quantri",
        "quantri",
        {"name": "lan", "role": "analyst"},
    )


@pytest.mark.parametrize(
    ("name", "display", "password", "key"),
    [
        ("Chủ tịch", None, PASSWORD, "bad_name"),
        ("a b", None, PASSWORD, "bad_name"),
        ("\u200b", None, PASSWORD, "bad_name"),
        ("x" * 65, None, PASSWORD, "bad_name"),
        ("lan", None, "ngắn", "password_too_short"),
        ("lan", None, "x" * 1025, "password_too_long"),
        ("lan", "x" * 101, PASSWORD, "display_name_too_long"),
    ],
)
def test_a_bad_name_display_name_or_password_is_refused_and_nothing_is_stored(
    store, name, display, password, key
):
    before = store.dump()
    with pytest.raises(ac.AccountError) as refused:
        ac.add_account(store, name, Role.VIEWER, password, display_name=display, identity=ADMIN_CLI)
    assert refused.value.key == key
    assert store.dump() == before


def test_invisible_and_control_characters_are_taken_out_of_display_names() -> None:
    assert ac.clean_display_name("Chủ\u200b tịch\n UBND\u202e", "x") == "Chủ tịch UBND"
    assert ac.clean_display_name("\u200b\u200c", "lan") == "lan"


def test_the_same_name_twice_is_refused(store: Store) -> None:
    ac.add_account(store, "lan", Role.VIEWER, PASSWORD, identity=ADMIN_CLI)
    with pytest.raises(ac.AccountError) as refused:
        ac.add_account(store, "LAN", Role.ADMIN, PASSWORD, identity=ADMIN_CLI)
    assert refused.value.message() == "Tài khoản 'lan' đã có."


@pytest.mark.parametrize("who", [None, ANONYMOUS, Identity(role=Role.ANALYST, account="lan")])
def test_only_an_admin_manages_accounts(store: Store, who) -> None:
    ac.add_account(store, "minh", Role.VIEWER, PASSWORD, identity=ADMIN_CLI)
    before = store.dump()
    for change in (
        lambda: ac.add_account(store, "hoa", Role.ADMIN, PASSWORD, identity=who),
        lambda: ac.set_role(store, "minh", Role.ADMIN, identity=who),
        lambda: ac.set_disabled(store, "minh", identity=who),
        lambda: ac.reset_password(store, "minh", "mật khẩu mới dài", identity=who),
        lambda: ac.map_identity(store, ac.EMAIL, "x@y.vn", Role.ADMIN, identity=who),
    ):
        with pytest.raises(StoreError):
            change()
    assert store.dump() == before


def test_role_disable_and_password_changes_take_effect_and_are_events(store: Store) -> None:
    ac.add_account(store, "lan", Role.VIEWER, PASSWORD, identity=ADMIN_CLI)
    ac.set_role(store, "lan", Role.ADMIN, identity=ADMIN_CLI)
    assert ac.login(store, "lan", PASSWORD, SETTINGS, now=T0).identity.role == Role.ADMIN
    ac.reset_password(store, "lan", "mật khẩu mới dài", identity=ADMIN_CLI)
    assert not ac.login(store, "lan", PASSWORD, SETTINGS, now=T0).ok
    assert ac.login(store, "lan", "mật khẩu mới dài", SETTINGS, now=T0).ok
    ac.set_disabled(store, "lan", identity=ADMIN_CLI)
    assert not ac.login(store, "lan", "mật khẩu mới dài", SETTINGS, now=T0).ok
    actions = [e["action"] for e in sorted(store.dump()["events"], key=lambda e: e["id"])]
    assert actions == [
        "account_add",
        "account_role",
        "login",
        "account_password",
        "login_failed",
        "login",
        "account_disable",
        "login_failed",
    ]
    with pytest.raises(ac.AccountError):
        ac.set_role(store, "khong-co", Role.ADMIN, identity=ADMIN_CLI)


def test_a_login_gives_the_identity_with_session_and_address_and_records_it(store: Store) -> None:
    ac.add_account(store, "lan", Role.ANALYST, PASSWORD, display_name="Nguyễn Thị Lan", identity=ADMIN_CLI)
    result = ac.login(store, "Lan", PASSWORD, SETTINGS, session_id="abc", client_address="10.1.2.3", now=T0)
    assert result.identity == Identity(
        role=Role.ANALYST,
        account="lan",
        display_name="Nguyễn Thị Lan",
        channel=Channel.WEB,
        session_id="abc",
        client_address="10.1.2.3",
    )
    login = max(store.dump()["events"], key=lambda e: e["id"])
    assert (login["action"], login["account"], login["session_id"], login["client_address"]) == (
        "login",
        "lan",
        "abc",
        "10.1.2.3",
    )


def test_a_wrong_name_and_a_wrong_password_get_the_same_message(store: Store) -> None:
    ac.add_account(store, "lan", Role.ANALYST, PASSWORD, identity=ADMIN_CLI)
    wrong_name = ac.login(store, "lam", PASSWORD, SETTINGS, client_address="10.0.0.1", now=T0)
    wrong_password = ac.login(store, "lan", "sai mật khẩu", SETTINGS, client_address="10.0.0.2", now=T0)
    assert wrong_name.message() == wrong_password.message() == "Tên tài khoản hoặc mật khẩu không đúng."
    failed = [e for e in store.dump()["events"] if e["action"] == "login_failed"]
    assert sorted((e["account"], e["client_address"], e["detail"]["reason"]) for e in failed) == [
        ("lam", "10.0.0.1", "unknown"),
        ("lan", "10.0.0.2", "password"),
    ]


# free failures 3, first wait 2 s doubling, at most 60 s: failures at T0 + each offset (seconds), asked at `at`
THROTTLE = [
    ([], 0, 0.0),
    ([0, 1], 1, 0.0),
    ([0, 1, 2], 2, 2.0),  # the 3rd failure: 2 s from it
    ([0, 1, 2], 3, 1.0),
    ([0, 1, 2], 4, 0.0),
    ([0, 1, 2, 3], 3, 4.0),  # the 4th: 4 s
    ([0, 1, 2, 3, 4], 4, 8.0),  # the 5th: 8 s
    ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 9, 60.0),  # 2 * 2**7 = 256 s, held at 60
]


@pytest.mark.parametrize(("offsets", "at", "wait"), THROTTLE)
def test_the_wait_after_failures_doubles_from_the_free_ones_up_to_the_limit(offsets, at, wait) -> None:
    failures = [T0 + timedelta(seconds=s) for s in offsets]
    free = replace(SETTINGS, login_free_failures=2)
    assert ac.wait_seconds(failures, T0 + timedelta(seconds=at), free) == wait


def test_repeated_failures_slow_down_one_account_even_with_its_right_password(store: Store) -> None:
    ac.add_account(store, "lan", Role.ANALYST, PASSWORD, identity=ADMIN_CLI)
    for n in range(4):  # from four addresses: the account's count, not the address's
        assert (
            ac.login(store, "lan", "sai", SETTINGS, client_address=f"10.0.0.{n}", now=T0).reason == "failed"
        )
    # 3 free failures; the 4th asks 2 s
    throttled = ac.login(store, "lan", PASSWORD, SETTINGS, now=T0 + timedelta(seconds=1))
    assert (throttled.reason, throttled.wait_seconds) == ("throttled", 1.0)
    assert throttled.message() == "Đã đăng nhập sai nhiều lần; hãy thử lại sau 1 giây."
    assert ac.login(store, "lan", PASSWORD, SETTINGS, now=T0 + timedelta(seconds=2)).ok
    # a success forgives the account's earlier failures
    assert ac.login(store, "lan", "sai", SETTINGS, now=T0 + timedelta(seconds=3)).reason == "failed"
    assert ac.login(store, "lan", PASSWORD, SETTINGS, now=T0 + timedelta(seconds=3)).ok


def test_repeated_failures_from_one_address_slow_down_every_name_tried_from_it(store: Store) -> None:
    ac.add_account(store, "lan", Role.ANALYST, PASSWORD, identity=ADMIN_CLI)
    for name in ("a", "b", "c", "d"):
        ac.login(store, name, "x", SETTINGS, client_address="203.0.113.9", now=T0)
    from_there = ac.login(store, "lan", PASSWORD, SETTINGS, client_address="203.0.113.9", now=T0)
    assert (from_there.reason, from_there.wait_seconds) == ("throttled", 2.0)
    assert ac.login(store, "lan", PASSWORD, SETTINGS, client_address="198.51.100.1", now=T0).ok


@pytest.mark.parametrize(("minutes", "reason"), [(59, "throttled"), (61, None)])
def test_failures_older_than_the_window_are_forgiven(store: Store, minutes: int, reason) -> None:
    ac.add_account(store, "lan", Role.ANALYST, PASSWORD, identity=ADMIN_CLI)
    for _ in range(3):  # the free ones
        ac.login(store, "lan", "sai", SETTINGS, now=T0)
    later = T0 + timedelta(minutes=minutes)
    ac.login(store, "lan", "sai", SETTINGS, now=later)  # the 4th within the hour asks 2 s
    assert ac.login(store, "lan", PASSWORD, SETTINGS, now=later + timedelta(seconds=1)).reason == reason


def test_a_logged_in_identity_follows_the_account_as_stored_now(store: Store) -> None:
    ac.add_account(store, "lan", Role.ADMIN, PASSWORD, identity=ADMIN_CLI)
    identity = ac.login(store, "lan", PASSWORD, SETTINGS, now=T0).identity
    ac.set_role(store, "lan", Role.VIEWER, identity=ADMIN_CLI)
    assert ac.current_identity(store, identity).role == Role.VIEWER
    ac.set_disabled(store, "lan", identity=ADMIN_CLI)
    assert ac.current_identity(store, identity) is None


# claims of the identity provider -> the role mapped (email analyst, group 'so-khdt' viewer, 'ubnd' admin)
SSO = [
    ({"email": "lan@daknong.gov.vn"}, Role.ANALYST),
    ({"email": "LAN@daknong.gov.vn", "groups": ["so-khdt"]}, Role.ANALYST),
    ({"email": "lan@daknong.gov.vn", "groups": ["ubnd"]}, Role.ADMIN),
    ({"email": "minh@daknong.gov.vn", "groups": ["so-khdt"]}, Role.VIEWER),
    ({"email": "minh@daknong.gov.vn"}, None),
    ({"email": "lan@daknong.gov.vn", "email_verified": False}, None),
    ({"sub": "123", "groups": "ubnd"}, Role.ADMIN),
]


@pytest.mark.parametrize(("claims", "role"), SSO)
def test_an_sso_identity_gets_the_highest_role_its_email_or_groups_map_to(store: Store, claims, role) -> None:
    ac.map_identity(store, ac.EMAIL, "Lan@DakNong.gov.vn", Role.ANALYST, identity=ADMIN_CLI)
    ac.map_identity(store, ac.GROUP, "so-khdt", Role.VIEWER, identity=ADMIN_CLI)
    ac.map_identity(store, ac.GROUP, "ubnd", Role.ADMIN, identity=ADMIN_CLI)
    identity = ac.sso_identity(store, claims)
    assert (identity.role, identity.channel) == (role, Channel.SSO)


def test_a_mapping_removed_gives_no_role_any_more(store: Store) -> None:
    ac.map_identity(store, ac.EMAIL, "lan@daknong.gov.vn", Role.ANALYST, identity=ADMIN_CLI)
    assert ac.list_mappings(store) == [("email", "lan@daknong.gov.vn", Role.ANALYST)]
    ac.unmap_identity(store, ac.EMAIL, "lan@daknong.gov.vn", identity=ADMIN_CLI)
    assert ac.sso_identity(store, {"email": "lan@daknong.gov.vn"}).role is None
    with pytest.raises(ac.AccountError):
        ac.unmap_identity(store, ac.EMAIL, "lan@daknong.gov.vn", identity=ADMIN_CLI)
