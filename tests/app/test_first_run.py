"""First start on an empty store: the sample years go in as sample versions, once; never after their removal."""

from __future__ import annotations

import ui.data
from kpi.common.access import command_line
from kpi.store.versions import open_store
from tests.app.apptest_helpers import open_page, sample_dataset

OPERATOR = command_line("kiem-thu")  # the tests write as the command line does


def test_an_empty_store_is_filled_with_the_sample_years_marked_as_sample(fresh_store):
    at = open_page()
    assert not at.exception
    store = open_store(fresh_store)
    assert sorted(store.current_versions()) == sample_dataset().years
    assert store.has_sample()
    assert all(v.is_sample for year in store.years() for v in store.versions(year))


def test_after_the_sample_is_removed_it_does_not_come_back(fresh_store):
    open_page()
    open_store(fresh_store).delete_sample(by="Kiểm thử", identity=OPERATOR)
    ui.data._open_store.clear()  # as after a restart of the server
    at = open_page()
    assert not at.exception
    assert open_store(fresh_store).current_versions() == {}
    assert any("Chưa có số liệu" in i.value for i in at.info)
    assert not any("Dữ liệu mẫu" in w.value for w in at.warning)
