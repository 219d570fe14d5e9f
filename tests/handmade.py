"""A two-year dataset small enough to work out every indicator by hand (tests/stats/test_indicators.py does).

2022: seven cooperatives in Cư Jút, Đắk Mil and Gia Nghĩa: one dissolved with blank figures, one suspended,
one unrated, one with a loss, one with 0 regular workers, blanks in members, revenue, income and the
vocational managers. 2023: eight cooperatives, one dissolved, one new and unrated in a commune that already
has an effective cooperative, one in Krông Nô with 0 workers, one in a commune unknown to the reference list.
The 2022 file uses header aliases; the 2023 file has title rows, columns in another order, numbers typed as
text and spelling variants of closed values and place names (SPELLING_2023).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kpi.workbook.dataset import Dataset, dataset_from_workbooks
from kpi.workbook.validate import check_bytes
from tests.builders import group, workbook

OP, SUSPENDED, DISSOLVED = "Đang hoạt động", "Tạm ngừng hoạt động", "Giải thể"
COLUMNS = [
    "code",
    "name",
    "district",
    "commune",
    "status",
    "members",
    "workers",
    "revenue",
    "profit",
    "avg_income",
    "rating",
    "managers",
    "managers_vocational",
    "managers_higher",
    "ocop_products",
    "value_chain",
    "model",
]


def _rows(table: list[tuple]) -> list[dict[str, object]]:
    rows = []
    for line in table:
        row = dict(zip(COLUMNS, line, strict=True))
        row["sector"] = "Nông nghiệp"
        rows.append(row)
    return rows


_ = None
# fmt: off
COOPS = {
    2022: _rows([
        # code  name   district     commune       status     mem  wrk  rev   prof avg_inc rating         mgr voc hi ocop chain  model
        ("C1", "HTX 1", "Cư Jút",    "Ea T'ling",  OP,        30,  10, 2000,  150, 60, "Tốt",           5,  3,  1, 2,  "Có",    "Có"),
        ("C2", "HTX 2", "Cư Jút",    "Nam Dong",   OP,        20,   0, 1000,  -50, 40, "Khá",           3,  1,  1, 0,  "Không", "Không"),
        ("C3", "HTX 3", "Đắk Mil",   "Đắk Lao",    OP,         _,   5,    _,   30,  _, "Trung bình",    2,  _,  2, 1,  "Có",    "Không"),
        ("C4", "HTX 4", "Đắk Mil",   "Đắk Lao",    SUSPENDED, 10,   2,  100,    5, 20, "Yếu",           1,  1,  0, 1,  "Có",    "Có"),
        ("C5", "HTX 5", "Gia Nghĩa", "Nghĩa Đức",  DISSOLVED,  _,   _,    _,    _,  _, _,               _,  _,  _, _,  _,       _),
        ("C6", "HTX 6", "Gia Nghĩa", "Nghĩa Tân",  OP,        15,   4,  600,   20, 30, "Chưa xếp loại", 2,  1,  0, 0,  "Không", "Có"),
        ("C7", "HTX 7", "Đắk Mil",   "Đức Minh",   OP,        25,   6, 1400,  100, 50, "Khá",           4,  2,  2, 0,  "Không", "Không"),
    ]),
    2023: _rows([
        ("C1", "HTX 1", "Cư Jút",    "Ea T'ling",  OP,        33,  10, 2400,  200, 66, "Tốt",           5,  3,  2, 3,  "Có",    "Có"),
        ("C2", "HTX 2", "Cư Jút",    "Nam Dong",   OP,        22,   5, 1100,   10, 44, "Khá",           3,  1,  1, 1,  "Có",    "Không"),
        ("C3", "HTX 3", "Đắk Mil",   "Đắk Lao",    DISSOLVED,  _,   _,    _,    _,  _, _,               _,  _,  _, _,  _,       _),
        ("C4", "HTX 4", "Đắk Mil",   "Đắk Lao",    OP,        12,   3,  300,  -20, 25, "Yếu",           1,  1,  0, 1,  "Không", "Không"),
        ("C6", "HTX 6", "Gia Nghĩa", "Nghĩa Tân",  OP,        18,   4,  800,   40, 35, "Khá",           2,  1,  1, 0,  "Không", "Có"),
        ("C7", "HTX 7", "Đắk Mil",   "Đức Minh",   OP,        25,   6, 1400,  100, 50, "Khá",           4,  2,  2, 0,  "Có",    "Không"),
        ("C8", "HTX 8", "Cư Jút",    "Ea T'ling",  OP,         8,   2,    _,    5,  _, "Chưa xếp loại", 1,  0,  0, 0,  "Không", "Không"),
        ("C9", "HTX 9", "Krông Nô",  "Đắk Mâm",    OP,        40,   0,  500,   60, 55, "Tốt",           3,  2,  1, 0,  "Không", "Không"),
        ("C10", "HTX 10", "Krông Nô", "Xã Không Có", OP,       5,   1,  100,   10, 20, "Chưa xếp loại", 1,  0,  1, 0,  "Không", "Không"),
    ]),
}
# fmt: on
GROUPS = {
    2022: [group("Cư Jút", 10, 4), group("Đắk Mil", 6, 3), group("Krông Nô", 5, None)],
    2023: [group("Cư Jút", 12, 6), group("Đắk Mil", 8, 4), group("Krông Nô", 5, 4)],
}
FUND = {2022: 12000, 2023: 15000}

# How the cells are typed in the files: the values above, but as users write them. In 2023 some numbers are
# text in the Vietnamese way and closed values are misspelt; they must give the same indicators.
SPELLING_2023 = {
    "C1": {"status": "dang hoat dong", "district": "Huyện Cư Jút", "revenue": "2.400", "rating": "tot"},
    "C2": {"members": "22", "commune": "xã nam dong", "rating": "KHÁ", "value_chain": "co"},
    "C3": {"status": "giải thể"},
    "C4": {"profit": "-20", "avg_income": "25,0", "model": "khong"},
    "C6": {"district": "gia nghia", "rating": "kha", "revenue": "800"},
    "C9": {"avg_income": " 55 ", "rating": "Tot", "commune": "Dak Mam"},
}
# 2022: header aliases instead of the template's headers; 2023: two title rows and the columns reversed.
HEADERS_2022 = {
    "code": "Mã số HTX",
    "members": "Tổng số thành viên",
    "district": "Huyện",
    "rating": "Kết quả xếp loại",
}
TITLES_2023 = 2


def handmade_bytes(year: int) -> bytes:
    """Return the workbook of one year of the hand-made dataset, typed as users type."""
    if year == 2022:
        return workbook(
            year=year, fund=FUND[year], coops=COOPS[year], groups=GROUPS[year], rename=HEADERS_2022
        )
    coops = [{**row, **SPELLING_2023.get(str(row["code"]), {})} for row in COOPS[year]]
    return workbook(
        year=str(year),
        fund="15.000",
        coops=coops,
        groups=GROUPS[year],
        title_rows=TITLES_2023,
        columns=list(reversed(list(coops[0]))),
    )


def handmade_files(folder: Path) -> list[Path]:
    """Write the workbooks of 2022 and 2023 into `folder`; return their paths."""
    paths = []
    for year in COOPS:
        path = folder / f"htx-{year}.xlsx"
        path.write_bytes(handmade_bytes(year))
        paths.append(path)
    return paths


@cache
def handmade_dataset() -> Dataset:
    """Return the checked Dataset of both years, built once (each workbook must pass the check; do not mutate)."""
    results = [check_bytes(handmade_bytes(year)) for year in COOPS]
    assert all(r.ok for r in results), [p.line() for r in results for p in r.errors]
    return dataset_from_workbooks(r.clean for r in results)
