"""With the database down, a visitor reads a plain Vietnamese message: no traceback, no host, no path; the
details go to the server log."""

from __future__ import annotations

import logging

import pytest

from kpi.common.i18n import t
from tests.app.apptest_helpers import ROOT, open_page

UNREACHABLE_URL = "postgresql+psycopg://kpi_reader@127.0.0.1:1/kpi_secret_db"


def _everything_sent(at) -> str:
    """Return the text of every element the run sent to the browser (main area and sidebar)."""
    sent: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            sent.append(str(proto))
        children = getattr(node, "children", None)
        for child in children.values() if isinstance(children, dict) else []:
            walk(child)

    walk(at._tree)
    return "\n".join(sent)


def test_a_database_that_cannot_be_reached_gives_a_plain_message_and_a_server_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Through dashboard.py, which runs every page of the menu (AppTest's switch_page would run a page file on
    # its own, outside the navigation; the browser test opens the other pages through the menu).
    monkeypatch.setenv("KPI_DATABASE_URL", UNREACHABLE_URL)
    with caplog.at_level(logging.ERROR, logger="kpi.dashboard"):
        at = open_page()
    assert not at.exception
    assert [e.value for e in at.error] == [t("notice.store_down", "vi")]
    sent = _everything_sent(at)
    for secret in ("127.0.0.1", "kpi_secret_db", "kpi_reader", "psycopg", "Traceback", str(ROOT), "/usr/"):
        assert secret not in sent
    logged = "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    assert "the store cannot be reached" in logged and "OperationalError" in logged


def test_the_visitors_see_no_error_details_in_the_server_settings() -> None:
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'showErrorDetails = "none"' in config
