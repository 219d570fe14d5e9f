"""The floor of the page benchmark: a page that only renders what a dashboard page showed, already built.

`bench/bench_pages.py` runs each dashboard page with AppTest, collects what it rendered (plotly figures,
metrics, tables), and hands the same objects to this page through `st.session_state["bench_floor"]`. No
data is read and nothing is computed here, so its run time is what rendering that output costs at the
least; a page's warm run should stay within 1,5 times of it.
"""

from __future__ import annotations

import streamlit as st

FLOOR_KEY = "bench_floor"

content = st.session_state.get(FLOOR_KEY, {})
st.title(content.get("title", "Floor"))
metrics = content.get("metrics", [])
for start in range(0, len(metrics), 4):
    for column, (label, value, delta) in zip(st.columns(4), metrics[start : start + 4], strict=False):
        column.metric(label, value, delta)
for i, figure in enumerate(content.get("figures", [])):
    st.plotly_chart(figure, key=f"floor-figure-{i}")
for table in content.get("tables", []):
    st.dataframe(table, hide_index=True)
