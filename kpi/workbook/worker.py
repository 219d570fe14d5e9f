"""Parsing a workbook in a separate process with a memory cap and a time limit.

calamine is native code: on some files it tries to allocate hundreds of GB and aborts the whole process, or
works for minutes. It therefore never runs in the server or command-line process. A forked child (a fork
costs a few milliseconds and shares the parent's imports, so it imports nothing itself) caps the address
space it may add (RLIMIT_AS) and its CPU time, parses only the sheets the contract reads, checks their
extent before turning cells into Python objects, and sends the cell rows back over a pipe (marshal, or
pickle when a cell holds a date). Whatever happens in the child, the caller gets rows or a
`WorkerFailure`; the parent kills the child when the time limit passes.

`forkserver` was tried first: its children re-import the parent's `__main__` (Streamlit's or pytest's
launcher), which is slow and not always importable.
"""

from __future__ import annotations

import faulthandler
import io
import marshal
import multiprocessing
import os
import pickle
import resource
import time
from collections.abc import Iterator
from itertools import islice

from python_calamine import CalamineWorkbook

from kpi.common.settings import ReadLimits
from kpi.workbook.contract import Sheet, find_sheets
from kpi.workbook.guard import letters as _letters

MB = 1024 * 1024
_PAGE = resource.getpagesize()


class WorkerFailure(Exception):
    """The child gave no rows: `code` says why (`parse_error`, `crashed`, `timeout`, or a limit's code)."""

    def __init__(self, code: str, sheet: str | None = None, value: object = None, **params: object):
        super().__init__(code)
        self.code, self.sheet, self.value, self.params = code, sheet, value, params


def parse_sheets(
    data: bytes, sheets: tuple[Sheet, ...] | None, limits: ReadLimits, row_limit: int
) -> tuple[list[str], dict[str, list[list[object]]]]:
    """Return (every sheet name, {name: cell rows} of the declared sheets found), parsed in a child process.

    `sheets=None` parses every sheet. Raise WorkerFailure when the child fails, passes a limit, or runs out
    of time or memory. The child sends the rows in batches, so that turning cells into Python objects there
    and reading them back here overlap.
    """
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=True)
    process = ctx.Process(target=_child, args=(child, sheets, limits, row_limit), daemon=True)
    process.start()
    child.close()
    deadline = time.monotonic() + limits.worker_seconds
    names: list[str] = []
    rows: dict[str, list[list[object]]] = {}
    try:
        parent.send_bytes(data)
        while True:
            if not parent.poll(max(deadline - time.monotonic(), 0)):
                raise WorkerFailure("worker_timeout", seconds=float(limits.worker_seconds))
            message = _decode(parent.recv_bytes())
            kind = message[0]
            if kind == "rows":
                rows[message[1]].extend(message[2])
            elif kind == "sheet":
                rows[message[1]] = []
            elif kind == "names":
                names = message[1]
            elif kind == "failure":
                _, code, sheet, value, params = message
                raise WorkerFailure(code, sheet, value, **params)
            else:  # "end"
                return names, rows
    except (EOFError, OSError) as exc:  # the child died: out of memory, killed by a signal, aborted
        raise WorkerFailure("worker_crashed", memory=float(limits.worker_memory_mb)) from exc
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()


_BATCH = 4000  # rows per message


def _encode(message: tuple) -> bytes:
    try:
        return b"M" + marshal.dumps(message)
    except ValueError:  # a date or time cell: marshal knows only plain types
        return b"P" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(payload: bytes) -> tuple:
    body = payload[1:]
    return marshal.loads(body) if payload[:1] == b"M" else pickle.loads(body)  # noqa: S301 - our child wrote it


def _child(conn, sheets: tuple[Sheet, ...] | None, limits: ReadLimits, row_limit: int) -> None:
    """Parse in the child: cap memory and CPU time, read the bytes, send back rows or a failure."""
    _cap(resource.RLIMIT_AS, _address_space() + int(limits.worker_memory_mb * MB))  # what the parse may add
    _cap(resource.RLIMIT_CPU, int(limits.worker_seconds) + 1)
    _silence_stderr()  # a native abort prints a backtrace: never to the terminal or the visitor's log
    data = conn.recv_bytes()
    try:
        for message in _parse(data, sheets, limits, row_limit):
            conn.send_bytes(_encode(message))
    except MemoryError:
        conn.send_bytes(
            _encode(("failure", "worker_crashed", None, None, {"memory": float(limits.worker_memory_mb)}))
        )
    except Exception as exc:  # calamine raises several types for foreign or broken files
        detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        conn.send_bytes(_encode(("failure", "parse_error", None, None, {"detail": detail})))
    conn.close()


def _silence_stderr() -> None:
    faulthandler.disable()  # it may write to a copy of stderr (pytest, PYTHONFAULTHANDLER)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _cap(which: int, value: int) -> None:
    """Lower a resource limit of this process to `value`, never above a hard limit already in force."""
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def _address_space() -> int:
    """Return the bytes of address space this process uses now (Linux /proc)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[0]) * _PAGE


def _parse(
    data: bytes, sheets: tuple[Sheet, ...] | None, limits: ReadLimits, row_limit: int
) -> Iterator[tuple]:
    """Yield the messages of a parse: the sheet names, then each sheet read and its rows in batches, the end."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = list(book.sheet_names)
    yield ("names", names)
    wanted = list(names) if sheets is None else list(find_sheets(names, sheets).values())
    for name in wanted:
        sheet = book.get_sheet_by_name(name)
        last_row, last_col = sheet.end if sheet.height else (-1, -1)
        if last_row + 1 > row_limit:
            yield ("failure", "sheet_beyond_rows", name, None, {"found": last_row + 1, "limit": row_limit})
            return
        if last_col + 1 > limits.max_columns:
            found = last_col + 1
            yield (
                "failure",
                "sheet_beyond_columns",
                name,
                None,
                {"found": found, "limit": limits.max_columns},
            )
            return
        cells = (last_row + 1) * (last_col + 1)
        if cells > limits.max_cells:
            params = {
                "rows": last_row + 1,
                "columns": last_col + 1,
                "cells": cells,
                "limit": limits.max_cells,
            }
            yield ("failure", "sheet_too_many_cells", name, f"{_letters(last_col + 1)}{last_row + 1}", params)
            return
        yield ("sheet", name)
        # Rows from A1, as to_python(skip_empty_area=False) gives them, made and sent in batches.
        # iter_rows() starts at row 1 but at the first used column: the columns left of it are added back.
        rows, pad = sheet.iter_rows(), [""] * (sheet.start[1] if sheet.height else 0)
        while batch := list(islice(rows, _BATCH)):
            yield ("rows", name, [pad + row for row in batch] if pad else batch)
    yield ("end",)


__all__ = ["WorkerFailure", "parse_sheets"]
