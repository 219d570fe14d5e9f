"""The page side of the dashboard (may import streamlit): reader's choices, the one data access, shared pieces."""

from ui.legacy_pages import run_through_the_entry_point

run_through_the_entry_point()  # every page imports ui first: no page runs without dashboard.py
