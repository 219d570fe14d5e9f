"""Every write path of the store refuses whoever may not write, and records who wrote (issue 12).

Statistics and task reports (one import and one rollback of kpi/store/versions.py, taking a kind) ask `kpi.common.access.refusal`; an anonymous
identity (what a web session without a login acts as) and a viewer are refused with nothing changed, for
imports, rollbacks (to a version or to "no data") and the removal and restoration of the sample data. Stores come from tests/store/test_versions.py.
"""

from __future__ import annotations

import pytest

from kpi.common.access import ANONYMOUS, Identity, Role, command_line
from kpi.store.versions import TASKS, Status, Store, StoreError
from tests.store import test_versions as test_store
from tests.store.test_task_versions import progress_bytes, rows_2024
from tests.store.test_versions import make_workbook, with_members
from ui.data_admin import restore_sample

store_url = test_store.store_url
store = test_store.store

OPERATOR = command_line("kiem-thu")
VIEWER = Identity(role=Role.VIEWER, account="xem", display_name="Người Xem")
ANALYST = Identity(
    role=Role.ANALYST,
    account="lan",
    display_name="Nguyễn Thị Lan",
    session_id="s-1",
    client_address="10.0.0.7",
)
REFUSED = {None: "login_required", ANONYMOUS: "login_required", VIEWER: "forbidden"}


def _two_versions_of_each_kind_and_a_sample(store: Store) -> None:
    assert store.import_workbook(
        make_workbook(2023), "mau.xlsx", None, "Mẫu", is_sample=True, identity=OPERATOR
    ).ok
    for members in (12, 13):
        data = make_workbook(coops=with_members(members))
        assert store.import_workbook(data, f"{members}.xlsx", None, "Lan", identity=OPERATOR).ok
    for conferences in (18.0, 19.0):
        data = progress_bytes(rows_2024(conferences))
        assert store.import_workbook(
            data, f"{conferences}.xlsx", None, "Lan", kind=TASKS, identity=OPERATOR
        ).ok


@pytest.mark.parametrize("who", list(REFUSED), ids=["nobody", "anonymous", "viewer"])
def test_whoever_may_not_write_is_refused_on_every_write_path_and_the_store_is_unchanged(
    store: Store, who
) -> None:
    _two_versions_of_each_kind_and_a_sample(store)
    sample = store.sample_version(make_workbook(2022), "mau-2022.xlsx")
    before = store.dump()
    code = REFUSED[who]

    stats = store.import_workbook(
        make_workbook(coops=with_members(99)), "x.xlsx", None, "Khách", identity=who
    )
    tasks = store.import_workbook(
        progress_bytes(rows_2024(99.0)), "x.xlsx", None, "Khách", kind=TASKS, identity=who
    )
    for outcome in (stats, tasks):
        assert (outcome.status, [p.code for p in outcome.problems]) == (Status.REJECTED, [code])
        assert outcome.message().endswith("chưa có gì thay đổi.")  # the refusal itself, not "1 error"
    for write in (
        lambda: store.rollback(2024, 1, "Khách", identity=who),
        lambda: store.rollback(2024, 1, "Khách", kind=TASKS, identity=who),
        lambda: store.delete_sample("Khách", identity=who),
        lambda: store.rollback(2024, None, "Khách", identity=who),
        lambda: store.rollback(2024, None, "Khách", kind=TASKS, identity=who),
        lambda: store.restore_sample("Khách", [sample], identity=who),
        lambda: restore_sample(store, "Khách", who),
    ):
        with pytest.raises(StoreError) as refused:
            write()
        assert refused.value.problem.code == code
    assert store.dump() == before


def test_a_refused_import_reads_nothing_of_the_file(store: Store) -> None:
    outcome = store.import_workbook(b"not a workbook at all", "x.xlsx", None, "Khách", identity=ANONYMOUS)
    assert [p.code for p in outcome.problems] == ["login_required"]  # no 'not_excel': the file was not read


def test_an_analyst_writes_and_each_event_names_the_account_session_and_address(store: Store) -> None:
    assert store.import_workbook(
        make_workbook(2023), "mau.xlsx", None, "Mẫu", is_sample=True, identity=OPERATOR
    ).ok
    assert store.import_workbook(make_workbook(), "a.xlsx", None, ANALYST.name, identity=ANALYST).ok
    data = make_workbook(coops=with_members(50))
    assert store.import_workbook(data, "b.xlsx", None, ANALYST.name, identity=ANALYST).ok
    store.rollback(2024, 1, ANALYST.name, identity=ANALYST)
    store.delete_sample(ANALYST.name, identity=ANALYST)
    events = sorted(store.dump()["events"], key=lambda e: e["id"])[1:]  # after the operator's sample
    audit = [
        (e["action"], e["actor"], e["account"], e["os_user"], e["session_id"], e["client_address"])
        for e in events
    ]
    lan = ("Nguyễn Thị Lan", "lan", None, "s-1", "10.0.0.7")
    assert audit == [("import", *lan), ("import", *lan), ("rollback", *lan), ("delete_sample", *lan)]


def test_the_command_line_records_its_os_user_beside_the_name_given_with_by(store: Store) -> None:
    assert store.import_workbook(
        make_workbook(), "a.xlsx", None, "Trần Văn Minh", identity=command_line("minh")
    ).ok
    [event] = store.dump()["events"]
    assert (event["actor"], event["os_user"], event["account"], event["session_id"]) == (
        "Trần Văn Minh",
        "minh",
        None,
        None,
    )
