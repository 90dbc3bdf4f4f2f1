"""Bulk upsert of imported cameras: stage, compare, record history, write; one transaction.

Into an empty registry rows go straight to ``cameras`` (``executemany`` on SQLite, ``COPY``
on PostgreSQL). Otherwise they are streamed into a temporary staging table, then a handful
of set-based statements mark each row new / changed / same, append the history (for a change,
before and after as JSON built by the database), update the changed rows (version + 1) and
insert the new ones. Unchanged rows are not touched, so re-importing the same file changes
nothing, versions included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from numpy.typing import NDArray
from sqlalchemy import Connection

from camroute.cameras.model import KEPT_UNLESS_GIVEN, NOT_IMPORTED, STREAM_FLAGS
from camroute.cameras.streams import moves_credentials
from camroute.cameras.tables import (
    camera_credentials,
    camera_history,
    cameras,
    staging_table,
)
from camroute.store.types import UtcDateTime

ProgressFn = Callable[[int, int], None]
CHUNK_ROWS = 50_000
SQLITE_CACHE_KIB = 64 * 1024
# An import neither compares nor writes the provenance of streams and PTZ: a re-import keeps
# it (see _provenance for when it resets it).
DATA_COLUMNS = tuple(
    c.name for c in cameras.columns if c.name not in ("id", "version", "updated_at", *NOT_IMPORTED)
)
# Which imported fields each provenance column speaks for.
PROVENANCE: dict[str, tuple[str, ...]] = {
    "streams_source": tuple(STREAM_FLAGS),
    "ptz_source": ("kind", "pan_min_deg", "pan_max_deg", "tilt_min_deg", "tilt_max_deg"),
}
STAGE_COLUMNS = ("id", *DATA_COLUMNS, "username", "password")


@dataclass(frozen=True)
class UpsertCounts:
    """How many staged rows were new, changed, or identical to the stored camera.

    ``credentials_cleared``: changed cameras whose stored credentials were dropped because a
    stream URL moved to a new scheme/host/port and the row brought no credentials.
    """

    imported: int
    updated: int
    unchanged: int
    credentials_cleared: int = 0


def _column_values(series: pd.Series, *, sqlite: bool) -> list[Any]:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        utc = series.dt.tz_convert(UTC) if series.dt.tz is not None else series
        if sqlite:  # format each distinct time once (``updated_at`` is one value per import)
            codes, uniques = pd.factorize(utc)
            formatted = pd.DatetimeIndex(uniques).strftime("%Y-%m-%d %H:%M:%S.%f")
            text: NDArray[np.object_] = np.empty(len(formatted) + 1, dtype=object)
            text[: len(formatted)] = list(formatted)  # text[-1] stays None: code -1 is missing
            return list(text[codes])
        return [None if pd.isna(v) else v.to_pydatetime() for v in utc]
    if pd.api.types.is_bool_dtype(series.dtype):
        return [bool(v) for v in series.to_numpy()]
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=float)
        boxed = values.astype(object)
        boxed[np.isnan(values)] = None
        return list(boxed)
    obj = series.astype(object)
    return list(obj.where(obj.notna(), None))


def _rows(
    frame: pd.DataFrame, columns: tuple[str, ...], *, sqlite: bool
) -> Iterator[tuple[Any, ...]]:
    values = [
        _column_values(frame[c], sqlite=sqlite) if c in frame.columns else [None] * len(frame)
        for c in columns
    ]
    return zip(*values, strict=True)


def _load(
    conn: Connection,
    table: str,
    columns: tuple[str, ...],
    frame: pd.DataFrame,
    progress: ProgressFn | None,
) -> None:
    """Stream ``frame`` into ``table``: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""
    sqlite = conn.dialect.name == "sqlite"
    total, done = len(frame), 0
    # Columns that are null everywhere are left to their NULL default: less to bind per row.
    columns = tuple(c for c in columns if c in frame.columns and frame[c].notna().any())
    names = ", ".join(columns)
    cursor = conn.connection.cursor()
    try:
        for start in range(0, total, CHUNK_ROWS):
            chunk = frame.iloc[start : start + CHUNK_ROWS]
            if sqlite:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                cursor.executemany(sql, list(_rows(chunk, columns, sqlite=True)))
            else:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # psycopg 3
                    for row in _rows(chunk, columns, sqlite=False):
                        copy.write_row(row)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    finally:
        cursor.close()


def compared_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """The columns an import of ``frame`` compares and writes for cameras already stored."""
    return tuple(c for c in DATA_COLUMNS if c not in KEPT_UNLESS_GIVEN or c in frame.columns)


def _json_of(conn: Connection, table: sa.Table, data: tuple[str, ...]) -> sa.ColumnElement[Any]:
    pairs: list[Any] = []
    for name in ("id", *data):
        pairs += [sa.literal_column(f"'{name}'"), table.c[name]]
    builder = sa.func.json_object if conn.dialect.name == "sqlite" else sa.func.json_build_object
    return builder(*pairs)


