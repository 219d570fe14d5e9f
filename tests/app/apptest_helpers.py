"""What the page tests compare with, computed by the core from data/sample/, and small AppTest helpers."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from kpi.stats.report import Report, build_report
from kpi.stats.sample import sample_files
from kpi.workbook.dataset import Dataset, dataset_from_workbooks
from kpi.workbook.validate import check_bytes
from tests.hostile import render

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "dashboard.py")


@cache
def sample_dataset() -> Dataset:
    """Return the data of the sample workbooks, read and checked by the core."""
    return dataset_from_workbooks(check_bytes(p.read_bytes()).clean for p in sample_files())


@cache
def core_report(year: int, by_district: bool = False) -> Report:
    """Return the core's report of the sample data for `year`."""
    return build_report(sample_dataset(), year, by_district)


def latest_year() -> int:
    """Return the latest sample year (the year the dashboard opens on)."""
    return sample_dataset().years[-1]


def open_page(page: str | None = None, query: dict[str, str] | None = None, **state: object) -> AppTest:
    """Return the app run once through dashboard.py, then switched to `page` (a path under pages/), with
    session-state choices (lang="en", year=2023...) and the address's query parameters set before the runs."""
    at = AppTest.from_file(ENTRY, default_timeout=180)
    for key, value in state.items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def html_bodies(at: AppTest) -> list[str]:
    """Return the HTML of every st.html element of the run."""
    return [h.proto.body for h in at.get("html")]


def chart_titles(at: AppTest) -> list[str]:
    """Return the titles of the plotly charts drawn (sparklines have none)."""
    titles = []
    for chart in at.get("plotly_chart"):
        title = json.loads(chart.proto.spec).get("layout", {}).get("title", {})
        if title.get("text"):
            titles.append(title["text"].removeprefix("<b>").removesuffix("</b>"))
    return titles


def page_css(at: AppTest) -> str:
    """Return the CSS the page added with st.html (Streamlit keeps style-only HTML outside the main tree)."""
    found: list[str] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        for child in children.values() if isinstance(children, dict) else []:
            if child.type == "html" and "<style>" in child.proto.body:
                found.append(child.proto.body)
            walk(child)

    walk(at._tree)
    return "\n".join(found)


def shown(markdown: str) -> str:
    """Return the text a reader sees of a Markdown element's body (users' text in it is escaped)."""
    return render(markdown)[1]


def shown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return an st.table's frame as read on the page: its cells and headers are Markdown."""
    seen = frame.map(lambda v: shown(v) if isinstance(v, str) else v)
    seen.columns = [shown(str(c)) for c in frame.columns]
    return seen


# --- accounts and logging in (issue 12) -------------------------------------------------------------------

PASSWORD = "mật khẩu kiểm thử"
LOGIN_BUTTON = "Đăng nhập"


def add_account(url: str, name: str, role: str, display_name: str | None = None) -> None:
    """Create an account in the store at `url`, as the command line does (password PASSWORD)."""
    from kpi.common.access import Role, command_line
    from kpi.store import accounts
    from kpi.store.versions import open_store

    with open_store(url) as store:
        accounts.add_account(
            store, name, Role(role), PASSWORD, display_name=display_name, identity=command_line("kiem-thu")
        )


def log_in(at: AppTest, name: str, password: str = PASSWORD, prefix: str = "auth_page_") -> AppTest:
    """Type the name and password into the login form with `prefix` and press its "Đăng nhập" button."""
    at.text_input(key=prefix + "name").input(name)
    at.text_input(key=prefix + "password").input(password)
    return at.button(key=f"FormSubmitter:{prefix}form-{LOGIN_BUTTON}").click().run()
