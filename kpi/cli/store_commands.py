"""Commands of the versioned store, added to `python -m kpi` (see kpi/cli/main.py):

    python -m kpi import FILE.xlsx [--year Y] [--by NAME] [--note TEXT] [--replace-sample] [--db URL]
    python -m kpi history [--year Y] [--db URL]
    python -m kpi rollback --year Y (--version N | --to-none) [--by NAME] [--note TEXT] [--db URL]
    python -m kpi export --year Y OUT.xlsx [--version N] [--db URL]

Exit codes as for the other commands: 0 done, 1 rejected or refused (the same problem lines as `check`, or
the reason), 2 the file or the store cannot be read at all.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from kpi.cli.main import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, print_rejected
from kpi.common import problems as pb
from kpi.common.formatting import format_number
from kpi.common.settings import load_settings

TEXTS = {
    "nothing_stored": {"vi": "Không có gì được lưu vào kho dữ liệu.", "en": "Nothing was stored."},
    "exported": {
        "vi": "Đã ghi {path} (năm {year}, phiên bản {version}).",
        "en": "Wrote {path} (year {year}, version {version}).",
    },
    "no_history": {"vi": "Chưa có lần nhập dữ liệu nào.", "en": "Nothing has been imported yet."},
    "no_history_year": {
        "vi": "Năm {year} chưa có lần nhập dữ liệu nào.",
        "en": "Nothing imported for {year} yet.",
    },
    "current": {"vi": "Phiên bản đang dùng: {pairs}.", "en": "Current versions: {pairs}."},
    "pair": {"vi": "năm {year}: phiên bản {version}", "en": "{year}: version {version}"},
    "history_header": {
        "vi": ("Thời điểm", "Thao tác", "Năm", "Phiên bản", "Người thực hiện", "Tệp", "Số dòng", "Ghi chú"),
        "en": ("Time", "Action", "Year", "Version", "By", "File", "Rows", "Note"),
    },
    "import": {"vi": "Nhập dữ liệu", "en": "Import"},
    "import_sample": {"vi": "Nhập số liệu mẫu", "en": "Import sample data"},
    "rollback": {
        "vi": "Khôi phục (trước đó: phiên bản {previous})",
        "en": "Rollback (before: version {previous})",
    },
    "delete_sample": {"vi": "Xoá số liệu mẫu", "en": "Remove sample data"},
    "rollback_none": {
        "vi": "Đưa về không có số liệu (trước đó: phiên bản {previous})",
        "en": "Rollback to no data (before: version {previous})",
    },
    "restore_sample": {"vi": "Khôi phục số liệu mẫu", "en": "Restore sample data"},
    "help_import": {
        "vi": "kiểm tra một tệp rồi lưu thành phiên bản mới của năm báo cáo",
        "en": "validate a workbook and store it as a new version of its year",
    },
}


def _t(key: str, lang: str, **kw: object) -> str:
    return TEXTS[key][lang].format(**kw)


def register_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the store's commands to the parser of `python -m kpi`."""
    p = add("import", cmd_import, "validate a workbook and store it as a new version of its reporting year")
    p.add_argument("file", help="workbook (.xlsx, .xlsm, .xls)")
    p.add_argument(
        "--year", type=int, help="the reporting year expected (the workbook's Năm báo cáo must match)"
    )
    p.add_argument("--by", help="who imports (default: the login name)")
    p.add_argument("--note", help="a note kept with the version")
    p.add_argument(
        "--replace-sample", action="store_true", help="remove the sample data in the same transaction"
    )
    _add_db(p)

    p = add("history", cmd_history, "list the imports, rollbacks and removals of sample data")
    p.add_argument("--year", type=int)
    _add_db(p)

    p = add("rollback", cmd_rollback, "make an earlier version of a year current again, or none (--to-none)")
    add_rollback_target(p)
    p.add_argument("--by", help="who rolls back (default: the login name)")
    p.add_argument("--note", help="why")
    _add_db(p)

    p = add("export", cmd_export, "write the current data of a year as a workbook in the template's format")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--version", type=int, help="another stored version than the current one")
    p.add_argument("out", help="output .xlsx file")
    _add_db(p)