def _mark(conn: Connection, stage: sa.Table, data: tuple[str, ...]) -> None:
    same_id = cameras.c.id == stage.c.id
    conn.execute(sa.update(stage).values(op="new").where(~sa.select(1).where(same_id).exists()))
    differs = sa.or_(*[cameras.c[n].is_distinct_from(stage.c[n]) for n in data])
    conn.execute(
        sa.update(stage).values(op="changed").where(sa.select(1).where(same_id, differs).exists())
    )


def _history(
    conn: Connection,
    stage: sa.Table,
    data: tuple[str, ...],
    *,
    actor: str,
    source: str,
    now: datetime,
) -> None:
    cols = ["camera_id", "action", "actor", "source", "at", "before", "after"]
    at = sa.literal(now, UtcDateTime())
    who, src = sa.literal(actor), sa.literal(source)
    # A created camera's values are its version 1: the current row, or the ``before`` of its
    # first update. Not copying them keeps a million-row first import fast.
    created = sa.select(stage.c.id, sa.literal("create"), who, src, at, sa.null(), sa.null()).where(
        stage.c.op == "new"
    )
    changed = sa.select(
        stage.c.id,
        sa.literal("update"),
        who,
        src,
        at,
        _json_of(conn, cameras, data),
        _json_of(conn, stage, data),
    ).where(stage.c.op == "changed", cameras.c.id == stage.c.id)
    conn.execute(sa.insert(camera_history).from_select(cols, created))
    conn.execute(sa.insert(camera_history).from_select(cols, changed))


def _write(conn: Connection, stage: sa.Table, data: tuple[str, ...], *, now: datetime) -> None:
    at = sa.literal(now, UtcDateTime())
    conn.execute(
        sa.update(cameras)
        .where(cameras.c.id == stage.c.id, stage.c.op == "changed")
        .values(
            {
                **{n: stage.c[n] for n in data},
                **_provenance(stage, data),
                "version": cameras.c.version + 1,
                "updated_at": at,
            }
        )
    )
    names, select = _new_rows(stage, now, pg=conn.dialect.name == "postgresql")
    conn.execute(sa.insert(_target(names)).from_select(names, select.where(stage.c.op == "new")))
    _credentials(conn, stage, now)


def _provenance(stage: sa.Table, data: tuple[str, ...]) -> dict[str, sa.ColumnElement[Any]]:
    """Provenance kept unless the file changes a field it speaks for (then: unknown)."""
    return {
        source: sa.case(
            (
                sa.or_(*[cameras.c[n].is_distinct_from(stage.c[n]) for n in fields if n in data]),
                sa.null(),
            ),
            else_=cameras.c[source],
        )
        for source, fields in PROVENANCE.items()
    }


def _credentials(conn: Connection, stage: sa.Table, now: datetime) -> None:
    at = sa.literal(now, UtcDateTime())
    has_secret = sa.or_(stage.c.username.is_not(None), stage.c.password.is_not(None))
    conn.execute(
        sa.delete(camera_credentials).where(
            camera_credentials.c.camera_id.in_(sa.select(stage.c.id).where(has_secret))
        )
    )
    conn.execute(
        sa.insert(camera_credentials).from_select(
            ["camera_id", "username", "password", "updated_at"],
            sa.select(stage.c.id, stage.c.username, stage.c.password, at).where(has_secret),
        )
    )


def _drop_moved_credentials(conn: Connection, stage: sa.Table) -> int:
    """Delete the credentials of changed cameras whose streams move to a new origin.

    Only cameras that have credentials, bring none and change a URL are read back (few rows);
    the origin rule is :func:`camroute.cameras.streams.moves_credentials`.
    """
    urls = tuple(STREAM_FLAGS)
    query = (
        sa.select(
            stage.c.id,
            *[cameras.c[n].label(f"old_{n}") for n in urls],
            *[stage.c[n] for n in urls],
        )
        .select_from(stage.join(cameras, cameras.c.id == stage.c.id))
        .join(camera_credentials, camera_credentials.c.camera_id == stage.c.id)
        .where(
            stage.c.op == "changed",
            stage.c.username.is_(None),
            stage.c.password.is_(None),
            sa.or_(*[cameras.c[n].is_distinct_from(stage.c[n]) for n in urls]),
        )
    )
    moved = [
        {"camera_id": r["id"]}
        for r in conn.execute(query).mappings()
        if moves_credentials({n: r[f"old_{n}"] for n in urls}, dict(r))
    ]
    if moved:
        conn.execute(
            sa.delete(camera_credentials).where(
                camera_credentials.c.camera_id == sa.bindparam("camera_id")
            ),
            moved,
        )
    return len(moved)


def _is_empty(conn: Connection) -> bool:
    return conn.execute(sa.select(cameras.c.id).limit(1)).first() is None


