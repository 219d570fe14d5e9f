"""Pieces the pages share: indicator card, status badge, chart with its "Tải ảnh" button, notices, CSS.

Texts and numbers come ready from `kpi.stats.scorecard` / `kpi.stats.charts`; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from html import escape

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.common.formatting import format_date
from kpi.common.i18n import t
from kpi.common.safe_text import escape_markdown
from kpi.common.theme import FONT_FAMILY, MUTED_TEXT, enlarge, status_style
from kpi.domain.plan import Indicator, Plan
from kpi.stats.charts import (
    ImageSpec,
    briefing_png,
    build_sparkline,
    chart_config,
    data_note,
    image_file_name,
    image_footer,
    images_zip,
    start_image_server,
)
from kpi.stats.report import IndicatorResult
from kpi.stats.scorecard import (
    Verdict,
    big_value,
    change_text,
    derived_note,
    target_share_text,
    target_text,
    what_it_takes,
)
from ui import data, state

CHART_MAX_WIDTH_PX = 1200  # on screen; with PRINT_CHART_ZOOM the widest chart fits an A4 page's text width
A4_TEXT_WIDTH_PX = 703  # 210 mm - 2 x 12 mm margins, at 96 px per inch
PRINT_CHART_ZOOM = round(A4_TEXT_WIDTH_PX / CHART_MAX_WIDTH_PX, 3)

_BASE_CSS = f"""
<style>
.kpi-card {{ font-family: {FONT_FAMILY}; line-height: 1.3; }}
.kpi-name {{ font-weight: 600; font-size: 1.02rem; min-height: 2.6em; }}
.kpi-value {{ font-size: 2.0rem; font-weight: 700; white-space: nowrap; }}
.kpi-value-row {{ display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.35rem; margin: 0.15rem 0; }}
.kpi-unit {{ font-size: 1.0rem; font-weight: 400; color: {MUTED_TEXT}; white-space: nowrap; }}
.kpi-badge {{ display: inline-block; padding: 0.1rem 0.6rem; border-radius: 0.9rem; font-weight: 600;
  font-size: 0.95rem; border: 1px solid rgba(0,0,0,0.35); }}
