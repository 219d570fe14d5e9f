"""Tests of kpi.domain.tasks: the 34 tasks of Plan 485's appendix, loaded and checked, and their time frames."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from kpi.domain.plan import PLANS_DIR, load_plan
from kpi.domain.tasks import (
    DEFAULT_TASKS_PATH,
    INFERABLE_FIELDS,
    Schedule,
    TaskDataError,
    TaskList,
    TimeFrameError,
    find_agency,
    load_agencies,
    load_tasks,
    parse_time_frame,
)

# The public text of the plan, kept in the repository (data/plans/kh-485-2020.source.txt) and named by the plan.
PLAN_TEXT = PLANS_DIR.parents[1] / load_plan().source.file


@pytest.fixture(scope="module")
def tasks() -> TaskList:
    """The real task list of data/tasks/kh-485-2020-tasks.yaml."""
    return load_tasks()


# ------------------------------------------------------------------------------------- the task list


def test_the_plan_has_34_tasks(tasks):
    assert len(tasks) == 34


@pytest.mark.parametrize("group,count", [("I", 6), ("II", 2), ("III", 3), ("IV", 17), ("V", 6)])
def test_each_group_has_the_number_of_tasks_of_the_appendix(tasks, group, count):
    assert [t.number for t in tasks.in_group(group)] == list(range(1, count + 1))


def test_groups_come_in_plan_order_with_vietnamese_and_english_titles(tasks):
    assert [g.id for g in tasks.groups] == ["I", "II", "III", "IV", "V"]
    assert all(g.title_vi and g.title_en for g in tasks.groups)


def test_group_one_title_is_read_from_row_one_and_marked_inferred(tasks):
    group = tasks.groups[0]
    assert group.title_vi == "Về tuyên truyền nâng cao nhận thức về KTTT, HTX"
    assert group.inferred["title_vi"]


def test_group_two_title_has_its_typo_corrected(tasks):
    group = tasks.groups[1]
    assert group.title_vi == "Về hoàn thiện khung khổ pháp lý, cơ chế chính sách"
    assert group.title_original == "Vẽ hoàn thiện khung khổ pháp lý, cơ chế chính sách"


def test_every_task_has_a_known_lead_agency_an_output_and_a_time_frame(tasks):
    for task in tasks:
        assert task.lead_agency in tasks.agencies, task.label
        assert task.lead_agencies[0] == task.lead_agency, task.label
        assert all(a in tasks.agencies for a in task.lead_agencies + task.co_agencies), task.label
        assert task.output.strip(), task.label
        assert task.time_frame.strip(), task.label


@pytest.mark.parametrize(
    "label,lead,output,recurrence,deadline",
    [
        ("II.2", "lien_minh_htx", "Quyết định phê duyệt Đề án", "deadline", date(2021, 3, 31)),
        ("III.2", "so_tai_chinh", "Quyết định phân bổ vốn", "yearly", None),
        ("V.3", "thanh_tra_tinh", "Văn bản hướng dẫn", "deadline", date(2020, 12, 31)),
        (
            "V.5",
            "ubnd_huyen_tp",
            "Danh mục các vị trí, diện tích đất sạch nhằm thu hút đầu tư",
            "deadline",
            date(2020, 9, 30),
        ),
        ("I.2", "so_tttt", "Các chuyên trang, chuyên mục, tin, bài, phóng sự", "ongoing", None),
        ("I.6", "lien_minh_htx", "Văn bản hướng dẫn", "ongoing", None),
        ("IV.3", "so_nnptnt", "Báo cáo", "yearly", None),
        (
            "IV.6",
            "so_nnptnt",
            "Mở các lớp tập huấn (1.200 lượt người tham gia)",
            "period",
            date(2021, 11, 30),
        ),
        ("IV.8", "so_nnptnt", "Công văn", "yearly", None),
        ("IV.9", "so_cong_thuong", "Đề án xúc tiến thương mại/kế hoạch được duyệt", "ongoing", None),
        ("IV.11", "so_ldtbxh", "Lồng ghép trong Kế hoạch đào tạo nghề hàng năm", "yearly", None),
        ("IV.12", "lien_minh_htx", "Hội nghị; Báo cáo kết quả thực hiện", "biennial", None),
        ("IV.16", "ubnd_huyen_tp", "Báo cáo", "ongoing", None),
        ("V.6", "ubnd_huyen_tp", "Báo cáo", "ongoing", None),
    ],
)
def test_rows_match_the_plan(tasks, label, lead, output, recurrence, deadline):
    group, number = label.split(".")
    task = tasks.get(group, int(number))
    assert (task.lead_agency, task.output, task.schedule.recurrence, task.schedule.deadline) == (
        lead,
        output,
        recurrence,
        deadline,
    )


def test_the_plan_wide_period_of_iv_7_ends_at_the_end_of_2025(tasks):
    schedule = tasks.get("IV", 7).schedule
    assert (schedule.recurrence, schedule.start, schedule.deadline) == (
        "period",
        date(2020, 1, 1),
        date(2025, 12, 31),
    )
    assert tasks.get("IV", 7).output.startswith("Hỗ trợ từ 16 HTX trở lên: - Hạ tầng")
    assert "Xây dựng các mô hình HTX sản xuất theo chuỗi giá trị." in tasks.get("IV", 7).output


def test_i_5_is_periodic_monthly_and_quarterly_and_co_ordinates_with_the_newspaper(tasks):
    task = tasks.get("I", 5)
    assert task.schedule.periods == ("monthly", "quarterly")
    assert task.co_agencies == ("bao_dak_nong",)


def test_iv_11_keeps_its_note(tasks):
    assert tasks.get("IV", 11).note == (
        "Lồng ghép vào các chương trình, dự án, kế hoạch phát triển và nâng cao hiệu quả kinh tế tập thể"
    )


def test_only_iv_11_has_a_note(tasks):
    assert [t.label for t in tasks if t.note] == ["IV.11"]


@pytest.mark.parametrize(
    "label,lead_agencies",
    [
        ("I.1", ("cac_so_ban_nganh", "ubnd_huyen_tp")),
        ("I.3", ("dai_ptth", "bao_dak_nong", "tap_chi_nam_nung")),
        ("I.4", ("lien_minh_htx",)),
    ],
)
def test_lead_agencies_list_every_agency_the_plan_names(tasks, label, lead_agencies):
    group, number = label.split(".")
    task = tasks.get(group, int(number))
    assert task.lead_agencies == lead_agencies
    assert task.lead_agency == lead_agencies[0]


def test_iii_1_co_ordinates_with_the_agriculture_department(tasks):
    assert tasks.get("III", 1).co_agencies == ("so_nnptnt",)


@pytest.mark.parametrize(
    "label,metric,value,value_max,per,year",
    [
        ("I.4", "conferences", 20, None, "year", None),
        ("I.4", "conference_participants", 1400, None, "year", None),
        ("I.5", "special_pages", 12, None, "year", None),
        ("I.5", "columns_and_reports", 3, 5, "year", None),
        ("IV.6", "farmer_trainees", 1200, None, "total", 2021),
        ("IV.7", "cooperatives_supported", 16, None, "total", None),
        ("IV.13", "training_classes", 6, None, "year", None),
        ("IV.13", "training_participants", 300, None, "year", None),
    ],
)
def test_promised_quantities_are_read_from_the_outputs(tasks, label, metric, value, value_max, per, year):
    group, number = label.split(".")
    quantity = {q.metric: q for q in tasks.get(group, int(number)).quantities}[metric]
    assert (quantity.value, quantity.value_max, quantity.per, quantity.year) == (value, value_max, per, year)


def test_iv_7_promises_at_least_16_cooperatives(tasks):
    assert tasks.get("IV", 7).quantities[0].at_least is True


def test_every_inferred_field_is_a_task_field_with_a_reason(tasks):
    for task in tasks:
        for field_name, reason in task.inferred.items():
            assert field_name in INFERABLE_FIELDS, task.label
            assert len(reason) > 20, f"{task.label}.{field_name}: {reason!r}"


@pytest.mark.parametrize(
    "label,fields",
    [
        ("I.1", {"text", "lead_agency", "output", "time_frame"}),
        ("I.3", {"lead_agency"}),
        ("I.5", {"lead_agency"}),
        ("I.6", {"lead_agency", "output"}),
        ("II.2", {"lead_agency"}),
        ("IV.3", {"lead_agency"}),
        ("IV.6", {"lead_agency", "output", "time_frame"}),
        ("IV.7", {"lead_agency", "output"}),
        ("IV.8", {"lead_agency", "output"}),
        ("IV.9", {"output", "time_frame"}),
        ("IV.12", {"lead_agency"}),
        ("IV.14", {"lead_agency"}),
        ("IV.16", {"lead_agency", "output", "time_frame"}),
        ("V.4", {"lead_agency"}),
        ("V.6", {"lead_agency", "output", "time_frame"}),
    ],
)
def test_values_not_read_in_their_own_cell_are_marked_inferred(tasks, label, fields):
    group, number = label.split(".")
    assert fields <= set(tasks.get(group, int(number)).inferred)


@pytest.mark.parametrize("label", ["I.2", "I.4", "II.1", "III.1", "III.2", "IV.1", "IV.13", "V.3", "V.5"])
def test_rows_read_cleanly_have_nothing_inferred(tasks, label):
    group, number = label.split(".")
    assert dict(tasks.get(group, int(number)).inferred) == {}


@pytest.mark.parametrize(
    "typo",
    [
        "Dài Phát",
        "LĐLĐ",
        "Vẽ hoàn",
        "Chi đạo",
        "ché biến",
        "tiêu tiên",
        "kiến bộ",
        "cung cấp các HTX",
        "cung cấp, tổ chức lại",
        "chủ trong",
    ],
)
def test_typos_of_the_pdf_are_corrected(tasks, typo):
    texts = [t.text for t in tasks] + [t.output for t in tasks] + [g.title_vi for g in tasks.groups]
    assert not [text for text in texts if typo in text]


def test_corrected_texts_keep_the_plans_wording(tasks):
    assert "ché biến" in tasks.get("IV", 15).text_original
    assert tasks.get("IV", 17).text.startswith("Tập trung củng cố các HTX yếu kém")
    assert "cung cấp, tổ chức lại" in tasks.get("IV", 17).output_original


def test_original_texts_and_outputs_appear_word_for_word_in_the_plan(tasks):
    plan = re.sub(r"\s+", " ", PLAN_TEXT.read_text(encoding="utf-8"))
    for task in tasks:
        for value in (task.text_original or task.text, task.output_original or task.output):
            assert re.sub(r"\s+", " ", value) in plan, f"{task.label}: {value[:60]}"


# --------------------------------------------------------------------------------------- agencies


@pytest.mark.parametrize(
    "name,agency_id",
    [
        ("Sở Kế hoạch và Đầu tư", "so_khdt"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "so_nnptnt"),
        ("Sở Tài chính", "so_tai_chinh"),
        ("Sở Công Thương", "so_cong_thuong"),
        ("Sở Khoa học và Công nghệ", "so_khcn"),
        ("Sở Thông tin và Truyền thông", "so_tttt"),
        ("Sở Lao động - Thương binh và Xã hội", "so_ldtbxh"),
        ("Liên minh Hợp tác xã tỉnh", "lien_minh_htx"),
        ("LĐLĐ Hợp tác xã tỉnh", "lien_minh_htx"),
        ("Dài Phát thanh và Truyền hình tỉnh", "dai_ptth"),
        ("Báo Đăk Nông", "bao_dak_nong"),
        ("Tạp chí Nâm Nung", "tap_chi_nam_nung"),
        ("Thanh tra tỉnh", "thanh_tra_tinh"),
        ("UBND các huyện, thành phố", "ubnd_huyen_tp"),
        ("Các Sở, Ban, ngành", "cac_so_ban_nganh"),
        ("sở kh&đt", "so_khdt"),
    ],
)
def test_agencies_are_found_by_the_names_the_plan_uses(name, agency_id):
    agency = find_agency(load_agencies(), name)
    assert agency is not None and agency.id == agency_id


def test_an_unknown_agency_name_is_not_found():
    assert find_agency(load_agencies(), "Sở Y tế") is None


@pytest.mark.parametrize(
    "agency_id,short",
    [
        ("so_khdt", "Sở KH&ĐT"),
        ("so_nnptnt", "Sở NN&PTNT"),
        ("lien_minh_htx", "Liên minh HTX tỉnh"),
        ("ubnd_huyen_tp", "UBND các huyện, TP"),
    ],
)
def test_agencies_have_short_names(agency_id, short):
    assert load_agencies()[agency_id].short_vi == short


# ------------------------------------------------------------------------------------------ loading


def _write_yaml(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "tasks.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_loading_reports_every_problem_at_once(tmp_path):
    data = yaml.safe_load(DEFAULT_TASKS_PATH.read_text(encoding="utf-8"))
    data["tasks"][0]["lead_agency"] = "so_y_te"
    data["tasks"][1]["output"] = ""
    data["tasks"][2]["time_frame"] = "Khi nào xong"
    data["tasks"][3]["inferred"] = {"lead_agency": ""}
    data["tasks"][4]["number"] = 4  # duplicates I.4, and group I no longer runs 1..6
    del data["tasks"][-1]
    with pytest.raises(TaskDataError) as caught:
        load_tasks(_write_yaml(tmp_path, data))
    problems = "\n".join(caught.value.problems)
    for expected in (
        "unknown agency 'so_y_te'",
        "task I.2: missing output",
        "Khi nào xong",
        "inferred field 'lead_agency' has no reason",
        "task I.4: duplicate (group, number)",
        "expected 34 tasks, found 33",
        "group V: expected 6 tasks, found 5",
    ):
        assert expected in problems


def test_an_agency_file_with_a_clashing_alias_is_refused(tmp_path):
    path = tmp_path / "agencies.yaml"
    path.write_text(
        "agencies:\n"
        "  - {id: so_a, name_vi: Sở A, short_vi: A, name_en: A, aliases: [Sở chung]}\n"
        "  - {id: so_b, name_vi: Sở B, short_vi: B, name_en: B, aliases: [sở chung]}\n"
        "  - {id: Bad-Id, name_vi: X, short_vi: X, name_en: X}\n",
        encoding="utf-8",
    )
    with pytest.raises(TaskDataError) as caught:
        load_agencies(path)
    assert len(caught.value.problems) == 2


# ------------------------------------------------------------------------------------- time frames


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Thường xuyên", Schedule("ongoing")),
        ("thuong xuyen", Schedule("ongoing")),
        ("Hàng năm", Schedule("yearly")),
        ("Hằng năm", Schedule("yearly")),
        ("HÀNG  NĂM", Schedule("yearly")),
        ("Hai năm 01 lần", Schedule("biennial")),
        ("2 năm 1 lần", Schedule("biennial")),
        ("Định kỳ hàng tháng, quý", Schedule("periodic", periods=("monthly", "quarterly"))),
        ("Định kỳ hàng quý", Schedule("periodic", periods=("quarterly",))),
        ("Định kỳ 6 tháng, hàng năm", Schedule("periodic", periods=("half_yearly", "yearly"))),
        ("Quý I/2021", Schedule("deadline", date(2021, 1, 1), date(2021, 3, 31))),
        ("Quý II/2021", Schedule("deadline", date(2021, 4, 1), date(2021, 6, 30))),
        ("Quý III/2020", Schedule("deadline", date(2020, 7, 1), date(2020, 9, 30))),
        ("Quý IV/2020", Schedule("deadline", date(2020, 10, 1), date(2020, 12, 31))),
        ("quý iv / 2020", Schedule("deadline", date(2020, 10, 1), date(2020, 12, 31))),
        ("Quy IV/2020", Schedule("deadline", date(2020, 10, 1), date(2020, 12, 31))),
        ("Quý 4 năm 2020", Schedule("deadline", date(2020, 10, 1), date(2020, 12, 31))),
        ("Tháng 6/2021", Schedule("deadline", date(2021, 6, 1), date(2021, 6, 30))),
        ("tháng 02 / 2024", Schedule("deadline", date(2024, 2, 1), date(2024, 2, 29))),
        ("Năm 2021", Schedule("deadline", date(2021, 1, 1), date(2021, 12, 31))),
        ("Năm 2020-2021", Schedule("period", date(2020, 1, 1), date(2021, 12, 31))),
        ("Năm 2020 – 2021", Schedule("period", date(2020, 1, 1), date(2021, 12, 31))),
        ("Giai đoạn 2020-2025", Schedule("period", date(2020, 1, 1), date(2025, 12, 31))),
        ("giai doan 2020 - 2025", Schedule("period", date(2020, 1, 1), date(2025, 12, 31))),
        ("Giai đoạn 2020 đến 2025", Schedule("period", date(2020, 1, 1), date(2025, 12, 31))),
        ("Tháng 02 – 11 năm 2021", Schedule("period", date(2021, 2, 1), date(2021, 11, 30))),
        ("Tháng 02 - 11 năm 2021", Schedule("period", date(2021, 2, 1), date(2021, 11, 30))),
        ("Tháng 02 đến 11 năm 2021", Schedule("period", date(2021, 2, 1), date(2021, 11, 30))),
        ("Từ tháng 2 đến tháng 11 năm 2021", Schedule("period", date(2021, 2, 1), date(2021, 11, 30))),
        ("THÁNG 02–11/2021", Schedule("period", date(2021, 2, 1), date(2021, 11, 30))),
        ("Trước ngày 30/6/2021", Schedule("deadline", None, date(2021, 6, 30))),
    ],
)
def test_time_frames_are_parsed(text, expected):
    assert parse_time_frame(text) == expected


@pytest.mark.parametrize(
    "text", ["Sớm nhất có thể", "Quý V/2021", "Tháng 13/2021", "Tháng 11 – 02 năm 2021", "Năm 2025-2020"]
)
def test_an_unreadable_time_frame_raises_an_error_naming_the_text(text):
    with pytest.raises(TimeFrameError, match=re.escape(repr(text))):
        parse_time_frame(text)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_time_frame_raises_an_error(text):
    with pytest.raises(TimeFrameError):
        parse_time_frame(text)