SECONDARY_INDEXES = {
    "ix_cameras_lon_lat": "CREATE INDEX ix_cameras_lon_lat ON cameras (lon, lat)",
    "ix_cameras_status": "CREATE INDEX ix_cameras_status ON cameras (status)",
}
PG_INDEXES = {"ix_cameras_geom": "CREATE INDEX ix_cameras_geom ON cameras USING GIST (geom)"}


def _new_rows(stage: sa.Table, now: datetime, *, pg: bool) -> tuple[list[str], sa.Select[Any]]:
    """Columns and SELECT inserting staged rows as version 1 (with ``geom`` on PostGIS)."""
    names = ["id", *DATA_COLUMNS, "version", "updated_at"]
    values: list[Any] = [stage.c[n] for n in ("id", *DATA_COLUMNS)]
    values += [sa.literal(1), sa.literal(now, UtcDateTime())]
    if pg:  # computed set-based here, so the row trigger stays out of the way
        names.append("geom")
        values.append(sa.func.ST_SetSRID(sa.func.ST_MakePoint(stage.c.lon, stage.c.lat), 4326))
    return names, sa.select(*values)


def _first_load(
    conn: Connection, frame: pd.DataFrame, *, actor: str, source: str, progress: ProgressFn | None
) -> UpsertCounts:
    """Empty registry: every row is new; indexes are rebuilt once after the load."""
    now = datetime.now(UTC)
    pg = conn.dialect.name == "postgresql"
    indexes = {**SECONDARY_INDEXES, **(PG_INDEXES if pg else {})}
    for name in indexes:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    stage = staging_table()
    if pg:  # COPY into an unindexed stage, then one INSERT ... SELECT
        stage.create(conn)
        _load(conn, stage.name, STAGE_COLUMNS, frame, progress)
        names, select = _new_rows(stage, now, pg=True)
        conn.execute(sa.insert(_target(names)).from_select(names, select))
        _credentials(conn, stage, now)
        stage.drop(conn)
    else:
        rows = frame.assign(version=1, updated_at=pd.Timestamp(now))
        _load(conn, cameras.name, ("id", *DATA_COLUMNS, "version", "updated_at"), rows, progress)
        _first_credentials(conn, frame, now)
    for sql in indexes.values():
        conn.exec_driver_sql(sql)
    created = sa.select(
        cameras.c.id,
        sa.literal("create"),
        sa.literal(actor),
        sa.literal(source),
        sa.literal(now, UtcDateTime()),
    )
    cols = ["camera_id", "action", "actor", "source", "at"]
    conn.execute(sa.insert(camera_history).from_select(cols, created))
    return UpsertCounts(imported=len(frame), updated=0, unchanged=0)


def _target(names: list[str]) -> sa.TableClause:
    return sa.table(cameras.name, *[sa.column(n) for n in names])


def _first_credentials(conn: Connection, frame: pd.DataFrame, now: datetime) -> None:
    secret = [c for c in ("username", "password") if c in frame.columns]
    if not secret:
        return
    given = frame[secret].notna().any(axis=1).to_numpy()
    creds = frame.loc[given, ["id", *secret]].rename(columns={"id": "camera_id"})
    names = ("camera_id", "username", "password", "updated_at")
    _load(conn, camera_credentials.name, names, creds.assign(updated_at=pd.Timestamp(now)), None)


def bulk_upsert(
    conn: Connection,
    frame: pd.DataFrame,
    *,
    actor: str,
    source: str,
    progress: ProgressFn | None = None,
) -> UpsertCounts:
    """Upsert ``frame`` (normalised camera rows, unique ids) inside the caller's transaction."""
    if conn.dialect.name == "postgresql":  # readers go on; other writers wait for the commit
        conn.exec_driver_sql("LOCK TABLE cameras IN EXCLUSIVE MODE")
    if conn.dialect.name == "sqlite":  # a big page cache keeps index updates off the disk
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
    if _is_empty(conn):
        return _first_load(conn, frame, actor=actor, source=source, progress=progress)
    now = datetime.now(UTC)
    stage = staging_table()
    stage.create(conn)  # temporary and transactional: a rollback removes it too
    _load(conn, stage.name, STAGE_COLUMNS, frame, progress)
    data = compared_columns(frame)
    _mark(conn, stage, data)
    counts: dict[str, int] = dict(
        conn.execute(sa.select(stage.c.op, sa.func.count()).group_by(stage.c.op)).all()
    )
    _history(conn, stage, data, actor=actor, source=source, now=now)
    cleared = _drop_moved_credentials(conn, stage)  # before _write: it compares stored URLs
    _write(conn, stage, data, now=now)
    stage.drop(conn)
    return UpsertCounts(
        imported=int(counts.get("new", 0)),
        updated=int(counts.get("changed", 0)),
        unchanged=int(counts.get("same", 0)),
        credentials_cleared=cleared,
    )
