"""The page side of the dashboard (may import streamlit): reader's choices, the one data access, shared pieces."""
