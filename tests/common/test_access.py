"""Tests of the rules of who may do what (kpi/common/access.py), and of the one check every write path makes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kpi.common.access import (
    ANONYMOUS,
    Identity,
    Permission,
    Role,
    command_line,
    expired,
    highest,
    may,
    refusal,
    system,
)

READ, IMPORT, BACK, SAMPLE, MANAGE = (
    Permission.READ,
    Permission.IMPORT,
    Permission.ROLLBACK,
    Permission.SAMPLE,
    Permission.MANAGE_ACCOUNTS,
)

# role (None: anonymous), permission, allowed without a required login, allowed when a login is required
RULES = [
    (None, READ, True, False),
    (None, IMPORT, False, False),
    (None, BACK, False, False),
    (None, SAMPLE, False, False),
    (None, MANAGE, False, False),
    (Role.VIEWER, READ, True, True),
    (Role.VIEWER, IMPORT, False, False),
    (Role.VIEWER, BACK, False, False),
    (Role.VIEWER, SAMPLE, False, False),
    (Role.VIEWER, MANAGE, False, False),
    (Role.ANALYST, READ, True, True),
    (Role.ANALYST, IMPORT, True, True),
    (Role.ANALYST, BACK, True, True),
    (Role.ANALYST, SAMPLE, True, True),
    (Role.ANALYST, MANAGE, False, False),
    (Role.ADMIN, READ, True, True),
    (Role.ADMIN, IMPORT, True, True),
    (Role.ADMIN, BACK, True, True),
    (Role.ADMIN, SAMPLE, True, True),
    (Role.ADMIN, MANAGE, True, True),
]  # fmt: skip


@pytest.mark.parametrize(("role", "permission", "open_deployment", "login_required"), RULES)
def test_each_role_may_do_exactly_what_the_issue_lists(role, permission, open_deployment, login_required):
    assert may(role, permission) is open_deployment
    assert may(role, permission, require_login=True) is login_required


@pytest.mark.parametrize(("role", "permission", "allowed", "_"), [r for r in RULES if r[1] != READ])
def test_the_write_check_refuses_in_vietnamese_whoever_may_not(role, permission, allowed, _):
    problem = refusal(Identity(role=role, account="x"), permission)
    assert (problem is None) is allowed
    if problem is not None and role is not None:
        assert problem.message().startswith(
            f"Vai trò {({'viewer': 'người xem', 'analyst': 'cán bộ nhập liệu'})[role]}"
        )
        assert problem.message().endswith("chưa có gì thay đổi.")


def test_an_anonymous_visitor_or_no_identity_at_all_is_asked_to_log_in() -> None:
    for who in (None, ANONYMOUS):
        problem = refusal(who, Permission.IMPORT)
        assert problem.message() == (
            "Cần đăng nhập bằng một tài khoản được phép để nhập dữ liệu; chưa có gì thay đổi."
        )
        assert problem.message("en") == "Log in with an account allowed to import data; nothing was changed."


def test_the_command_line_acts_as_its_os_user_with_the_admin_role() -> None:
    who = command_line("lan")
    assert (who.role, who.os_user, who.account, who.name) == (Role.ADMIN, "lan", None, "lan")
    assert refusal(who, Permission.MANAGE_ACCOUNTS) is None


def test_the_dashboard_loading_its_sample_may_import_but_not_manage_accounts() -> None:
    who = system("Dữ liệu mẫu")
    assert refusal(who, Permission.IMPORT) is None
    assert refusal(who, Permission.MANAGE_ACCOUNTS) is not None


def test_the_highest_role_of_several_is_the_one_with_most_rights() -> None:
    assert highest([Role.VIEWER, Role.ADMIN, Role.ANALYST]) == Role.ADMIN
    assert highest([Role.VIEWER]) == Role.VIEWER
    assert highest([]) is None


@pytest.mark.parametrize(
    ("idle", "limit", "is_expired"),
    [(timedelta(minutes=29, seconds=59), 30, False), (timedelta(minutes=30), 30, False), (timedelta(minutes=30, seconds=1), 30, True), (timedelta(hours=5), 30, True), (timedelta(seconds=61), 1, True)],
)  # fmt: skip
def test_a_session_expires_only_after_more_than_the_idle_time(idle, limit, is_expired) -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert expired(now - idle, now, limit) is is_expired
