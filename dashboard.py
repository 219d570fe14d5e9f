"""Entry point: `streamlit run dashboard.py`. Page configuration, navigation and the sidebar shared by all pages.

The pages are the files of pages/, listed here in sections (the admin pages for admins only).
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from kpi.common.access import Permission
from kpi.common.i18n import t
from kpi.store.versions import UNREACHABLE
from ui import auth, components, data, state

ROOT = Path(__file__).resolve().parent
log = logging.getLogger("kpi.dashboard")

# (section key, [(file, title key, icon, default)]): the menu as data.
NAVIGATION = (
    (
        "nav.section_overview",
        [
            ("pages/1_Tong_quan.py", "nav.overview", ":material/dashboard:", True),
            ("pages/2_Chi_tieu.py", "nav.indicator", ":material/monitoring:", False),
            ("pages/3_Dia_ban.py", "nav.districts", ":material/map:", False),
            ("pages/4_Xep_loai.py", "nav.ratings", ":material/military_tech:", False),
            ("pages/9_Bao_cao.py", "brief.page.nav", ":material/description:", False),
        ],
    ),
    (
        "nav.section_data",
        [
            ("pages/5_Danh_sach_HTX.py", "nav.coops", ":material/list_alt:", False),
            ("pages/6_Nhap_du_lieu.py", "nav.imports", ":material/upload_file:", False),
            ("pages/10_Chat_luong_so_lieu.py", "nav.quality", ":material/fact_check:", False),
            ("pages/8_Nhiem_vu.py", "nav.tasks", ":material/task_alt:", False),
        ],
    ),
    ("nav.section_info", [("pages/7_Phuong_phap.py", "nav.method", ":material/menu_book:", False)]),
    ("nav.section_admin", [("pages/11_Nhat_ky.py", "nav.audit", ":material/policy:", False)]),
)
ADMIN_PAGES = {"pages/11_Nhat_ky.py"}  # in the menu of admins only (the page checks the role again)


def build_pages(lang: str, admin: bool = False) -> dict[str, list]:
    """Return the menu: section title -> st.Page entries (admin pages for admins only)."""
    menu: dict[str, list] = {}
    for section, entries in NAVIGATION:
        pages = [
            st.Page(ROOT / path, title=t(title, lang), icon=icon, default=default)
            for path, title, icon, default in entries
            if admin or path not in ADMIN_PAGES
        ]
        if pages:
            menu[t(section, lang)] = pages
    return menu


def main() -> None:
    """Set up the page, draw the shared sidebar and run the chosen page."""
    state.read_address()
    lang = state.lang()
    st.set_page_config(
        page_title=t("app_title", lang),
        # A local image: a Material icon as favicon is fetched by every visitor's browser from Google's servers.
        page_icon=str(ROOT / "data" / "favicon.png"),
        layout="wide",
        initial_sidebar_state="expanded",
    )
    try:
        if not auth.gate(lang):  # `require_login` and nobody logged in: the login form only
            st.navigation(build_pages(lang), position="hidden")
            return
        page = st.navigation(build_pages(lang, admin=auth.allowed(Permission.MANAGE_ACCOUNTS)))
        years = data.get_years()
        state.sidebar(years)
        auth.sidebar(lang)
        components.page_style()
        if data.is_sample_data():
            components.sample_notice(lang)
        components.forget_exit_button()
        try:
            page.run()
        finally:  # also when the page stops early (no data): the address still says what was chosen there
            state.sync_address()
    except UNREACHABLE:
        # The database is down or refuses: visitors get a plain message, the server log the host and trace.
        log.exception("the store cannot be reached")
        st.error(t("notice.store_down", lang), icon=":material/cloud_off:")
    components.leave_presentation_button()


main()
