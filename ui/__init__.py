"""The page side of the dashboard (may import streamlit): reader's choices, the one data access, shared pieces."""

from __future__ import annotations

from pathlib import Path


def _run_through_the_entry_point() -> None:
    """Make a page file never run on its own, but always through dashboard.py (its set-up and navigation).

    Streamlit treats an app with a pages/ folder the old way (each file a page run on its own) until the entry
    point has called st.navigation. If a server's very first request names a page ("/Chi_tieu"), that page
    would run without dashboard.py, and the whole process would stay in the old mode (no page configuration,
    no shared sidebar, pages named after files). So the first page import switches the old mode off and, when
    the script running is not the entry point, asks for a rerun, which then goes through dashboard.py.
    """
    try:
        import streamlit as st
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # another Streamlit layout: nothing to correct
        return
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


_run_through_the_entry_point()