.kpi-line {{ font-size: 0.95rem; color: {MUTED_TEXT}; margin-top: 0.2rem; }}
.kpi-share {{ font-size: 1.05rem; font-weight: 700; margin-top: 0.3rem; }}
.kpi-derived {{ font-style: italic; text-decoration: underline dotted; cursor: help; }}
.kpi-badge[title] {{ cursor: help; }}
.kpi-next {{ font-size: 0.98rem; font-weight: 600; }}
.kpi-sentences {{ font-size: 1.1rem; margin: 0 0 0.4rem 0; padding-left: 1.2rem; }}
.kpi-sentences li {{ margin: 0.15rem 0; }}
.kpi-note {{ font-size: 1.0rem; margin: 0.2rem 0 0.6rem 0; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 3.2rem; }}
[data-testid="stPlotlyChart"] {{ max-width: {CHART_MAX_WIDTH_PX}px; }}
@media print {{
  @page {{ size: A4 portrait; margin: 12mm; }}
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stDownloadButton"], [data-testid="stButton"],
  .stDownloadButton, .stButton, [data-testid="stElementToolbar"] {{ display: none !important; }}
  [data-testid="stMain"] {{ margin-left: 0 !important; }}
  [data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: 100% !important; }}
  /* Charts keep the pixel width they were drawn at on screen (at most CHART_MAX_WIDTH_PX): scaled down so
     that the widest fits the A4 text width (186 mm = 703 px), and never split across pages. */
  [data-testid="stPlotlyChart"] {{ zoom: {PRINT_CHART_ZOOM}; break-inside: avoid; }}
  .kpi-tile, .kpi-card, .kpi-chips, [data-testid="stVerticalBlockBorderWrapper"] {{ break-inside: avoid; }}
  .kpi-chips {{ grid-template-columns: repeat(2, minmax(0, 1fr)); }}
  .kpi-chip-name {{ white-space: normal; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
.kpi-headline {{ font-size: 1.45rem; font-weight: 700; margin: 0.2rem 0 0.6rem 0; }}
.kpi-tiles {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.7rem;
  font-family: {FONT_FAMILY}; margin: 0.2rem 0 0.7rem 0; }}
.kpi-tile {{ border: 1px solid #D0D7DE; border-top: 0.5rem solid; border-radius: 0.5rem; padding: 0.5rem 0.8rem;
  line-height: 1.25; }}
.kpi-tile-name {{ font-weight: 600; font-size: 1.05rem; min-height: 2.5em; }}
.kpi-tile-value {{ font-size: 2.1rem; font-weight: 700; white-space: nowrap; line-height: 1.15; }}
.kpi-tile-target {{ font-size: 0.95rem; color: {MUTED_TEXT}; }}
.kpi-tile-verdict {{ display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0.35rem 0 0.2rem 0; }}
.kpi-tile-share {{ font-weight: 700; font-size: 1.05rem; }}
.kpi-tile-next {{ font-size: 0.9rem; }}
.kpi-first-sentence {{ font-size: 1.12rem; font-weight: 700; margin: 0 0 0.35rem 0; line-height: 1.3; }}
.st-key-overview-head h1 {{ font-size: 2.0rem; padding: 0 0 0.1rem 0; }}
.kpi-chips {{ display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.25rem 0.9rem;
  font-family: {FONT_FAMILY}; font-size: 0.92rem; }}
.kpi-chip {{ display: flex; align-items: center; gap: 0.4rem; min-width: 0; cursor: help; }}
.kpi-chip-symbol {{ flex: none; width: 1.4rem; text-align: center; border-radius: 0.3rem;
  border: 1px solid rgba(0,0,0,0.35); font-weight: 700; }}
.kpi-chip-name {{ flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
.kpi-chip-figure {{ flex: none; font-weight: 700; }}
.kpi-chip-mark {{ flex: none; font-style: italic; color: {MUTED_TEXT}; }}
</style>
"""

_PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stMainMenu"] { display: none !important; }
html { font-size: 19px; }
.kpi-tile-value { font-size: 2.8rem !important; }
.kpi-tile-name, .kpi-tile-share { font-size: 1.25rem !important; }
.kpi-tile-target, .kpi-tile-next { font-size: 1.05rem !important; }
.kpi-slide-position { font-size: 1.1rem; font-weight: 700; }
h1 { font-size: 2.3rem !important; padding: 0.2rem 0 0.4rem 0 !important; }
.kpi-first-sentence { font-size: 1.4rem !important; }
.kpi-chips { font-size: 1.1rem !important; gap: 0.45rem 1.2rem !important; }
.kpi-sentences { font-size: 1.4rem !important; }
.st-key-slide-bar { border-bottom: 1px solid #D0D7DE; padding-bottom: 0.4rem; }
.st-key-slide-bar [data-testid="stSelectbox"] { max-width: 8rem; }
[data-testid="stMainBlockContainer"], .block-container { padding-top: 1.2rem !important; max-width: 100% !important;
  padding-bottom: 0.5rem !important;
  padding-left: 2.2rem !important; padding-right: 2.2rem !important; }
[data-testid="stApp"] [data-testid="stMain"] { margin-left: 0 !important; }
</style>
"""


def page_style() -> None:
    """Add the dashboard's CSS (and the presentation-mode CSS when it is on) to the page."""
    st.html(_BASE_CSS + (_PRESENT_CSS if state.present() else ""))


_EXIT_DRAWN = "_exit_button_drawn"


def forget_exit_button() -> None:
    """Note that this run has not drawn the leave-presentation button yet (called before the page runs)."""
    st.session_state[_EXIT_DRAWN] = False


def leave_presentation_button() -> None:
    """Show, in presentation mode, the control for leaving it (once per run: the slides draw it in their bar,
    other pages get it after their content)."""
    if state.present() and not st.session_state.get(_EXIT_DRAWN):
        st.session_state[_EXIT_DRAWN] = True
        st.button(
            t("present.exit", state.lang()),
            on_click=state.leave_presentation,
            type="tertiary",
            icon=":material/fullscreen_exit:",
            key="leave-presentation",
        )


def sample_notice(lang: str) -> None:
    """Show that the figures are sample data, in a box nobody can miss."""
    st.warning(t("notice.sample", lang), icon=":material/science:")


def status_badge_html(status: str, label: str, explanation: str = "") -> str:
    """Return the badge of a status: its colour, symbol and label (readable in greyscale), with its
    plain-words explanation as the tooltip."""
    style = status_style(status)
    tip = f' title="{escape(explanation)}"' if explanation else ""
    return (
        f'<span class="kpi-badge" data-status="{escape(status)}"{tip} '
        f'style="background:{style.colour};color:{style.text_colour}">'
        f"{escape(style.symbol)} {escape(label)}</span>"
    )


def plan_badge_html(status: str, plan: Plan, lang: str) -> str:
    """Return the badge of a status with the plan's label and explanation."""
    rules = plan.assessment
    return status_badge_html(status, rules.label(status, lang), rules.help(status, lang))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def target_line_html(indicator: Indicator, lang: str) -> str:
    """Return the target line of a card; a derived target is marked and says why on hover."""
    text = escape(target_text(indicator, lang))
    note = derived_note(indicator, lang)
    if not note:
        return f'<div class="kpi-line">{text}</div>'
    return f'<div class="kpi-line kpi-derived" title="{escape(note)}">{text}</div>'


def card_html(result: IndicatorResult, plan: Plan, year: int, lang: str) -> str:
    """Return the HTML of the upper part of a card: name, value and unit, status, target, change."""
    ind = result.indicator
    number, unit = big_value(ind, result.assessment.value, lang)
    share = target_share_text(result, lang)
    change = change_text(result, year, lang)
    lines = []
    if share:
        lines.append(f'<div class="kpi-share">{escape(_capital(share))}</div>')
    lines.append(target_line_html(ind, lang))
    if change:
        lines.append(f'<div class="kpi-line">{escape(_capital(change))}</div>')
    unit_html = f'<span class="kpi-unit">{escape(unit)}</span>' if unit else ""
    return (
        f'<div class="kpi-card" data-indicator="{escape(ind.id)}">'
        f'<div class="kpi-name" title="{escape(ind.definition.get(lang))}">{escape(ind.name.get(lang))}</div>'
        f'<div class="kpi-value-row"><span class="kpi-value">{escape(number)}</span>{unit_html}</div>'
        f"{plan_badge_html(result.assessment.status, plan, lang)}"
        f"{''.join(lines)}</div>"
    )


def indicator_card(
    result: IndicatorResult, plan: Plan, year: int, lang: str, sparkline: go.Figure | None = None
) -> None:
    """Show one indicator as a card: value, status, target and share, change, trend line, what it takes.

    `sparkline` is the trend line already built (ui.data.get_figure); without it, it is built here.
    """
    with st.container(border=True):
        st.html(card_html(result, plan, year, lang))
        if sum(v is not None for y, v in result.history.items() if y <= year) >= 2:
            st.plotly_chart(
                sparkline or build_sparkline(result.history, result.indicator, lang, upto=year),
                theme=None,
                height=60,
                config={"displayModeBar": False},
                key=f"spark-{result.indicator.id}",
            )
        st.html(f'<div class="kpi-next">➜ {escape(_capital(what_it_takes(result, year, lang)))}</div>')


def _tile_html(v: Verdict) -> str:
    style = status_style(v.status)
    derived = f' title="{escape(v.derived_note)}"' if v.derived_note else ""
    unit = f'<span class="kpi-unit">{escape(v.unit)}</span>' if v.unit else ""
    return (
        f'<div class="kpi-tile" data-indicator="{escape(v.id)}" style="border-top-color:{style.colour}">'
        f'<div class="kpi-tile-name" title="{escape(v.definition)}">{escape(v.name)}</div>'
        f'<div class="kpi-value-row"><span class="kpi-tile-value">{escape(v.number)}</span>{unit}</div>'
        f'<div class="kpi-tile-target{" kpi-derived" if v.derived_note else ""}"{derived}>'
        f"{escape(v.target)}</div>"
        f'<div class="kpi-tile-verdict">{status_badge_html(v.status, v.label, v.explanation)}'
        f'<span class="kpi-tile-share">{escape(v.share)}</span></div>'
        f'<div class="kpi-tile-next">{escape(v.next_step)}</div></div>'
    )


def _chip_html(v: Verdict) -> str:
    style = status_style(v.status)
    name = f"{v.name} ({v.derived_mark})" if v.derived_mark else v.name
    mark = f'<span class="kpi-chip-mark">({escape(v.derived_mark)})</span>' if v.derived_mark else ""
    tip = " · ".join(x for x in (name, v.value, v.target, f"{v.label}: {v.explanation}") if x)
    return (
        f'<div class="kpi-chip" data-indicator="{escape(v.id)}" data-status="{escape(v.status)}" '
        f'title="{escape(tip)}">'
        f'<span class="kpi-chip-symbol" style="background:{style.colour};color:{style.text_colour}">'
        f"{escape(style.symbol)}</span>"
        f'<span class="kpi-chip-name">{escape(v.name)}</span>{mark}'
        f'<span class="kpi-chip-figure">{escape(v.figure or v.label)}</span></div>'
    )


def tiles(verdicts: list[Verdict]) -> None:
    """Show indicators as large tiles: value, target, verdict, % of the target, what is left."""
    st.html(f'<div class="kpi-tiles">{"".join(_tile_html(v) for v in verdicts)}</div>')


def first_screen(headline: list[Verdict], summary: list[Verdict], sentence: str) -> None:
    """Show the answer to "are we reaching the plan?": the headline targets as large tiles with their
    verdict, then the sentence and one chip per indicator (status symbol, name, % of target)."""
    tile_html = "".join(_tile_html(v) for v in headline)
    chips = "".join(_chip_html(v) for v in summary)
    st.html(
        f'<div class="kpi-tiles">{tile_html}</div>'
        f'<div class="kpi-headline kpi-first-sentence">{escape(sentence)}</div>'
        f'<div class="kpi-chips">{chips}</div>'
    )


def note(text: str) -> None:
    """Show a line of plain text (never read as markdown) in the size of the page's sentences."""
    st.html(f'<div class="kpi-note">{escape(text)}</div>')


def sentences(texts: list[str]) -> None:
    """Show sentences as one compact list (one per group of indicators)."""
    items = "".join(f"<li>{escape(text)}</li>" for text in texts)
    st.html(f'<ul class="kpi-sentences">{items}</ul>')


WARM_UP_ENV = "KPI_IMAGE_WARM_UP"  # "0" leaves Chromium unstarted until an image is asked for (page tests)


@st.cache_resource(show_spinner=False)
def _image_server_warming() -> threading.Thread | None:
    """Start the image server in the background once per process, so the first "Tải ảnh" is quick too
    (starting Chromium takes several seconds)."""
    if os.environ.get(WARM_UP_ENV, "1") == "0":
        return None
    thread = threading.Thread(target=start_image_server, name="kaleido-warm-up", daemon=True)
    thread.start()
    return thread


def image_spec(year: int | str | None, lang: str, slide: bool = False) -> ImageSpec:
    """Return what a downloaded picture carries: the footer (plan, data version of `year` or of all years
    shown, today's date), the sample mark when the figures are sample data, and the slide size if asked."""
    sample = data.is_sample_data()
    note = data_note(data.get_sources(), year if isinstance(year, int) else None, lang)
    footer = image_footer(data.get_plan(), note, dt.date.today(), lang, sample)
    return ImageSpec(footer, sample, slide)


def chart(fig: go.Figure, name: str, year: int | str | None, lang: str, key: str) -> None:
    """Show a chart with the toolbar's PNG download and two server-side picture buttons: "Tải ảnh" (report
    size, twice the resolution) and "Ảnh 16:9" (a 1920x1080 slide), both with the source footer and, on
    sample data, the "SỐ LIỆU MẪU" mark.

    `name` is an indicator or a chart's name; the file name is e.g. "so-htx-2024.png".
    """
    file_name = image_file_name(name, year, lang)
    shown = enlarge(go.Figure(fig)) if state.present() else fig
    st.plotly_chart(shown, theme=None, config=chart_config(file_name), key=f"chart-{key}")
    if not state.present():
        _image_server_warming()
        report_spec = image_spec(year, lang)
        with st.container(horizontal=True, gap="small"):
            for slide, label, help_key, suffix in (
                (False, "card.download", "card.download_help", ""),
                (True, "card.download_slide", "card.download_slide_help", "-16x9"),
            ):
                spec = replace(report_spec, slide=slide)
                st.download_button(
                    t(label, lang),
                    data=lambda spec=spec: briefing_png(fig, spec),
                    file_name=file_name.removesuffix(".png") + suffix + ".png",
                    mime="image/png",
                    on_click="ignore",
                    icon=":material/download:",
                    help=t(help_key, lang),
                    key=f"png-{key}{suffix}",
                )


def images_zip_button(
    figures: Callable[[], list[tuple[str | Indicator, go.Figure]]], name: str, year: int, lang: str
) -> None:
    """Show "Tải bộ ảnh": one ZIP of the report pictures of the figures `figures()` returns ((chart name or
    indicator, figure) pairs), built and drawn only when clicked."""
    if state.present():
        return
    spec = image_spec(year, lang)

    def archive() -> bytes:
        named = [(image_file_name(chart_name, year, lang), fig) for chart_name, fig in figures()]
        return images_zip(named, spec)

    st.download_button(
        t("card.download_zip", lang),
        data=archive,
        file_name=image_file_name(name, year, lang, ext="zip"),
        mime="application/zip",
        on_click="ignore",
        icon=":material/folder_zip:",
        help=t("card.download_zip_help", lang),
        key="zip-images",
    )


def no_data(lang: str, year: int | None = None) -> None:
    """Say there is no data (or none for the year) and stop the page."""
    st.info(t("notice.no_data", lang) if year is None else t("notice.no_year", lang, year=year))
    st.stop()


def chosen_year(lang: str) -> int:
    """Return the reporting year chosen (the latest by default); with no data at all, say so and stop the page."""
    year = state.year(data.get_years())
    if year is None:
        no_data(lang)
    return year


def literal_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with every text cell and header escaped for st.table, which renders cells as Markdown."""
    shown = frame.map(lambda v: escape_markdown(v) if isinstance(v, str) else v)
    shown.columns = [escape_markdown(c) for c in frame.columns]
    return shown


def static_table(frame: pd.DataFrame) -> None:
    """Show `frame` as a static table (st.table), its texts shown literally."""
    st.table(literal_frame(frame), hide_index=True)


def table(frame: pd.DataFrame, key: str, left: tuple[int, ...] = (0,)) -> None:
    """Show a table of texts (numbers already in Vietnamese format) in full, without index.

    A static table rather than a scrolling grid: every row is on screen and in a screenshot. Columns are
    right-aligned, as numbers read best, except those at the positions in `left` (the labels).
    """
    right = [i + 1 for i in range(len(frame.columns)) if i not in left]
    cells = ", ".join(
        f".st-key-table-{key} td:nth-child({i}), .st-key-table-{key} th:nth-child({i})" for i in right
    )
    with st.container(key=f"table-{key}"):
        if cells:
            st.html(f"<style>{cells} {{ text-align: right !important; }}</style>")
        static_table(frame)


def status_rules(rules: list[tuple[str, str]], plan: Plan, lang: str) -> None:
    """Show each status as its badge beside the rule that gives it."""
    rows = "".join(
        f'<tr><td style="padding:0.3rem 1rem 0.3rem 0;white-space:nowrap">'
        f"{plan_badge_html(status, plan, lang)}</td>"
        f'<td style="padding:0.3rem 0">{escape(rule)}</td></tr>'
        for status, rule in rules
    )
    st.html(f'<table class="kpi-rules" style="border-collapse:collapse"><tbody>{rows}</tbody></table>')


def sources_table(sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return the table of the files behind the figures shown, as text."""
    rows = []
    for _, r in sources.iterrows():
        year = r["year"]
        rows.append(
            {
                t("table.year", lang): "–" if year is None or pd.isna(year) else str(int(year)),
                t("page.method_file", lang): r["file_name"],
                t("page.method_version", lang): "–"
                if r["version"] is None or pd.isna(r["version"])
                else str(int(r["version"])),
                t("page.method_imported", lang): format_date(r["imported_at"].date(), lang),
                t("page.method_by", lang): r["imported_by"] or "–",
                t("page.method_kind", lang): t(
                    "page.method_sample" if r["is_sample"] else "page.method_real", lang
                ),
            }
        )
    return pd.DataFrame(rows)