def add_rollback_target(p: argparse.ArgumentParser) -> None:
    """Add `--year` and the target of a rollback: `--version N`, or `--to-none` (the year then has no current
    version: "no data"; every version stays stored)."""
    p.add_argument("--year", type=int, required=True)
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--version", type=int, help="the stored version to make current")
    target.add_argument(
        "--to-none",
        action="store_true",
        help="leave the year with no current version (no data); a later rollback can make one current again",
    )


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database URL (default: KPI_DATABASE_URL or the embedded SQLite file)")


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in containers without a passwd entry
        return "?"


def cli_identity():
    """Return who acts from the command line: the operating-system user (recorded beside `--by`)."""
    from kpi.common.access import command_line

    return command_line(_login_name())


class _Unreachable(Exception):
    def __init__(self, problem: pb.Problem):
        super().__init__(problem.message("en"))
        self.problem = problem


def _open(args: argparse.Namespace):
    from kpi.stats.results import keep_results
    from kpi.store.versions import open_store

    url = args.db or load_settings().database_url
    try:
        return keep_results(open_store(url))  # an import or a rollback keeps its version's results
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise _Unreachable(
            pb.error("store_unreachable", url=_safe_url(url), detail=detail[0][:200] if detail else "")
        ) from exc


def _safe_url(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "?"


def _with_store(command: Callable[[argparse.Namespace, object], int]) -> Callable[[argparse.Namespace], int]:
    """Return a command that opens the store, runs, and turns the store's refusals into messages."""
    from kpi.store.versions import StoreError

    def run(args: argparse.Namespace) -> int:
        try:
            store = _open(args)
        except _Unreachable as exc:
            print(exc.problem.line(args.lang), file=sys.stderr)
            return EXIT_UNREADABLE
        try:
            return command(args, store)
        except StoreError as exc:
            print(exc.problem.line(args.lang), file=sys.stderr)
            return EXIT_REJECTED
        finally:
            store.close()

    run.__name__ = command.__name__
    run.__doc__ = command.__doc__
    return run


def compare_with_store(args: argparse.Namespace, clean) -> tuple[int, tuple[list[pb.Problem], bool] | None]:
    """Return (exit code, (the year-on-year warnings of `clean` against the store of `args.db`, whether the
    year before is stored)); the second is None, its message printed, when the store could not be used."""
    from kpi.stats.preview import against_store

    found = []

    def compare(_args: argparse.Namespace, store) -> int:
        found.append(against_store(store, clean))
        return EXIT_OK

    code = _with_store(compare)(args)
    return code, (found[0] if found else None)


def _print_problems(problems: list[pb.Problem], lang: str) -> None:
    for line in pb.summarise(problems, load_settings().max_listed_problems, lang):
        print(line)


def _import(args: argparse.Namespace, store) -> int:
    """Store a workbook as a new version; print what check prints, then the outcome."""
    from kpi.store.versions import Status

    path = Path(args.file)
    lang = args.lang
    too_large = store.size_problem(path.stat().st_size)  # refuse a huge file before reading it into memory
    if too_large is not None:
        return _rejected([too_large], lang)
    data = path.read_bytes()
    outcome = store.import_workbook(
        data,
        path.name,
        args.year,
        _login_name() if args.by is None else args.by,
        args.note,
        replace_sample=args.replace_sample,
        identity=cli_identity(),
    )
    if outcome.status == Status.BUSY:
        print(outcome.message(lang), file=sys.stderr)
        return EXIT_REJECTED
    if outcome.status == Status.REJECTED:
        return _rejected(outcome.problems, lang)
    from kpi.stats.preview import against_store

    clean = outcome.validation.clean if outcome.validation else None
    year_warnings = against_store(store, clean)[0] if clean is not None else []  # warnings only, first
    _print_problems(year_warnings + outcome.problems, lang)
    print(outcome.message(lang))
    return EXIT_OK


def _rejected(problems: list[pb.Problem], lang: str) -> int:
    """Print the problems and the count line exactly as `check` does; say on stderr that nothing was stored."""
    print_rejected(problems, lang)
    print(_t("nothing_stored", lang), file=sys.stderr)
    return EXIT_REJECTED


def _history(args: argparse.Namespace, store) -> int:
    """Print the current versions, then every event, oldest first."""
    lang = args.lang
    history = store.history(args.year)
    if history.empty:
        key = "no_history" if args.year is None else "no_history_year"
        print(_t(key, lang, year=args.year))
        return EXIT_OK
    current = store.current_versions()
    if args.year is not None:
        current = {y: v for y, v in current.items() if y == args.year}
    if current:
        pairs = "; ".join(_t("pair", lang, year=y, version=v) for y, v in sorted(current.items()))
        print(_t("current", lang, pairs=pairs))
        print()
    print(render_history(history, lang))
    return EXIT_OK


def render_history(history, lang: str = "vi", *, texts: dict | None = None, counts=None) -> str:
    """Return a history table (kpi.store.versions.Store.history, or the tasks' one) as plain text.

    `texts` gives the header and action labels of the kind (default: the statistics'); `counts(row_counts,
    lang)` writes the row counts of a version (default: every sheet's count).
    """
    from kpi.store.versions import rows_text

    texts = texts or TEXTS
    counts = counts or rows_text

    def label(key: str, **kw: object) -> str:
        return texts[key][lang].format(**kw)

    rows: list[tuple[str, ...]] = [texts["history_header"][lang]]
    for e in history.itertuples(index=False):
        if e.action == "import":
            action = label("import_sample" if e.is_sample else "import")
        elif e.action == "rollback":
            key = "rollback" if cell_text(e.version) else "rollback_none"
            action = (texts if key in texts else TEXTS)[key][lang].format(
                previous=cell_text(e.previous_version)
            )
        else:
            words = texts.get(e.action) or TEXTS.get(e.action)
            action = words[lang] if words else str(e.action)
        count_text = counts(e.row_counts, lang) if isinstance(e.row_counts, dict) else ""
        rows.append(
            (
                pd.Timestamp(e.at).to_pydatetime().astimezone().strftime("%d/%m/%Y %H:%M:%S"),
                action,
                cell_text(e.year),
                cell_text(e.version),
                cell_text(e.by),
                cell_text(e.file_name),
                count_text,
                cell_text(e.note),
            )
        )
    return text_table(rows)


def text_table(rows: list[tuple[str, ...]], header: bool = True) -> str:
    """Return rows of texts as aligned plain-text columns; the first row underlined when it is a header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0 and header:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cell_text(value: object) -> str:
    """Return a cell of a history row as text: blank for missing, whole floats without ".0"."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rollback(args: argparse.Namespace, store) -> int:
    """Make a stored version current again; print what changed."""
    outcome = store.rollback(
        args.year,
        None if args.to_none else args.version,
        _login_name() if args.by is None else args.by,
        args.note,
        identity=cli_identity(),
    )
    print(outcome.message(args.lang))
    return EXIT_OK


def _export(args: argparse.Namespace, store) -> int:
    """Write a stored year as a workbook in the template's format."""
    number = store.export_year(args.year, Path(args.out), args.version)
    print(
        _t("exported", args.lang, path=args.out, year=args.year, version=format_number(number, 0, args.lang))
    )
    return EXIT_OK


def _year_template(args: argparse.Namespace, store) -> int:
    """Write the template prefilled with the version in force of `--from-year` (as `export` writes it)."""
    args.year, args.version = args.from_year, None
    return _export(args, store)


write_year_template = _with_store(_year_template)
cmd_import = _with_store(_import)
cmd_history = _with_store(_history)
cmd_rollback = _with_store(_rollback)
cmd_export = _with_store(_export)
