"""The results table (console and bench/RESULTS.md) and the description of the machine it was measured on."""

from __future__ import annotations

import os
import platform
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path

from bench.harness import Report, Row, proc_field, proc_kib
from kpi.common.formatting import format_number

PACKAGES = (
    "streamlit",
    "pandas",
    "numpy",
    "pyarrow",
    "plotly",
    "python-calamine",
    "pandera",
    "sqlalchemy",
    "psycopg",
    "xlsxwriter",
    "openpyxl",
)
_MB = 1024 * 1024
HEADERS = (
    "Phép đo · benchmark",
    "Ứng viên · candidate",
    "Mốc · baseline",
    "Ứng viên (s)",
    "Mốc (s)",
    "Tỉ lệ · ratio",
    "Mục tiêu · target",
    "Kết quả · result",
    "Đỉnh Python, ứng viên / mốc (MB)",
    "Đỉnh RSS, ứng viên / mốc (MB)",
)


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """Return the CPU model name (from /proc/cpuinfo), else what the platform module knows."""
    return (
        proc_field(cpuinfo, "model name", "hardware", "cpu model")
        or platform.processor()
        or platform.machine()
        or "?"
    )


def memory_total(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Return the machine's RAM in bytes (MemTotal), or None when unknown."""
    return proc_kib(meminfo, "MemTotal")


def os_name() -> str:
    """Return the distribution and kernel ("Debian GNU/Linux 12 (bookworm), Linux 6.1.0")."""
    try:
        distribution = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    except OSError:
        distribution = ""
    kernel = f"{platform.system()} {platform.release()}"
    return f"{distribution}, {kernel}" if distribution else kernel


def load_average() -> str:
    """Return the 1-minute load average with a warning when other work shared the CPUs (figures are noisier)."""
    try:
        one = os.getloadavg()[0]
    except OSError:
        return "?"
    cores = os.cpu_count() or 1
    busy = (
        " (máy đang bận, kết quả dao động hơn · machine busy, figures are noisier)" if one > cores / 2 else ""
    )
    return f"{format_number(one, 2)}{busy}"


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Return the installed version of each package ("–" when it is not installed)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "–"
    return versions


def machine(now: datetime | None = None) -> dict[str, str]:
    """Return the description of this machine and run, as label -> text."""
    ram = memory_total()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = package_versions()
    return {
        "CPU": cpu_model(),
        "Số lõi · cores": f"{usable} usable of {os.cpu_count()}",
        "RAM": f"{format_number(ram / 1024**3, 1)} GB" if ram else "?",
        "OS": os_name(),
        "Tải máy lúc bắt đầu · load average at start": load_average(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Gói · packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "Ngày · date": (now or datetime.now().astimezone()).strftime("%d/%m/%Y %H:%M %Z").strip(),
    }


def _seconds(x: float) -> str:
    return format_number(x, 3 if x < 10 else 1)


def _mb(x: int | None) -> str:
    return "–" if x is None else format_number(x / _MB, 0)


def _verdict(row: Row) -> str:
    if row.passed is None:
        return "(thông tin · info)"
    return "✓ đạt · pass" if row.passed else "✗ chưa đạt · fail"


def cells(row: Row) -> list[str]:
    """Return the texts of one row of the table, numbers in Vietnamese format (1,23×; 12.079,5)."""
    return [
        row.benchmark,
        row.label + (f" ({row.note})" if row.note else ""),
        row.baseline_label,
        _seconds(row.candidate.median),
        _seconds(row.baseline.median),
        f"{format_number(row.ratio, 2)}×",
        "–" if row.target is None else f"≤ {format_number(row.target, 2)}×",
        _verdict(row),
        f"{_mb(row.candidate.peak_python)} / {_mb(row.baseline.peak_python)}",
        f"{_mb(row.candidate.peak_rss)} / {_mb(row.baseline.peak_rss)}",
    ]


def markdown_table(report: Report) -> str:
    """Return the rows of the report as a Markdown table."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |" for row in report.rows]
    return "\n".join(lines)


def console_table(report: Report) -> str:
    """Return the rows of the report as an aligned plain-text table."""
    rows = [list(HEADERS), *(cells(r) for r in report.rows)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    text = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def results_markdown(report: Report, command: str, description: dict[str, str], elapsed: float) -> str:
    """Return the whole bench/RESULTS.md: how it was made, the machine, the table, the notes."""
    out = [
        "# Kết quả đo hiệu năng · Benchmark results",
        "",
        f"Tệp này do lệnh `{command}` sinh ra, không viết tay; chạy lại lệnh để cập nhật. "
        f"*Generated by `{command}`, never written by hand; run it again to update.*",
        "",
        "Mỗi dòng so một ứng viên với một mốc đo trong cùng lần chạy, trên cùng máy: tỉ lệ là trung vị thời gian "
        "của ứng viên chia trung vị của mốc (nhiều lần đo, sau lần chạy khởi động). Bộ nhớ đỉnh: cấp phát "
        "Python (tracemalloc) và RSS cao nhất của tiến trình trong một lần chạy riêng. "
        "*Each row compares a candidate with a baseline measured in the same run on the same machine: the "
        "ratio is the candidate's median time over the baseline's (several timed runs after a warm-up). Peak "
        "memory: Python allocations (tracemalloc) and the process's RSS high-water mark, in a separate run.*",
        "",
        "## Máy · Machine",
        "",
        *(f"- {k}: {v}" for k, v in description.items()),
        f"- Thời gian chạy · total run time: {format_number(elapsed, 0)} s",
        "",
        "## Kết quả · Results",
        "",
        markdown_table(report) if report.rows else "_Không có phép đo nào chạy · no benchmark ran._",
        "",
    ]
    if report.notes:
        out += ["## Ghi chú · Notes", "", *(f"- {n}" for n in report.notes), ""]
    return "\n".join(out)


def command_line(argv: list[str] | None = None) -> str:
    """Return the command as a user would type it (python -m bench plus the options given)."""
    args = sys.argv[1:] if argv is None else argv
    return " ".join(["python -m bench", *args])
