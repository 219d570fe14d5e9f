"""Page-side pieces of the analyst's safeguards: the template prefilled with a stored year, and the cached data
quality of a year (page "Chất lượng số liệu"). The checks themselves are `kpi.stats.quality`; these functions lay
out what comes back. (The year-on-year warnings shown first in the preview of page 6 and the automatic
corrections shown apart from the problems are laid out with the rest of page 6, in `ui.data_admin`.)
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from kpi.common.i18n import t
from kpi.stats.quality import QualityTables, readable_quality
from kpi.stats.results import stored_quality
from ui import data
from ui.data_admin import XLSX


def prefilled_bytes(store, year: int) -> bytes:
    """Return the template filled with the version in force of `year` (`Store.export_year`: formula-safe)."""
    buffer = io.BytesIO()
    store.export_year(year, buffer)
    return buffer.getvalue()


def prefilled_template(prefix: str, store, lang: str) -> None:
    """Offer the template prefilled with a stored year: a choice of year and the download button."""
    years = data.get_years()
    if not years:
        return
    st.caption(t("imports.prefilled", lang))
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    year = left.selectbox(
        t("imports.prefilled_year", lang),
        list(reversed(years)),
        help=t("imports.prefilled_help", lang),
        key=prefix + "prefilled_year",
    )
    right.download_button(
        t("imports.prefilled_button", lang, year=year),
        data=lambda: prefilled_bytes(store, int(year)),
        file_name=t("imports.prefilled_file", lang, year=year),
        mime=XLSX,
        on_click="ignore",
        icon=":material/download:",
        key=prefix + "prefilled",
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def _quality(version: data.DataVersion, year: int, lang: str) -> QualityTables:
    return stored_quality(data.get_store(), year, dict(version.versions), (lang,))


def get_quality(year: int, lang: str) -> QualityTables:
    """Return the data quality of `year` in force, its warnings in `lang` (kept with its version: computed at
    the first visit after an import of the year or of the year before, or in the background then). Read-only."""
    return _quality(data.data_version(), year, lang)


@st.cache_data(max_entries=8, show_spinner=False)
def _quality_tables(version: data.DataVersion, year: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    quality = _quality(version, year, lang)
    return readable_quality(quality, lang), quality.warnings[lang]


def get_quality_tables(year: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the quality table as read and the table of its year-on-year warnings, in `lang`."""
    return _quality_tables(data.data_version(), year, lang)
