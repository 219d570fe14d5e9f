"""Results kept with each version: named tables computed from a version's rows, stored beside them.

The store does not know what the tables mean (the statistics compute them, `kpi.stats.results`); it keeps,
per version, a set of named frames with the fingerprint of the inputs they were computed from (the plan
file, the reference lists) and the method version of the code that computed them. A reader asks for the
results of some versions with the fingerprint and method it would use now, and gets back only those that
match: anything else is missing and must be computed again, never served stale.

A version's set is written whole, in one write transaction (delete, then insert), so a reader never sees half
a set. Results that also depend on another version (a year's quality compares it with the year before) are
added beside the set (`add_results`) under names that say which other version they were computed with. The rows go with their version (`ON DELETE CASCADE`): removing sample data removes its results.

Frames are stored as Arrow IPC streams (columns with their dtypes, lists allowed in cells: the communes of a
district, say), the same bytes in SQLite and PostgreSQL, read back column by column without parsing text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from kpi.store import versions as st

log = logging.getLogger(__name__)

# The table (migrations 0005 and 0006 make it; the store's test checks both agree).
version_results_table = sa.Table(
    "version_results",
    st.metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("method", sa.Integer, nullable=False),
    sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("payload", sa.LargeBinary, nullable=False),
    extend_existing=True,
)


@dataclass(frozen=True)
class Stamp:
    """What results were computed with: a fingerprint of the input files, and the code's method version."""

    fingerprint: str
    method: int


# --- frames as Arrow ----------------------------------------------------------------------------------------

