"""The page tests (streamlit.testing.v1.AppTest) run against a throw-away store.

The store is one SQLite file per test session (per xdist worker); the dashboard seeds it with the sample
workbooks on its first run, as it does on a fresh installation. Expected figures come from
tests/app/apptest_helpers.py, computed by the core from the same workbooks, never by the page code.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest_helpers import open_page


@pytest.fixture(scope="session", autouse=True)
def throw_away_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Point the dashboard at an empty SQLite store of its own for the whole session (and keep Chromium for
    chart images unstarted: no test here downloads one)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 's.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_DATABASE_URL", url)
        patch.setenv("KPI_IMAGE_WARM_UP", "0")
        yield url


@pytest.fixture
def fresh_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Return the URL of an empty SQLite store of this test's own, the one the dashboard will open."""
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    monkeypatch.setenv("KPI_DATABASE_URL", url)
    return url


@pytest.fixture(scope="module")
def page(request: pytest.FixtureRequest) -> AppTest:
    """The page named by the test module's PAGE as a reader first opens it: Vietnamese, the latest year,
    every choice at its default (one run per module; a module with other needs defines its own `page`)."""
    return open_page(request.module.PAGE)
