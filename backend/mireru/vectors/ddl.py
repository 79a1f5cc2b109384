"""Per-owner partial expression indexes: their names, their DDL, building and dropping them."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

# pgvector limits for indexed columns: vector up to 2,000 dimensions, halfvec up to 4,000.
MAX_INDEXED_DIMS = {"vector": 2000, "halfvec": 4000}
OPCLASS_SUFFIX = {"cosine": "cosine_ops", "l2": "l2_ops", "ip": "ip_ops"}
# The distance operator each opclass serves: an ORDER BY with another operator cannot use the index.
OPERATORS = {"cosine": "<=>", "l2": "<->", "ip": "<#>"}
INDEX_KINDS = ("hnsw", "ivfflat")
# Names end up in DDL unquoted, so anything else is refused rather than escaped.
_SAFE_NAME = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class IndexFamily:
    """The per-owner vector indexes of one table, named `<prefix><owner id>[_v<version>]_<kind>`.
    Versioned families rebuild beside the live index under a new name, then drop the old one."""

    table: str
    owner_column: str
    prefix: str
    versioned: bool = False
    kinds: tuple[str, ...] = INDEX_KINDS

    def name(self, owner_id: int, kind: str, version: int | None = None) -> str:
        middle = "" if version is None else f"_v{version}"
        return f"{self.prefix}{owner_id}{middle}_{kind}"

    def owner_of(self, name: str) -> int | None:
        """The owner id an index name belongs to; None for a name this family did not make."""
        version = r"_v\d+" if self.versioned else ""
        match = re.match(rf"^{re.escape(self.prefix)}(\d+){version}_({'|'.join(self.kinds)})$", name)
        return int(match.group(1)) if match else None


@dataclass(frozen=True)
class VectorColumn:
    """One owner's vectors as its index sees them: the column, the type it is cast to (the column
    itself has no dimension) and the metric the opclass serves."""

    name: str
    storage: str
    dimension: int
    metric: str = "cosine"

    @property
    def sql_type(self) -> str:
        return f"{self.storage}({self.dimension})"

    @property
    def expression(self) -> str:
        """What the index is built on, and what a query must compare to use it."""
        return f"{self.name}::{self.sql_type}"

    @property
    def operator(self) -> str:
        return OPERATORS[self.metric]

    @property
    def opclass(self) -> str:
        return f"{self.storage}_{OPCLASS_SUFFIX[self.metric]}"

    @property
    def indexable(self) -> bool:
        return self.dimension <= MAX_INDEXED_DIMS[self.storage]


def index_options(kind: str, params: dict[str, Any]) -> str:
    """The WITH (...) of an index kind; ints only, as they are written into the DDL."""
    if kind == "hnsw":
        return f"m = {int(params['m'])}, ef_construction = {int(params['ef_construction'])}"
    if kind == "ivfflat":
        return f"lists = {int(params['lists'])}"
    raise ValueError(f"no index to build for {kind!r}")


def index_ddl(
    family: IndexFamily,
    owner_id: int,
    column: VectorColumn,
    name: str,
    kind: str,
    params: dict[str, Any],
    if_not_exists: bool = False,
) -> str:
    """CREATE INDEX CONCURRENTLY on the owner's cast expression, partial on a literal owner id
    (a bind parameter could not be proven by the planner to match the predicate)."""
    options = index_options(kind, params)
    guard = "IF NOT EXISTS " if if_not_exists else ""
    return (
        f"CREATE INDEX CONCURRENTLY {guard}{name} ON {family.table} USING {kind} "
        f"(({column.expression}) {column.opclass}) WITH ({options}) "
        f"WHERE {family.owner_column} = {int(owner_id)}"
    )


def build_index(
    conn: Connection,
    ddl: str,
    name: str,
    memory: str,
    workers: int | None = None,
    analyze: Sequence[str] = (),
) -> None:
    """Run an index build (then ANALYZE `analyze`) on an autocommit connection. A failed or
    cancelled CREATE INDEX CONCURRENTLY leaves an invalid index behind, so it is dropped."""
    conn.execute(text("SELECT set_config('maintenance_work_mem', :m, false)"), {"m": memory})
    if workers is not None:
        conn.execute(
            text("SELECT set_config('max_parallel_maintenance_workers', :w, false)"), {"w": str(workers)}
        )
    try:
        conn.execute(text(ddl))
        for table in analyze:
            conn.execute(text(f"ANALYZE {table}"))
    except BaseException:
        drop_index(conn, name)
        raise
    finally:
        # The settings are session-wide (an index build cannot run in a transaction), and the
        # connection goes back to the pool.
        conn.execute(text("RESET maintenance_work_mem"))
        if workers is not None:
            conn.execute(text("RESET max_parallel_maintenance_workers"))


def drop_index(conn: Connection, name: str | None) -> None:
    """Drop without blocking queries or writes (on an autocommit connection)."""
    if name and _SAFE_NAME.fullmatch(name):
        conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))


def list_indexes(conn: Connection, family: IndexFamily) -> dict[str, int]:
    """The family's indexes that exist, by name, with the owner id each serves."""
    rows = conn.execute(
        text("SELECT indexname FROM pg_indexes WHERE tablename = :t AND indexname LIKE :p"),
        {"t": family.table, "p": f"{family.prefix}%"},
    ).scalars()
    return {name: owner for name in rows if (owner := family.owner_of(name)) is not None}
