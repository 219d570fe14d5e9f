"""Nhật ký (admins only): the events of the store with who did them, filtered by action, account and dates,
and downloaded as CSV. Reading and laying out the events is `kpi.store.audit`; the role is checked here again, not
only by leaving the page out of the menu of others."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi.common.access import Permission
from kpi.common.formatting import format_number
from kpi.common.i18n import t
from kpi.store.audit import action_text, audit_csv, audit_events, audit_table, choices
from ui import auth, data, state

K = "audit_"
lang = state.lang()
store = data.get_store()

st.title(t("audit.title", lang))
if not auth.allowed(Permission.MANAGE_ACCOUNTS):
    st.warning(t("audit.admins_only", lang), icon=":material/lock:")
    st.stop()
st.caption(t("audit.caption", lang))

actions, names = choices(store)
c1, c2, c3 = st.columns([2, 2, 2])
chosen_actions = c1.multiselect(
    t("audit.filter.action", lang),
    actions,
    format_func=lambda a: action_text(a, lang),
    key=K + "actions",
)
who = c2.selectbox(t("audit.filter.who", lang), ["", *names], key=K + "who")
today = dt.date.today()
dates = c3.date_input(
    t("audit.filter.dates", lang), value=(), max_value=today, format="DD/MM/YYYY", key=K + "dates"
)
start, end = (dates[0], dates[-1]) if isinstance(dates, tuple | list) and dates else (None, None)

events = audit_events(store, actions=chosen_actions or None, who=who or None, start=start, end=end)
table = audit_table(events, lang)
st.caption(t("audit.count", lang, count=format_number(len(table), 0, lang)))
st.dataframe(table, hide_index=True, key=K + "table")
st.download_button(
    t("audit.download", lang),
    data=audit_csv(table),
    file_name=t("audit.file", lang),
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key=K + "csv",
)
