"""Some rows and columns of the stored cooperatives: what a page shows, not the whole of every year.

The pages that list cooperatives read only what they show: one year's list (`Store.load_version`), the codes
of every year (to count the years each cooperative appears in), and one cooperative's rows across the years.
The other pages read the results kept with each version (`kpi.store.results`), never these rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import pandas as pd
import sqlalchemy as sa

from kpi.store import versions as st
from kpi.workbook.contract import COOP
from kpi.workbook.dataset import YEAR
from kpi.workbook.reader import ROW
from kpi.workbook.stats_kind import STATS_KIND


def coop_rows(
    store: st.Store,
    versions: Mapping[int, int],
    columns: Collection[str] | None = None,
    rows: Mapping[int, Iterable[int]] | None = None,
) -> pd.DataFrame:
    """Return the cooperatives of the {year: version} given: `columns` (default all) typed as validation
    types them, with `_row` and `year`, by year then Excel row; only the Excel `rows` of each year when given.
    """
    columns = list(COOP.ids if columns is None else columns)
    unknown = sorted(set(columns) - set(COOP.ids))
    if unknown:
        raise ValueError(f"not columns of sheet {COOP.id}: {', '.join(unknown)}")
    table = st.row_tables(st.STATS)[COOP.id]
    with store.read_transaction() as conn:
        ids = store.version_ids(conn, st.STATS, versions)
        query = sa.select(table.c.version_id, table.c[ROW], *(table.c[c] for c in columns))
        if rows is None:
            query = query.where(table.c.version_id.in_(sorted(ids.values())))
            found = conn.execute(query).all()
        else:
            pairs = {(ids[year], int(r)) for year, numbers in rows.items() if year in ids for r in numbers}
            # The rows of any of the versions at any of the rows, the pairs picked here: one statement for any
            # number of years (an OR of pairs is a new statement to compile for each), a few rows too many.
            query = query.where(
                table.c.version_id.in_(sorted({v for v, _ in pairs})),
                table.c[ROW].in_(sorted({r for _, r in pairs})),
            )
            found = [r for r in conn.execute(query) if (r[0], r[1]) in pairs]
    names = ["version_id", ROW, *columns]
    # Column by column: pandas asks each SQLAlchemy row for namedtuple fields when given rows, which costs
    # seconds on a year of 30.000 cooperatives.
    values = list(zip(*found, strict=True)) or [()] * len(names)
    frame = pd.DataFrame(
        {name: pd.Series(list(v), dtype=object) for name, v in zip(names, values, strict=True)}
    )
    year_of = {vid: year for year, vid in ids.items()}
    frame[YEAR] = frame["version_id"].map(year_of).astype("int64")
    frame = frame.sort_values([YEAR, ROW], kind="stable").reset_index(drop=True)
    return STATS_KIND.typed(COOP.id, frame)


__all__ = ["coop_rows"]
