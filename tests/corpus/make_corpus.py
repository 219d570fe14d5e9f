"""The corpus of bad workbooks: one file per kind of fault, each built from the same valid base.

Run by the `corpus` fixture of tests/workbook/test_validate.py into a temporary folder (nothing is committed). To look
at the files in Excel or upload them to the dashboard, write them to a folder by hand:

    .venv/bin/python tests/corpus/make_corpus.py /tmp/corpus

The base workbook has two title rows above the header of sheet HTX, so its header is on Excel row 3 and its
three cooperatives on rows 4, 5 and 6; sheet THT has its header on row 1 and districts on rows 2 and 3; sheet
Thông tin has "Năm báo cáo" = 2022 on row 2. The expected problems of each file are in tests/workbook/test_validate.py.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests` and `kpi` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kpi.workbook.contract import GROUP
from tests.builders import coop, grid_bytes, group, info_rows, table_rows, workbook, xls_bytes, xlsm_bytes

YEAR = 2022
TITLES = ["ỦY BAN NHÂN DÂN TỈNH ĐẮK NÔNG", "DANH SÁCH HỢP TÁC XÃ NĂM 2022"]


def base_coops() -> list[dict[str, object]]:
    """Return the three valid cooperatives of the base workbook (Excel rows 4, 5, 6 of sheet HTX)."""
    return [
        coop("6400000001", name="HTX Nông nghiệp Ea T'ling"),
        coop("6400000002", name="HTX Cà phê Đắk Mil", district="Đắk Mil", commune="Đắk Lao", rating="Tốt"),
        coop("6400000003", name="HTX Dịch vụ Nam Dong", commune="Nam Dong", sector="Thương mại - Dịch vụ"),
    ]


def base_groups() -> list[dict[str, object]]:
    """Return the two valid rows of sheet THT (Excel rows 2 and 3)."""
    return [group("Cư Jút", 10, 6), group("Đắk Mil", 8, 2)]


def build(
    coops: list[dict[str, object]] | None = None,
    groups: list[dict[str, object]] | None = None,
    *,
    year: object = YEAR,
    info: list | None = None,
    columns: list[str] | None = None,
    rename: dict[str, str] | None = None,
    titles: list[str] | None = None,
    drop_sheets: tuple[str, ...] = (),
) -> bytes:
    """Return the base workbook with the given changes (rows, info, columns of HTX, sheets left out)."""
    coops = base_coops() if coops is None else coops
    groups = base_groups() if groups is None else groups
    sheets = {
        "Thông tin": info if info is not None else info_rows(year, fund=15000),
        "HTX": table_rows(
            coops, columns=columns, rename=rename, title_rows=TITLES if titles is None else titles
        ),
        "THT": table_rows(groups, GROUP),
    }
    return grid_bytes({k: v for k, v in sheets.items() if k not in drop_sheets})


def changed(row: int, **cells: object) -> list[dict[str, object]]:
    """Return the base cooperatives with the one on Excel row `row` (4, 5 or 6) changed."""
    rows = base_coops()
    rows[row - 4] = {**rows[row - 4], **cells}
    return rows


def _encrypted() -> bytes:
    """Return the valid base workbook encrypted with a password (an OLE file with an EncryptedPackage)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(build())).encrypt("mật khẩu", out)
    return out.getvalue()


def _many_faults() -> bytes:
    """Return one workbook holding many different faults on several sheets."""
    coops = base_coops()
    coops[0] = {**coops[0], "members": "mười hai", "rating": "Xuất sắc"}  # row 4
    coops[1] = {**coops[1], "code": "6400000001", "revenue": -5}  # row 5, code of row 4
    coops[2] = {**coops[2], "name": None, "district": "Hà Nội", "founded_year": 2030}  # row 6
    groups = [group("Cư Jút", 3, 4), group("Đắk Mil", "2,500", 1)]
    return build(coops, groups, info=info_rows(YEAR, fund="1.5"))


