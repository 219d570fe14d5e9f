"""Tests of `python -m kpi users ...` (kpi/cli/user_commands.py): accounts made, listed and changed from the command
line, the password read from one line of standard input, each change an event naming the OS user."""

from __future__ import annotations

import io

import pytest

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, main
from kpi.common.settings import load_settings
from kpi.store import accounts as ac
from kpi.store.versions import open_store
from tests.store.test_versions import store_url

__all__ = ["store_url"]  # the fixture, imported so that pytest finds it here

PASSWORD = "mật khẩu đủ dài"


@pytest.fixture(autouse=True)
def os_user(monkeypatch: pytest.MonkeyPatch) -> str:
    """The operating-system user running the commands."""
    monkeypatch.setattr("getpass.getuser", lambda: "quantri")
    return "quantri"


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run `python -m kpi ARGV...` in-process with `stdin`; return (exit code, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_first_admin_is_made_with_the_password_on_standard_input(capsys, monkeypatch, store_url) -> None:
    code, out, err = run(
        capsys, monkeypatch, "users", "add", "Lan", "--role", "admin", "--password-stdin",
        "--display-name", "Nguyễn Thị Lan", "--db", store_url, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert (code, out, err) == (EXIT_OK, "Đã tạo tài khoản 'lan' (vai trò admin).\n", "")
    with open_store(store_url) as store:
        assert ac.login(store, "lan", PASSWORD, load_settings({})).identity.display_name == "Nguyễn Thị Lan"
        [event] = [e for e in store.dump()["events"] if e["action"] == "account_add"]
    assert (event["actor"], event["os_user"], event["account"]) == ("quantri", "quantri", None)


def test_the_password_is_never_an_argument(capsys, monkeypatch, store_url) -> None:
    code, _, err = run(capsys, monkeypatch, "users", "add", "lan", "--role", "admin", "--db", store_url)
    assert code == EXIT_UNREADABLE
    assert "--password-stdin" in err


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "Không đọc được mật khẩu từ đầu vào chuẩn (cần một dòng).\n"),
        ("ngắn\n", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự.\n"),
    ],
)
def test_a_missing_or_short_password_is_refused_and_no_account_made(
    capsys, monkeypatch, store_url, stdin, message
):
    code, out, err = run(
        capsys,
        monkeypatch,
        "users",
        "add",
        "lan",
        "--role",
        "admin",
        "--password-stdin",
        "--db",
        store_url,
        stdin=stdin,
    )
    assert (code, out, err) == (EXIT_REJECTED, "", message)
    with open_store(store_url) as store:
        assert not ac.has_accounts(store)


def test_list_set_role_disable_and_reset_password_change_what_logs_in(capsys, monkeypatch, store_url) -> None:
    def users(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        return run(capsys, monkeypatch, "users", *argv, "--db", store_url, stdin=stdin)

    assert users("list") == (EXIT_OK, "Chưa có tài khoản nào.\n", "")
    users("add", "minh", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    assert users("set-role", "minh", "--role", "analyst") == (
        EXIT_OK, "Tài khoản 'minh' nay có vai trò analyst.\n", ""
    )  # fmt: skip
    assert users("reset-password", "minh", "--password-stdin", stdin="mật khẩu mới dài\r\n")[0] == EXIT_OK
    code, out, _ = users("list")
    header, rule, row = out.splitlines()
    assert header.split() == [
        "Tài",
        "khoản",
        "Tên",
        "hiển",
        "thị",
        "Vai",
        "trò",
        "Trạng",
        "thái",
        "Cập",
        "nhật",
    ]
    assert row.split()[:4] == ["minh", "minh", "analyst", "đang"]
    settings = load_settings({})
    with open_store(store_url) as store:
        assert not ac.login(store, "minh", PASSWORD, settings).ok
        assert ac.login(store, "minh", "mật khẩu mới dài", settings).identity.role.value == "analyst"
    assert users("disable", "minh") == (EXIT_OK, "Đã khoá tài khoản 'minh'.\n", "")
    with open_store(store_url) as store:
        assert not ac.login(store, "minh", "mật khẩu mới dài", settings).ok
        actions = [e["action"] for e in sorted(store.dump()["events"], key=lambda e: e["id"])]
    assert actions == ["account_add", "account_role", "account_password", "login_failed", "login", "account_disable", "login_failed"]  # fmt: skip
    assert users("disable", "khong-co") == (EXIT_REJECTED, "", "Không có tài khoản 'khong-co'.\n")


def test_sso_roles_are_mapped_listed_and_removed(capsys, monkeypatch, store_url) -> None:
    def users(*argv: str) -> tuple[int, str, str]:
        return run(capsys, monkeypatch, "--lang", "en", "users", *argv, "--db", store_url)

    assert users("map", "--email", "Lan@DakNong.gov.vn", "--role", "analyst")[0] == EXIT_OK
    assert users("map", "--group", "ubnd", "--role", "admin")[0] == EXIT_OK
    _, out, _ = users("list")
    assert out.splitlines()[-3:] == [
        "Roles of single sign-on identities:",
        "email  lan@daknong.gov.vn  analyst",
        "group  ubnd                admin",
    ]
    assert users("unmap", "--group", "ubnd") == (EXIT_OK, "Removed the role of group 'ubnd'.\n", "")
    assert users("unmap", "--group", "ubnd") == (EXIT_REJECTED, "", "'ubnd' has no role.\n")
