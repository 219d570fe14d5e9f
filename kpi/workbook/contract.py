"""The workbook contract: every sheet and column declared once, with headers, aliases, kinds and rules.

Column ids (``COOP.members`` is ``"members"``) are the names used everywhere in the code; the Vietnamese
headers are what users see in Excel. Reading, validating, the template, exports and the store all take
their column lists from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kpi.common.safe_text import fold


class Kind(StrEnum):
    """How a cell is parsed and checked."""

    TEXT = "text"
    CODE = "code"
    COUNT = "count"  # whole number >= 0
    MONEY = "money"  # triệu đồng, may be negative
    MONEY_NONNEG = "money_nonneg"  # triệu đồng, >= 0
    YEAR = "year"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DISTRICT = "district"
    COMMUNE = "commune"


NUMERIC_KINDS = frozenset({Kind.COUNT, Kind.MONEY, Kind.MONEY_NONNEG, Kind.YEAR})

# Sane maxima per cooperative (or per district for THT), chosen from the figures of the domain notes
# (/work/shared/docs/domain-notes.md §5) with a wide margin, so that no real figure is ever refused:
# - people: the whole country counted about 6 million members in 29.000 HTX (2022), a few hundred per HTX;
#   the largest (people's credit funds, consumer cooperatives) count tens of thousands. A million members,
#   100.000 workers or 10.000 managers in one HTX is a typo.
MAX_MEMBERS = 1_000_000.0  # người
MAX_WORKERS = 100_000.0  # người
MAX_MANAGERS = 10_000.0  # người
# - money: all HTX of the country made 88.586 tỷ đồng of net revenue in 2018; one HTX above 100.000 tỷ
#   (100.000.000 triệu đồng) is a figure typed in đồng instead of triệu đồng (a factor of a million).
MAX_MILLION_VND = 100_000_000.0  # triệu đồng
# - income: the national average was 52,8 triệu đồng a person a year (2019); 10 tỷ a person a year is a
#   monthly or a đồng figure.
MAX_INCOME = 10_000.0  # triệu đồng/người/năm
# - OCOP: the whole province held 52-60 products in 2022, the country aims at 10.000 by 2025.
MAX_OCOP_PRODUCTS = 1_000.0  # sản phẩm
# - THT: the whole country counted 71.000 cooperative groups in 2022.
MAX_GROUPS = 100_000.0  # THT

# Year on year, per cooperative: members, workers, managers, revenue and income that grow tenfold or fall to a
# tenth in one year are a unit slip (đồng, nghìn đồng for triệu đồng: x1.000; a monthly income: /12 ... x12 is
# beyond it too), a digit typed twice or dropped, or a row half filled; real changes of a running HTX stay well
# within (the province's average revenue moved from ~420 to 1.650 triệu đồng over five years, domain notes §5).
# Profit is not compared: it changes sign and swings from near zero. OCOP products start from zero.
JUMP_FACTOR = 10.0
# The rating moves one class a year as the self-score crosses 65 or 80 points; two classes (Tốt to Trung bình,
# Khá to Yếu) in one year is rare enough to be checked.
RATING_JUMP_LEVELS = 2


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one row of the two-column sheet `Thông tin`)."""

    id: str
    header: str
    header_en: str
    kind: Kind
    required: bool = False
    unique: bool = False
    choices: tuple[str, ...] = ()
    choice_aliases: dict[str, str] = field(default_factory=dict)
    unit: str = ""
    note: str = ""
    note_en: str = ""
    aliases: tuple[str, ...] = ()
    width: int = 14
    # The largest absolute value a cell can sanely hold, in `unit`: beyond it the figure is a typo or a unit
    # mix-up (đồng typed as triệu đồng) and is refused. None for columns bounded otherwise (years, lists).
    maximum: float | None = None
    # Year on year (kpi/stats/year_checks.py), for one cooperative: a figure this many times last year's or below
    # 1/this of it is a warning (a unit slip, a typo, a half-filled row); None: not compared.
    jump_factor: float | None = None
    # For a closed list with an order (the rating): the ranked values, best first, and the change in rank
    # from last year that is a warning. Values outside `ranked` (not rated) are not compared.
    ranked: tuple[str, ...] = ()
    jump_levels: int | None = None

    def match_keys(self) -> set[str]:
        """Return the folded header spellings that identify this column."""
        names = (self.header, self.header_en, *self.aliases)
        keys = {header_key(n) for n in names}
        keys |= {header_key(n.split("(")[0]) for n in names if "(" in n}
        return keys


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its name, aliases and columns."""

    id: str
    name: str
    name_en: str
    columns: tuple[Column, ...]
    required: bool = True
    aliases: tuple[str, ...] = ()
    note: str = ""

    def column(self, column_id: str) -> Column:
        """Return the column with this id."""
        for col in self.columns:
            if col.id == column_id:
                return col
        raise KeyError(column_id)

    @property
    def ids(self) -> list[str]:
        """Return the column ids in sheet order."""
        return [c.id for c in self.columns]

    def match_keys(self) -> set[str]:
        """Return the folded sheet names that identify this sheet."""
        return {fold(n) for n in (self.name, self.name_en, *self.aliases)}


# Abbreviations that users write either way; both sides fold to the short form.
_ABBREVIATIONS = (("canboquanly", "cbql"), ("tohoptac", "tht"), ("hoptacxa", "htx"))


def header_key(text: object) -> str:
    """Return the matching key of a header: folded, with HTX/THT/CBQL written out or not."""
    key = fold(text)
    for long, short in _ABBREVIATIONS:
        key = key.replace(long, short)
    return key


def find_sheets(names: list[str], sheets: tuple[Sheet, ...]) -> dict[str, str]:
    """Return {sheet id: name in the file} of the declared `sheets` found among the workbook's sheet `names`.

    A sheet is found by its folded name, English name or an alias; of two names that fold alike the later
    one is taken. Only these sheets are ever parsed: the others of a file are never opened.
    """
    by_key = {header_key(name): name for name in names}
    found: dict[str, str] = {}
    for sheet in sheets:
        keys = {header_key(n) for n in (sheet.name, sheet.name_en, *sheet.aliases)}
        name = next((name for key, name in by_key.items() if key in keys), None)
        if name is not None:
            found[sheet.id] = name
    return found


YES, NO = "Có", "Không"

STATUS_OPERATING = "Đang hoạt động"
STATUS_SUSPENDED = "Tạm ngừng hoạt động"
STATUS_DISSOLVED = "Giải thể"
STATUSES = (STATUS_OPERATING, STATUS_SUSPENDED, STATUS_DISSOLVED)

RATINGS = ("Tốt", "Khá", "Trung bình", "Yếu", "Chưa xếp loại")
SECTORS = (
    "Nông nghiệp",
    "Công nghiệp - Tiểu thủ công nghiệp",
    "Xây dựng",
    "Thương mại - Dịch vụ",
    "Vận tải",
    "Quỹ tín dụng nhân dân",
    "Môi trường",
    "Khác",
)

INFO = Sheet(
    id="info",
    name="Thông tin",
    name_en="Info",
    aliases=("Thong tin chung", "Thông tin chung", "Info"),
    note="Hai cột: Chỉ tiêu | Giá trị.",
    columns=(
        Column(
            "year",
            "Năm báo cáo",
            "Reporting year",
            Kind.YEAR,
            required=True,
            note="Năm của số liệu (số liệu cuối năm), ví dụ 2024. Bắt buộc.",
            note_en="Year of the figures (year-end), e.g. 2024. Required.",
            aliases=("Năm", "Year"),
        ),
        Column(
            "reporting_unit",
            "Đơn vị báo cáo",
            "Reporting unit",
            Kind.TEXT,
            note="Cơ quan lập báo cáo, ví dụ Sở Kế hoạch và Đầu tư tỉnh Đắk Nông.",
            note_en="Body that compiled the report.",
            aliases=("Đơn vị", "Cơ quan báo cáo"),
            width=50,
        ),
        Column(
            "fund_capital",
            "Nguồn vốn cho vay của Quỹ hỗ trợ phát triển HTX (triệu đồng)",
            "Lending capital of the cooperative development support fund (million VND)",
            Kind.MONEY_NONNEG,
            unit="triệu đồng",
            note="Đơn vị: triệu đồng; số ≥ 0 tại 31/12 của năm báo cáo.",
            note_en="Unit: million VND; a number ≥ 0 at 31/12 of the reporting year.",
            aliases=("Nguồn vốn Quỹ hỗ trợ phát triển HTX", "Vốn Quỹ hỗ trợ phát triển HTX"),
            maximum=MAX_MILLION_VND,
        ),
    ),
)

INFO_KEY_HEADER = "Chỉ tiêu"
INFO_VALUE_HEADER = "Giá trị"

_RATING_ALIASES = {
    "tb": "Trung bình",
    "trungbinh": "Trung bình",
    "chuaxeploai": "Chưa xếp loại",
    "cxl": "Chưa xếp loại",
}
_STATUS_ALIASES = {
    "danghoatdong": STATUS_OPERATING,
    "hoatdong": STATUS_OPERATING,
    "tamngung": STATUS_SUSPENDED,
    "ngunghoatdong": STATUS_SUSPENDED,
    "tamdunghoatdong": STATUS_SUSPENDED,
    "dagiaithe": STATUS_DISSOLVED,
}
_SECTOR_ALIASES = {
    "congnghieptieuthucongnghiep": "Công nghiệp - Tiểu thủ công nghiệp",
    "congnghiep": "Công nghiệp - Tiểu thủ công nghiệp",
    "cntcn": "Công nghiệp - Tiểu thủ công nghiệp",
    "thuongmaidichvu": "Thương mại - Dịch vụ",
    "thuongmai": "Thương mại - Dịch vụ",
    "dichvu": "Thương mại - Dịch vụ",
    "quytindung": "Quỹ tín dụng nhân dân",
    "qtdnd": "Quỹ tín dụng nhân dân",
    "nonglamnghiep": "Nông nghiệp",
    "nonglamthuysan": "Nông nghiệp",
}

COOP = Sheet(
    id="coops",
    name="HTX",
    name_en="Cooperatives",
    aliases=("Hợp tác xã", "Danh sách HTX", "Cooperatives"),
    note="Mỗi dòng một hợp tác xã, số liệu cuối năm báo cáo.",
    columns=(
        Column(
            "code",
            "Mã HTX",
            "Cooperative code",
            Kind.CODE,
            required=True,
            unique=True,
            note="Mã số HTX (mã số thuế), duy nhất, giữ nguyên qua các năm. Bắt buộc.",
            note_en="Cooperative (tax) code, unique, kept across years. Required.",
            aliases=("Mã số HTX", "Mã số", "Mã số thuế", "Code"),
        ),
        Column(
            "name",
            "Tên HTX",
            "Cooperative name",
            Kind.TEXT,
            required=True,
            note="Tên đầy đủ của HTX. Bắt buộc.",
            note_en="Full name. Required.",
            aliases=("Tên", "Name"),
            width=38,
        ),
        Column(
            "district",
            "Huyện/Thành phố",
            "District",
            Kind.DISTRICT,
            required=True,
            note="Một trong 8 huyện, thành phố của tỉnh (chọn trong danh sách). Bắt buộc.",
            note_en="One of the province's 8 districts (pick from the list). Required.",
            aliases=("Huyện", "Huyện, thành phố", "Địa bàn", "District"),
            width=16,
        ),
        Column(
            "commune",
            "Xã/Phường/Thị trấn",
            "Commune",
            Kind.COMMUNE,
            required=True,
            note="Xã, phường, thị trấn nơi HTX đặt trụ sở, thuộc huyện đã ghi. Bắt buộc.",
            note_en="Commune of the head office, within the district given. Required.",
            aliases=("Xã", "Xã, phường, thị trấn", "Commune"),
            width=20,
        ),
        Column(
            "sector",
            "Lĩnh vực",
            "Sector",
            Kind.CHOICE,
            choices=SECTORS,
            choice_aliases=_SECTOR_ALIASES,
            note="Lĩnh vực hoạt động chính (chọn trong danh sách).",
            note_en="Main sector (pick from the list).",
            aliases=("Lĩnh vực hoạt động", "Ngành", "Sector"),
            width=22,
        ),
        Column(
            "founded_year",
            "Năm thành lập",
            "Year founded",
            Kind.YEAR,
            note="Năm thành lập, không sau năm báo cáo.",
            note_en="Year founded, not after the reporting year.",
            aliases=("Năm thành lập HTX", "Founded"),
            width=10,
        ),
        Column(
            "status",
            "Tình trạng",
            "Status",
            Kind.CHOICE,
            required=True,
            choices=STATUSES,
            choice_aliases=_STATUS_ALIASES,
            note="Đang hoạt động; Tạm ngừng hoạt động; Giải thể. Bắt buộc.",
            note_en="Operating; Suspended; Dissolved. Required.",
            aliases=("Tình trạng hoạt động", "Trạng thái", "Status"),
            width=18,
        ),
        Column(
            "members",
            "Số thành viên",
            "Members",
            Kind.COUNT,
            unit="người",
            note="Đơn vị: người; số nguyên ≥ 0. Để trống nếu không có số liệu.",
            note_en="Unit: people; a whole number ≥ 0. Leave blank when unknown.",
            aliases=("Tổng số thành viên", "Thành viên", "Members"),
            width=11,
            maximum=MAX_MEMBERS,
            jump_factor=JUMP_FACTOR,
        ),
        Column(
            "workers",
            "Số lao động thường xuyên",
            "Regular workers",
            Kind.COUNT,
            unit="người",
            note="Đơn vị: người; số nguyên ≥ 0.",
            note_en="Unit: people; a whole number ≥ 0.",
            aliases=("Lao động thường xuyên", "Số lao động", "Workers"),
            width=11,
            maximum=MAX_WORKERS,
            jump_factor=JUMP_FACTOR,
        ),
        Column(
            "revenue",
            "Doanh thu (triệu đồng)",
            "Revenue (million VND)",
            Kind.MONEY_NONNEG,
            unit="triệu đồng",
            note="Doanh thu trong năm. Đơn vị: triệu đồng; số ≥ 0.",
            note_en="Revenue of the year. Unit: million VND; ≥ 0.",
            aliases=("Tổng doanh thu", "Doanh thu", "Revenue"),
            width=13,
            maximum=MAX_MILLION_VND,
            jump_factor=JUMP_FACTOR,
        ),
        Column(
            "profit",
            "Lợi nhuận (triệu đồng)",
            "Profit (million VND)",
            Kind.MONEY,
            unit="triệu đồng",
            note="Lợi nhuận trước thuế trong năm. Đơn vị: triệu đồng; có thể âm (lỗ).",
            note_en="Pre-tax profit of the year. Unit: million VND; may be negative (loss).",
            aliases=("Lợi nhuận trước thuế", "Lãi/lỗ", "Lợi nhuận", "Profit"),
            width=13,
            maximum=MAX_MILLION_VND,
        ),
        Column(
            "avg_income",
            "Thu nhập bình quân (triệu đồng/người/năm)",
            "Average income (million VND per person per year)",
            Kind.MONEY_NONNEG,
            unit="triệu đồng/người/năm",
            note="Thu nhập bình quân của thành viên, lao động thường xuyên. Đơn vị: triệu đồng/người/năm; số ≥ 0.",
            note_en="Average income of members and regular workers. Unit: million VND per person per year; ≥ 0.",
            aliases=(
                "Thu nhập bình quân",
                "Thu nhập bình quân thành viên",
                "Thu nhập bình quân của thành viên, lao động",
            ),
            width=14,
            maximum=MAX_INCOME,
            jump_factor=JUMP_FACTOR,
        ),
        Column(
            "rating",
            "Xếp loại",
            "Rating",
            Kind.CHOICE,
            choices=RATINGS,
            choice_aliases=_RATING_ALIASES,
            note="Tốt; Khá; Trung bình; Yếu; Chưa xếp loại (HTX mới, hoạt động dưới 12 tháng).",
            note_en="Good; Fair; Average; Weak; Not rated (new, under 12 months).",
            aliases=("Xếp loại HTX", "Kết quả xếp loại", "Kết quả xếp loại HTX", "Phân loại", "Rating"),
            width=14,
            ranked=RATINGS[:4],
            jump_levels=RATING_JUMP_LEVELS,
        ),
        Column(
            "managers",
            "Số cán bộ quản lý",
            "Managers",
            Kind.COUNT,
            unit="người",
            note="Đơn vị: người; số nguyên ≥ 0.",
            note_en="Unit: people; a whole number ≥ 0.",
            aliases=("Cán bộ quản lý", "Số CBQL", "CBQL", "Managers"),
            width=11,
            maximum=MAX_MANAGERS,
            jump_factor=JUMP_FACTOR,
        ),
        Column(
            "managers_vocational",
            "CBQL trình độ sơ cấp, trung cấp",
            "Managers trained to elementary or intermediate level",
            Kind.COUNT,
            unit="người",
            note="Đơn vị: người. Cộng với cột cao đẳng, đại học không vượt số cán bộ quản lý.",
            note_en="Unit: people. Together with the higher level, not above the managers.",
            aliases=("CBQL sơ cấp, trung cấp", "CBQL trình độ sơ, trung cấp", "Trình độ sơ cấp, trung cấp"),
            width=13,
            maximum=MAX_MANAGERS,
        ),
        Column(
            "managers_higher",
            "CBQL trình độ cao đẳng, đại học trở lên",
            "Managers trained to college level or above",
            Kind.COUNT,
            unit="người",
            note="Đơn vị: người. Cộng với cột sơ cấp, trung cấp không vượt số cán bộ quản lý.",
            note_en="Unit: people. Together with the vocational level, not above the managers.",
            aliases=(
                "CBQL cao đẳng, đại học trở lên",
                "CBQL cao đẳng, đại học",
                "Trình độ cao đẳng, đại học trở lên",
            ),
            width=13,
            maximum=MAX_MANAGERS,
        ),
        Column(
            "ocop_products",
            "Số sản phẩm OCOP",
            "OCOP products",
            Kind.COUNT,
            unit="sản phẩm",
            note="Số sản phẩm OCOP (3 sao trở lên) HTX đang sở hữu; số nguyên ≥ 0.",
            note_en="OCOP products (3 stars or more) owned; a whole number ≥ 0.",
            aliases=("Sản phẩm OCOP", "OCOP"),
            width=10,
            maximum=MAX_OCOP_PRODUCTS,
        ),
        Column(
            "value_chain",
            "Tham gia chuỗi giá trị",
            "In a value chain",
            Kind.YES_NO,
            note="Có; Không.",
            note_en="Yes (Có); No (Không).",
            aliases=("Chuỗi giá trị", "Liên kết chuỗi giá trị", "Value chain"),
            width=11,
        ),
        Column(
            "model",
            "HTX điển hình",
            "Model cooperative",
            Kind.YES_NO,
            note="Có nếu HTX được công nhận là mô hình HTX điển hình, mạnh toàn diện; Không nếu không.",
            note_en="Yes (Có) if recognised as a model cooperative; No (Không) otherwise.",
            aliases=("Mô hình HTX điển hình", "Điển hình", "Model"),
            width=11,
        ),
    ),
)

GROUP = Sheet(
    id="groups",
    name="THT",
    name_en="Cooperative groups",
    aliases=("Tổ hợp tác", "Cooperative groups"),
    note="Mỗi dòng một huyện, thành phố.",
    required=False,
    columns=(
        Column(
            "district",
            "Huyện/Thành phố",
            "District",
            Kind.DISTRICT,
            required=True,
            unique=True,
            note="Một trong 8 huyện, thành phố; mỗi huyện một dòng. Bắt buộc.",
            note_en="One of the 8 districts; one row each. Required.",
            aliases=("Huyện", "Huyện, thành phố", "Địa bàn", "District"),
            width=16,
        ),
        Column(
            "groups",
            "Số tổ hợp tác",
            "Cooperative groups",
            Kind.COUNT,
            unit="THT",
            note="Số THT đang hoạt động; số nguyên ≥ 0.",
            note_en="Active cooperative groups; a whole number ≥ 0.",
            aliases=("Số THT", "Tổng số THT", "Groups"),
            width=12,
            maximum=MAX_GROUPS,
        ),
        Column(
            "certified",
            "Số THT có hợp đồng được chứng thực",
            "Groups with a certified contract",
            Kind.COUNT,
            unit="THT",
            note="Số THT có hợp đồng hợp tác được chứng thực (NĐ 77/2019/NĐ-CP); không vượt số THT.",
            note_en="Groups whose contract is certified (Decree 77/2019); not above the number of groups.",
            aliases=(
                "THT có hợp đồng được chứng thực",
                "Số THT có hợp đồng hợp tác được chứng thực",
                "Certified",
            ),
            width=16,
            maximum=MAX_GROUPS,
        ),
    ),
)

SHEETS: tuple[Sheet, ...] = (INFO, COOP, GROUP)
TABLE_SHEETS: tuple[Sheet, ...] = (COOP, GROUP)