# Large frames (a year's register, 9 MB as Arrow) are compressed, about 3 times smaller; smaller ones (the codes
# of a year, 0,8 MB; the summary tables, kilobytes) are not: decompressing them costs more on every first visit
# of a page than the bytes it saves.
_COMPRESSED = pa.ipc.IpcWriteOptions(compression="lz4")
_PLAIN = pa.ipc.IpcWriteOptions()
COMPRESS_FROM_BYTES = 2_000_000


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """Return a frame as an Arrow IPC stream: its columns, their dtypes, its rows (the index is not kept)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    options = _COMPRESSED if table.nbytes >= COMPRESS_FROM_BYTES else _PLAIN
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def frame_from_bytes(data: bytes) -> pd.DataFrame:
    """Return the frame written by `frame_to_bytes`, with the dtypes it had: columns of Python objects come
    back as objects with None where a cell is missing, lists in cells as Python lists."""
    table = pa.ipc.open_stream(data).read_all()
    frame = table.to_pandas()
    described = (table.schema.pandas_metadata or {}).get("columns", [])
    objects = {c["name"] for c in described if c.get("numpy_type") == "object"}
    for name in frame.columns:
        if name in objects and frame[name].dtype != object or pa.types.is_list(table.schema.field(name).type):
            frame[name] = pd.Series(table.column(name).to_pylist(), dtype=object, index=frame.index)
    return frame


# --- reading and writing ------------------------------------------------------------------------------------


def version_ids(store: st.Store, versions: Mapping[int, int], kind: str = st.STATS) -> dict[int, int]:
    """Return {year: version id} of the {year: version number} given (the store's own check of each pair)."""
    with store.read_transaction() as conn:
        return store.version_ids(conn, kind, versions)


def _insert(conn: sa.Connection, version_id: int, frames: Mapping[str, pd.DataFrame], stamp: Stamp) -> None:
    at = datetime.now(UTC)
    rows = [
        {
            "version_id": version_id,
            "name": name,
            "fingerprint": stamp.fingerprint,
            "method": stamp.method,
            "computed_at": at,
            "payload": frame_to_bytes(frame),
        }
        for name, frame in frames.items()
    ]
    if rows:
        conn.execute(version_results_table.insert(), rows)


def _exists(conn: sa.Connection, version_id: int) -> bool:
    versions = st.versions_table
    return conn.execute(sa.select(versions.c.id).where(versions.c.id == version_id)).first() is not None


def save_results(
    conn: sa.Connection, version_id: int, frames: Mapping[str, pd.DataFrame], stamp: Stamp
) -> None:
    """Replace the results of one version by `frames`. Call inside `Store.write_transaction()`."""
    table = version_results_table
    conn.execute(table.delete().where(table.c.version_id == version_id))
    _insert(conn, version_id, frames, stamp)


def store_results(store: st.Store, version_id: int, frames: Mapping[str, pd.DataFrame], stamp: Stamp) -> None:
    """Replace the results of one version, in a write transaction of its own."""
    with store.write_transaction() as conn:
        # The version may have gone meanwhile (sample data removed): then there is nothing to keep.
        if _exists(conn, version_id):
            save_results(conn, version_id, frames, stamp)


def add_results(
    store: st.Store, version_id: int, frames: Mapping[str, pd.DataFrame], stamp: Stamp, replacing: str
) -> None:
    """Add `frames` to the results of one version, first removing its frames whose name starts with
    `replacing` (those computed from another state of other versions), in a write transaction of its own."""
    table = version_results_table
    with store.write_transaction() as conn:
        if not _exists(conn, version_id):
            return
        names = conn.execute(sa.select(table.c.name).where(table.c.version_id == version_id)).scalars().all()
        gone = sorted({n for n in names if n.startswith(replacing)} | set(frames))
        if gone:
            conn.execute(table.delete().where(table.c.version_id == version_id, table.c.name.in_(gone)))
        _insert(conn, version_id, frames, stamp)


def load_results(
    store: st.Store, ids: Iterable[int], stamp: Stamp, names: Iterable[str] | None = None
) -> dict[int, dict[str, pd.DataFrame]]:
    """Return {version id: {name: frame}} of the versions whose results match `stamp`, in one query.

    A version is left out when it has no results, or when any of its results was computed with another
    fingerprint or method. `names`, when given, reads only those frames (the others are still checked).
    """
    ids = sorted({int(i) for i in ids})
    if not ids:
        return {}
    table = version_results_table
    wanted = None if names is None else sorted(set(names))
    # One query: every frame's stamp, and the payload of the frames wanted only.
    payload = table.c.payload if wanted is None else sa.case((table.c.name.in_(wanted), table.c.payload))
    query = sa.select(table.c.version_id, table.c.name, table.c.fingerprint, table.c.method, payload)
    with store.read_transaction() as conn:
        rows = conn.execute(query.where(table.c.version_id.in_(ids))).all()
    bad = {r[0] for r in rows if (r[2], r[3]) != (stamp.fingerprint, stamp.method)}
    found: dict[int, dict[str, pd.DataFrame]] = {i: {} for i in sorted({r[0] for r in rows} - bad)}
    for version_id, name, _, _, data in rows:
        if version_id in found and data is not None:
            found[version_id][name] = frame_from_bytes(bytes(data))
    return found


def delete_results(store: st.Store, ids: Iterable[int] | None = None) -> int:
    """Remove the results of the versions given (all when None); return how many frames were removed."""
    table = version_results_table
    with store.write_transaction() as conn:
        query = table.delete()
        if ids is not None:
            query = query.where(table.c.version_id.in_(sorted({int(i) for i in ids})))
        return conn.execute(query).rowcount or 0


def forget_results(store: st.Store, prefix: str, keep: Iterable[int]) -> int:
    """Remove the frames whose name starts with `prefix` from every version but those of `keep` (ids); return
    how many were removed."""
    table = version_results_table
    with store.write_transaction() as conn:
        query = table.delete().where(
            table.c.name.startswith(prefix, autoescape=True),
            table.c.version_id.not_in(sorted({int(i) for i in keep})),
        )
        return conn.execute(query).rowcount or 0


def results_for(
    store: st.Store,
    versions: Mapping[int, int],
    stamp: Stamp,
    compute: Callable[[Mapping[int, int]], Mapping[int, Mapping[str, pd.DataFrame]]],
    names: Iterable[str] | None = None,
    ids: Mapping[int, int] | None = None,
) -> dict[int, dict[str, pd.DataFrame]]:
    """Return {year: {name: frame}} of the {year: version} given: the stored results that match `stamp`, and
    for the other versions `compute({year: version})` → {year: frames}, which are stored before returning.
    `ids`: {year: version id} of those versions when already known (`version_ids`)."""
    ids = version_ids(store, versions) if ids is None else {year: ids[year] for year in versions}
    stored = load_results(store, ids.values(), stamp, names)
    by_year = {year: stored[vid] for year, vid in ids.items() if vid in stored}
    missing = {year: versions[year] for year in ids if year not in by_year}
    if missing:
        computed = compute(missing)
        for year, frames in computed.items():
            try:
                store_results(store, ids[year], frames, stamp)
            except (st.StoreError, sa.exc.SQLAlchemyError):  # a busy or read-only store: serve them anyway
                log.warning("results of version id %s computed but not stored", ids[year], exc_info=True)
            keep = frames if names is None else {n: f for n, f in frames.items() if n in set(names)}
            by_year[year] = dict(keep)
    return by_year


__all__ = [
    "Stamp",
    "add_results",
    "delete_results",
    "frame_from_bytes",
    "forget_results",
    "frame_to_bytes",
    "load_results",
    "results_for",
    "save_results",
    "store_results",
    "version_ids",
    "version_results_table",
]