# name -> (file suffix, builder). One file per kind of fault, plus valid files of each format.
FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "valid": (".xlsx", build),
    "valid_xlsm": (".xlsm", lambda: xlsm_bytes(build())),
    "valid_xls": (
        ".xls",
        lambda: xls_bytes(
            {
                "Thông tin": info_rows(YEAR),
                "HTX": table_rows(base_coops(), title_rows=TITLES),
                "THT": table_rows(base_groups(), GROUP),
            }
        ),
    ),
    "missing_sheet": (".xlsx", lambda: build(drop_sheets=("HTX",))),
    "missing_required_column": (
        ".xlsx",
        lambda: build(columns=[c for c in base_coops()[0] if c != "status"]),
    ),
    "duplicate_column": (
        ".xlsx",
        lambda: build(
            [{**r, "Tổng số thành viên": r["members"]} for r in base_coops()],
        ),
    ),
    "no_header": (".xlsx", lambda: build(titles=[f"Dòng tiêu đề {i}" for i in range(1, 12)])),
    "blank_required_cell": (".xlsx", lambda: build(changed(5, name=None))),
    "text_in_number_column": (".xlsx", lambda: build(changed(6, members="hai mươi"))),
    "ambiguous_text_number": (".xlsx", lambda: build(changed(4, revenue="1,234"))),
    "foreign_text_number": (".xlsx", lambda: build(changed(4, avg_income="45.5"))),
    "negative_count": (".xlsx", lambda: build(changed(5, workers=-2))),
    "non_whole_count": (".xlsx", lambda: build(changed(6, members=12.5))),
    "negative_revenue": (".xlsx", lambda: build(changed(4, revenue=-100))),
    "unknown_district": (".xlsx", lambda: build(changed(5, district="Huyện Lắk"))),
    "unknown_commune": (".xlsx", lambda: build(changed(6, commune="Xã Không Có"))),
    "bad_choice": (".xlsx", lambda: build(changed(4, rating="Xuất sắc"))),
    "bad_yes_no": (".xlsx", lambda: build(changed(5, value_chain="Có lẽ"))),
    "duplicate_code": (".xlsx", lambda: build(changed(6, code="6400000001"))),
    "managers_above_split": (
        ".xlsx",
        lambda: build(changed(5, managers=3, managers_vocational=2, managers_higher=2)),
    ),
    "certified_above_groups": (
        ".xlsx",
        lambda: build(groups=[group("Cư Jút", 10, 6), group("Đắk Mil", 4, 5)]),
    ),
    "duplicate_district": (".xlsx", lambda: build(groups=[group("Cư Jút", 10, 6), group("cu jut", 4, 1)])),
    "founded_after_report": (".xlsx", lambda: build(changed(4, founded_year=2023))),
    "missing_year": (".xlsx", lambda: build(year=...)),
    "blank_year": (".xlsx", lambda: build(year=None)),
    "invalid_year": (".xlsx", lambda: build(year="năm 2022")),
    "year_out_of_range": (".xlsx", lambda: build(year=1900)),
    "many_faults": (".xlsx", _many_faults),
    "not_excel": (".xlsx", lambda: "Mã HTX;Tên HTX\n6400000001;HTX A\n".encode()),
    "corrupt_zip": (".xlsx", lambda: build()[:2000]),
    "empty_file": (".xlsx", lambda: b""),
    "password_protected": (".xlsx", _encrypted),
}


def write_corpus(folder: Path) -> dict[str, Path]:
    """Write every corpus file into `folder`; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (suffix, make) in FILES.items():
        path = folder / f"{name}{suffix}"
        path.write_bytes(make())
        paths[name] = path
    return paths


def many_bad_rows(n: int) -> bytes:
    """Return a workbook whose `n` cooperatives each hold text in the number column Số thành viên."""
    rows = [coop(f"64{i:08d}", members="không rõ") for i in range(n)]
    return workbook(year=YEAR, coops=rows, groups=base_groups())


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    for name, path in write_corpus(target).items():
        print(f"{name}: {path}")
