"""The one patch of Streamlit's private API, kept here alone: switch off the legacy `pages/` mode.

Why (Streamlit 1.67, checked by tests/app/test_legacy_pages.py): `PagesManager.__init__` sets the class flag
`uses_pages_directory` when a folder named `pages/` sits beside the entry point, before any of our code runs,
and while it is set the script runner runs `_mpa_v1` instead of dashboard.py: a navigation of every file of
pages/ named after the files, and the page the address names run on its own. The documented way out is only
"as soon as any session executes st.navigation, the app ignores the pages/ directory", so the very first
request of a server decides: "/" shows the legacy list for a moment; "/Chi_tieu" runs that page without
dashboard.py (no page configuration, no shared sidebar) and, since that page never calls st.navigation, keeps
the whole process in the legacy mode. `client.showSidebarNavigation` only hides the list (and would hide our
menu too); st.App's lifespan runs outside a script run. Renaming pages/ would avoid it, but pages/ is the
users' layout. When Streamlit removes the legacy mode, delete this module and its import in ui/__init__.py.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx


def run_through_the_entry_point() -> None:
    """Switch the legacy mode off at the first page import; when the script running is a page file rather
    than the entry point, ask for a rerun, which then goes through dashboard.py and its st.navigation."""
    if not PagesManager.uses_pages_directory:
        return
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    PagesManager.uses_pages_directory = False
    page = ctx.pages_manager.get_pages().get(ctx.page_script_hash, {})
    running = page.get("script_path")
    if running and Path(running).resolve() != Path(ctx.pages_manager.main_script_path).resolve():
        st.rerun()
