"""Markdown and HTML typed into workbooks and forms stay text on every page: cooperative names, communes, the
reporting unit, file names, "by" and "note" of versions, task report texts.

The store is filled with such text; each page is run (AppTest) and every element whose text Streamlit renders
as Markdown (markdown, captions, titles, alerts, expander and metric labels, static-table cells and headers)
is rendered with markdown-it-py: no link, no image, no HTML tag, no bare address left whole. st.html bodies
hold no tag from the payloads. And the payloads show literally where the page shows that text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest_helpers import ENTRY, add_account, log_in, shown
from tests.hostile import (
    BY,
    EVIL_HOST,
    FILE_NAME,
    NAMES,
    NOTE,
    PAYLOADS,
    fill_hostile_store,
    hostile_workbook,
    render,
)
from tests.navigation import page_files

TIMEOUT = 180
# every page an anonymous visitor reaches, new ones included; the overview is the entry point's own first run
PAGES = [None if page == "pages/1_Tong_quan.py" else page for page in page_files()]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding two versions of 2024 and task reports, all full of payloads (module-wide)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 's.sqlite'}"
    fill_hostile_store(url)
    # an analyst whose display name is a payload too: the page shows it beside the login
    add_account(url, "lan", "analyst", display_name=PAYLOADS[0])
    return url


def _open(page: str | None, url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _markdown_texts(at: AppTest) -> list[str]:
    """Return every text of the run that Streamlit renders as Markdown."""
    texts: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "error",
        "warning",
        "info",
        "success",
    ):
        texts += [e.value for e in at.get(kind)]
    texts += [e.label for e in at.get("expandable")] + [e.label for e in at.metric]
    for table in at.table:
        frame: pd.DataFrame = table.value
        texts += [str(c) for c in frame.columns]
        texts += [v for v in frame.to_numpy().ravel().tolist() if isinstance(v, str)]
    return texts


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))


def _unsafe(markdown: str) -> list[str]:
    """Return what is wrong with one Markdown text: tags other than text ones, or a bare address left whole."""
    tags, _ = render(markdown)
    faults = [tag for tag in tags if tag in ("a", "img", "script", "iframe")]
    faults += [s for s in ("http://", "https://", "www.", "javascript:", "@" + EVIL_HOST) if s in markdown]
    if re.search(r"(?<!\\)<(img|a)\b", markdown):  # an HTML tag not escaped
        faults.append("raw tag")
    return faults


@pytest.mark.parametrize("page", PAGES, ids=[p or "overview" for p in PAGES])
def test_no_payload_becomes_a_link_an_image_or_a_tag_on_any_page(page, hostile_store, monkeypatch) -> None:
    at = _open(page, hostile_store, monkeypatch)
    texts = _markdown_texts(at)
    assert texts
    assert {text: _unsafe(text) for text in texts if _unsafe(text)} == {}
    for body in (h.proto.body for h in at.get("html")):
        parser = _Tags()
        parser.feed(body)
        assert not [(tag, attrs) for tag, attrs in parser.found if any(EVIL_HOST in str(v) for _, v in attrs)]


def test_page_5_heading_of_a_cooperative_shows_its_name_literally(hostile_store, monkeypatch) -> None:
    at = _open("pages/5_Danh_sach_HTX.py", hostile_store, monkeypatch)
    headings = [shown(m.value) for m in at.markdown if " · " in shown(m.value)]
    assert any(h.startswith(tuple(f"{name} · " for name in NAMES)) for h in headings), headings


def test_page_3_model_cooperatives_and_page_7_sources_show_the_text_literally(
    hostile_store, monkeypatch
) -> None:
    districts = _open("pages/3_Dia_ban.py", hostile_store, monkeypatch)
    cells = {
        shown(v) for t in districts.table for v in t.value.to_numpy().ravel().tolist() if isinstance(v, str)
    }
    assert any(any(name in cell for name in NAMES) for cell in cells), cells
    method = _open("pages/7_Phuong_phap.py", hostile_store, monkeypatch)
    cells = {
        shown(v) for t in method.table for v in t.value.to_numpy().ravel().tolist() if isinstance(v, str)
    }
    assert {FILE_NAME, BY} <= cells


def test_page_6_shows_the_versions_by_and_note_without_rendering_them(hostile_store, monkeypatch) -> None:
    at = log_in(_open("pages/6_Nhap_du_lieu.py", hostile_store, monkeypatch), "lan")
    texts = _markdown_texts(at)
    assert {text: _unsafe(text) for text in texts if _unsafe(text)} == {}
    sources = at.dataframe[0].value  # a grid: plain text, never Markdown
    assert FILE_NAME in sources.to_numpy().ravel().tolist() and BY in sources.to_numpy().ravel().tolist()
    options = at.selectbox(key="imports_rb_version").options
    assert any(BY in o and NOTE in o for o in options)


def test_page_6_preview_of_an_uploaded_workbook_renders_no_payload(hostile_store, monkeypatch) -> None:
    at = log_in(_open("pages/6_Nhap_du_lieu.py", hostile_store, monkeypatch), "lan")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader[0].upload(f"{PAYLOADS[1]}.xlsx", hostile_workbook(2024, 13), xlsx).run()
    assert not at.exception
    assert at.table, "the preview shows its short tables as static tables"
    texts = _markdown_texts(at)
    assert {text: _unsafe(text) for text in texts if _unsafe(text)} == {}
    names = {shown(v) for t in at.table for v in t.value.to_numpy().ravel().tolist() if isinstance(v, str)}
    assert set(NAMES) & names, names  # the cooperatives' names, read literally in the preview's tables
