"""The page tests (streamlit.testing.v1.AppTest) run against a throw-away store.

The store is one SQLite file per test session (per xdist worker); the dashboard seeds it with the sample
workbooks on its first run, as it does on a fresh installation. Expected figures come from
tests/app/apptest_helpers.py, computed by the core from the same workbooks, never by the page code.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session", autouse=True)
def throw_away_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Point the dashboard at an empty SQLite store of its own for the whole session (and keep Chromium for
    chart images unstarted: no test here downloads one)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 's.sqlite'}"
    settings = {"KPI_DATABASE_URL": url, "KPI_IMAGE_WARM_UP": "0"}
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    yield url
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
