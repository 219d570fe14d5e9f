"""Logging in and what each role sees (AppTest, issue 12): the login form on "Nhập dữ liệu" and in the sidebar,
one message for a wrong name or password, no write control for anonymous visitors and viewers, the hint for
the first admin, `require_login`, the idle expiry, logging out, and the admin page "Nhật ký".

Every test has its own throw-away SQLite store (env KPI_DATABASE_URL) holding 2023 as real data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.common.access import command_line
from kpi.store.versions import open_store
from tests.app.apptest_helpers import ENTRY, PASSWORD, add_account, log_in, shown
from tests.builders import coop, group, workbook

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "6_Nhap_du_lieu.py")
AUDIT = str(ROOT / "pages" / "11_Nhat_ky.py")
TIMEOUT = 120
FAILED = "Tên tài khoản hoặc mật khẩu không đúng."


@pytest.fixture
def store_url(fresh_store) -> str:
    with open_store(fresh_store) as store:
        for year, sample in ((2022, True), (2023, False), (2023, False)):
            data = workbook(year=year, coops=[coop("A1", members=20 + sample)], groups=[group()])
            name = f"{year}-{'mau' if sample else 'that'}-{len(store.history())}.xlsx"
            if year == 2023 and len(store.history()) == 2:
                data = workbook(year=2023, coops=[coop("A1", members=25)], groups=[group()])
            store.import_workbook(data, name, year, "Kiểm thử", is_sample=sample, identity=command_line("kt"))
    return fresh_store


@pytest.fixture
def accounts(store_url) -> str:
    for name, role in (("xem", "viewer"), ("lan", "analyst"), ("quantri", "admin")):
        add_account(store_url, name, role, f"Tài khoản {name}")
    return store_url


def _page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _write_controls(at: AppTest) -> dict[str, int]:
    """Return how many of each write control the page shows."""
    keys = [getattr(w, "key", None) or "" for w in (*at.selectbox, *at.checkbox, *at.button)]
    return {
        "upload": len(at.file_uploader),
        "rollback": sum(k.startswith("imports_rb_") for k in keys),
        "sample": sum(k.startswith("imports_sd_") for k in keys),
        "confirm": sum("imports_confirm" in k for k in keys),
    }


NONE = {"upload": 0, "rollback": 0, "sample": 0, "confirm": 0}


def test_an_anonymous_visitor_gets_the_history_and_a_login_form_but_no_write_control(accounts) -> None:
    at = _page()
    assert not at.exception
    assert _write_controls(at) == NONE
    assert at.info[0].value.startswith("Chỉ cán bộ nhập liệu và quản trị viên")
    assert [w.label for w in at.text_input] == ["Tên tài khoản", "Mật khẩu"]
    assert (
        at.text_input(key="auth_page_password").proto.type
        == at.text_input(key="auth_page_password").proto.PASSWORD
    )
    history = at.dataframe[-1].value
    assert history["Năm"].tolist() == ["2023", "2023", "2022"]


def test_without_any_account_the_page_says_how_to_make_the_first_admin(store_url) -> None:
    at = _page()
    assert _write_controls(at) == NONE
    assert "python -m kpi users add TÊN --role admin --password-stdin" in at.info[0].value
    assert not at.text_input  # no login form: there is nobody to log in as


@pytest.mark.parametrize(
    ("name", "controls"),
    [
        ("xem", NONE),
        ("lan", {"upload": 1, "rollback": 3, "sample": 1, "confirm": 0}),
        ("quantri", {"upload": 1, "rollback": 3, "sample": 1, "confirm": 0}),
    ],
)
def test_each_role_logged_in_on_the_page_gets_its_controls(accounts, name, controls) -> None:
    at = log_in(_page(), name)
    assert not at.exception
    assert _write_controls(at) == controls
    if name == "xem":
        assert at.info[0].value.startswith("Chỉ cán bộ nhập liệu và quản trị viên")
        assert not at.text_input  # logged in: no login form


@pytest.mark.parametrize(("name", "password"), [("lan", "sai mật khẩu"), ("lam", PASSWORD), ("", "")])
def test_a_wrong_name_or_password_gets_one_message_and_no_control(accounts, name, password) -> None:
    at = log_in(_page(), name, password)
    assert [e.value for e in at.error] == [FAILED]
    assert _write_controls(at) == NONE
    assert at.text_input(key="auth_page_password").value == ""  # the password is not kept


def test_an_analyst_import_is_recorded_under_the_account_without_typing_a_name(accounts) -> None:
    at = log_in(_page(), "lan")
    data = workbook(year=2024, coops=[coop("B1", members=10)], groups=[group()])
    at.file_uploader[0].upload("htx-2024.xlsx", data, "application/octet-stream").run()
    label = next(b.label for b in at.button if b.label.startswith("Nhập số liệu năm"))
    at.checkbox(key="imports_sample_ok").check()  # the store holds sample data of 2022
    at.button(key=f"FormSubmitter:imports_confirm-{label}").click().run()
    assert not at.exception
    assert shown(at.success[0].value).startswith("Đã lưu số liệu năm 2024, phiên bản 1")
    with open_store(accounts) as store:
        last = store.history().iloc[-1]
        event = max(store.dump()["events"], key=lambda e: e["id"])
    assert (last["year"], last["by"]) == (2024, "Tài khoản lan")
    assert (event["action"], event["account"], len(event["session_id"])) == ("import", "lan", 16)


def test_a_session_idle_longer_than_the_setting_ends(accounts, monkeypatch) -> None:
    monkeypatch.setenv("KPI_SESSION_IDLE_MINUTES", "5")
    at = log_in(_page(), "lan")
    assert _write_controls(at)["upload"] == 1
    at.session_state["_auth"]["last_seen"] = datetime.now(UTC) - timedelta(minutes=4)
    assert _write_controls(at.run())["upload"] == 1
    at.session_state["_auth"]["last_seen"] = datetime.now(UTC) - timedelta(minutes=6)
    at.run()
    assert _write_controls(at) == NONE
    assert "hết hạn sau 5 phút không dùng" in " ".join(i.value for i in at.info)
    with open_store(accounts) as store:
        last = max(store.dump()["events"], key=lambda e: e["id"])
    assert (last["action"], last["account"], last["detail"]) == ("logout", "lan", {"expired": True})


def test_a_disabled_account_loses_its_session_at_once(accounts) -> None:
    from kpi.store import accounts as ac

    at = log_in(_page(), "lan")
    with open_store(accounts) as store:
        ac.set_disabled(store, "lan", identity=command_line("kt"))
    assert _write_controls(at.run()) == NONE


def _dashboard(**state) -> AppTest:
    """Return the app run once through dashboard.py (AppTest runs later reruns without the entry script, so
    the sidebar is checked on first runs: after a real login on page 6, its session is carried over)."""
    at = AppTest.from_file(ENTRY, default_timeout=180)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _session_of(name: str) -> dict:
    """Return the session keys of account `name` logged in with its real fields on page 6."""
    at = log_in(_page(), name)
    return {key: at.session_state[key] for key in ("_auth", "_auth_session_id")}


def test_the_sidebar_offers_the_login_form_to_anonymous_visitors(accounts) -> None:
    at = _dashboard()
    assert not at.exception
    assert [w.label for w in at.sidebar.text_input] == ["Tên tài khoản", "Mật khẩu"]
    assert at.sidebar.button(key="FormSubmitter:auth_sidebar_form-Đăng nhập").label == "Đăng nhập"


def test_the_sidebar_names_who_is_logged_in_and_logs_out(accounts) -> None:
    at = _dashboard(**_session_of("lan"))
    assert not at.exception
    assert "Đang đăng nhập: Tài khoản lan (cán bộ nhập liệu)" in [c.value for c in at.sidebar.text]
    assert not at.sidebar.text_input
    at.sidebar.button(key="auth_logout").click().run()
    assert "_auth" not in at.session_state
    with open_store(accounts) as store:
        actions = [e["action"] for e in sorted(store.dump()["events"], key=lambda e: e["id"])][-2:]
    assert actions == ["login", "logout"]


def test_when_login_is_required_an_anonymous_visitor_sees_only_the_login_form(accounts, monkeypatch) -> None:
    monkeypatch.setenv("KPI_REQUIRE_LOGIN", "1")
    at = _dashboard()
    assert not at.exception
    assert [w.label for w in at.text_input] == ["Tên tài khoản", "Mật khẩu"]
    assert at.info[0].value == "Cần đăng nhập để xem bảng điều khiển."
    assert not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.sidebar.selectbox
    assert [c.type for c in at.main.children.values()] == ["title", "info", "form"]
    logged_in = _dashboard(**_session_of("xem"))
    assert not logged_in.exception
    assert logged_in.sidebar.selectbox(key="year")  # the dashboard itself, for a viewer


def test_when_login_is_required_and_no_account_exists_the_form_says_how_to_make_one(store_url, monkeypatch):
    monkeypatch.setenv("KPI_REQUIRE_LOGIN", "1")
    at = _dashboard()
    assert "python -m kpi users add" in at.info[0].value
    assert not at.text_input


@pytest.mark.parametrize(("name", "sees"), [(None, False), ("xem", False), ("lan", False), ("quantri", True)])
def test_only_admins_see_the_audit_page(accounts, name, sees) -> None:
    at = AppTest.from_file(AUDIT, default_timeout=TIMEOUT)
    for key, value in (_session_of(name) if name else {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    assert bool(at.dataframe) is sees
    if not sees:
        assert at.warning[0].value == "Chỉ quản trị viên xem được nhật ký."


def test_a_confirmation_sent_after_the_session_expired_is_refused_by_the_store(accounts, monkeypatch) -> None:
    """The write is checked where it happens, not by hiding the button: a confirm pressed by a session that
    is anonymous by then (expired) reaches the store as anonymous and changes nothing."""
    monkeypatch.setenv("KPI_SESSION_IDLE_MINUTES", "5")
    at = log_in(_page(), "lan")
    data = workbook(year=2024, coops=[coop("B1", members=10)], groups=[group()])
    at.file_uploader[0].upload("htx-2024.xlsx", data, "application/octet-stream").run()
    at.checkbox(key="imports_sample_ok").check()
    label = next(b.label for b in at.button if b.label.startswith("Nhập số liệu năm"))
    with open_store(accounts) as store:
        before = {k: v for k, v in store.dump().items() if k != "events"}
    at.session_state["_auth"]["last_seen"] = datetime.now(UTC) - timedelta(minutes=6)
    at.button(key=f"FormSubmitter:imports_confirm-{label}").click().run()
    assert not at.exception
    assert "hết hạn sau 5 phút không dùng" in " ".join(i.value for i in at.info)
    refused, problems = at.session_state["imports_refused"]  # the store's refusal, left for the form
    assert refused == (
        "Không nhập được: Cần đăng nhập bằng một tài khoản được phép để nhập dữ liệu; chưa có gì thay đổi."
    )
    assert [p.message() for p in problems] == [
        "Cần đăng nhập bằng một tài khoản được phép để nhập dữ liệu; chưa có gì thay đổi."
    ]
    with open_store(accounts) as store:
        assert {k: v for k, v in store.dump().items() if k != "events"} == before
        assert [e["action"] for e in store.dump()["events"] if e["year"] == 2024] == []


def test_a_display_name_is_shown_as_text_never_as_markdown(store_url) -> None:
    add_account(store_url, "lan", "analyst", "**Chủ tịch** [UBND](http://example.org)")
    at = _dashboard(**_session_of("lan"))
    assert "Đang đăng nhập: **Chủ tịch** [UBND](http://example.org) (cán bộ nhập liệu)" in [
        e.value for e in at.sidebar.text
    ]
    assert not [e for e in at.sidebar.markdown if "UBND" in e.value]
