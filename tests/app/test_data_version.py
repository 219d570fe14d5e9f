"""The data version (the key of every cached read) is asked of the store once per script run (ui.per_run), and
an import or a rollback made meanwhile, by the command line or another process, shows at the very next run of
the same session."""

from __future__ import annotations

import pytest

from kpi.common.formatting import format_number
from kpi.stats.report import build_report, default_plan
from kpi.store.versions import STATS, TASKS, Store, open_store
from tests.app.apptest_helpers import core_report, html_bodies, latest_year, open_page
from tests.store.test_versions import OPERATOR, direct_dataset, make_workbook, with_members

MEMBERS = default_plan().indicator("members")


def shown_members(at) -> str:
    """Return the number the members card shows."""
    (card,) = [b for b in html_bodies(at) if 'data-indicator="members"' in b and 'class="kpi-card"' in b]
    return card.split('<span class="kpi-value">', 1)[1].split("</span>", 1)[0]


def members_of(workbook: bytes, year: int) -> str:
    """Return the members figure of a workbook's year, computed by the core from the file and formatted."""
    value = build_report(direct_dataset(workbook), year).result("members").assessment.value
    return format_number(value, MEMBERS.decimals)


def test_an_import_and_a_rollback_by_another_process_show_at_the_next_run(fresh_store: str) -> None:
    year = latest_year()
    at = open_page()  # fills an empty store with the sample years
    sample = format_number(core_report(year).result("members").assessment.value, MEMBERS.decimals)
    assert shown_members(at) == sample
    first, second = make_workbook(year), make_workbook(year, coops=with_members(40))
    with open_store(fresh_store) as store:  # as the command line would, sample beside sample
        for workbook in (first, second):
            outcome = store.import_workbook(workbook, f"{year}.xlsx", year, "kiểm thử", is_sample=True,
                                            identity=OPERATOR)  # fmt: skip
            assert outcome.ok, outcome.message()
    at.run()
    # 12 + 8 members in the base workbook's operating cooperatives, 40 + 8 in the second import
    assert (shown_members(at), members_of(second, year)) == ("48", "48")
    with open_store(fresh_store) as store:
        store.rollback(year, 2, "kiểm thử", identity=OPERATOR)
    at.run()
    assert (shown_members(at), members_of(first, year)) == ("20", "20")
    with open_store(fresh_store) as store:
        store.rollback(year, 1, "kiểm thử", identity=OPERATOR)
    at.run()
    assert shown_members(at) == sample


@pytest.mark.parametrize(
    ("page", "kind"),
    [(None, STATS), ("pages/2_Chi_tieu.py", STATS), ("pages/8_Nhiem_vu.py", TASKS)],
    ids=["the overview", "the indicator page", "the tasks page"],
)
def test_a_run_asks_the_store_for_its_current_versions_once(
    page: str | None, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(page)
    asked: list[str] = []
    ask = Store.current_versions

    def counted(self: Store, kind: str = STATS) -> dict[int, int]:
        asked.append(kind)
        return ask(self, kind)

    monkeypatch.setattr(Store, "current_versions", counted)
    at.run()
    assert not at.exception
    assert asked.count(kind) == 1
    at.run()
    assert asked.count(kind) == 2  # and again at the next run
