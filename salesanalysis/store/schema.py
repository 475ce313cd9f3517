"""The store's schema as data, read from the database's own catalogue.

``sql/schema_v<N>.sql`` creates the tables; everything else that needs to know a table's
columns, types, keys or allowed values (intake validation, the sample generator, the data
model page) asks :func:`table_specs`, which builds an empty in-memory store from the current
schema and reads DuckDB's catalogue (``duckdb_columns()``, ``duckdb_constraints()``); CHECK
expressions are parsed with sqlglot. There is no second parser of the SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import duckdb
import sqlglot
from sqlglot import expressions as exp

from salesanalysis.store.queries import load_sql

#: Current schema version written by this release.
SCHEMA_VERSION = 3

#: Migration scripts by the version they bring a store to (applied in order).
MIGRATIONS: dict[int, str] = {1: "schema_v1", 2: "schema_v2", 3: "schema_v3"}

#: Canonical data tables (docs/data_model.md), in load order.
CANONICAL_TABLES = (
    "reps",
    "industries",
    "customers",
    "contacts",
    "interactions",
    "opportunities",
    "orders",
    "feedback",
    "actions",
)

#: Tables derived from the canonical ones (stale once the data they came from is replaced).
DERIVED_TABLES = ("grades", "personas", "tags")

#: Tables with a date column each, used to find the latest date in the data.
DATED_COLUMNS = {
    "interactions": ("date",),
    "opportunities": ("created_date", "closed_date"),
    "orders": ("date",),
    "feedback": ("date",),
}

#: Column kinds by DuckDB type.
KINDS = {"VARCHAR": "str", "DOUBLE": "float", "INTEGER": "int", "BIGINT": "int", "DATE": "date",
         "TIMESTAMP": "timestamp", "BOOLEAN": "bool"}  # fmt: skip


@dataclass(frozen=True)
class ColumnSpec:
    """One column as the schema defines it."""

    name: str
    kind: str  # "str", "float", "int", "date", "timestamp", "bool"
    sql_type: str
    nullable: bool
    primary_key: bool
    allowed: tuple[str, ...] = ()
    ge: float | None = None
    gt: float | None = None
    between: tuple[float, float] | None = None


@dataclass(frozen=True)
class TableSpec:
    """A table: its columns in schema order and its primary key."""

    name: str
    columns: dict[str, ColumnSpec] = field(default_factory=dict)

    @property
    def key(self) -> list[str]:
        """Primary-key columns."""
        return [c.name for c in self.columns.values() if c.primary_key]


def _number(node: exp.Expression) -> float:
    if isinstance(node, exp.Neg):
        return -_number(node.this)
    return float(node.name)


def _check_rule(expression: str) -> dict[str, object]:
    """What one CHECK expression allows: ``allowed``, ``ge``, ``gt`` or ``between``."""
    node = sqlglot.parse_one(expression, read="duckdb")
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.In):
        return {"allowed": tuple(e.name for e in node.expressions)}
    if isinstance(node, exp.GTE):
        return {"ge": _number(node.expression)}
    if isinstance(node, exp.GT):
        return {"gt": _number(node.expression)}
    if isinstance(node, exp.Between):
        return {"between": (_number(node.args["low"]), _number(node.args["high"]))}
    return {}


def read_catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, TableSpec]:
    """Every table of a connection's ``main`` schema as :class:`TableSpec`, from its catalogue."""
    cols = con.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal "
        "ORDER BY table_name, column_index"
    ).fetchall()
    constraints = con.execute(
        "SELECT table_name, constraint_type, constraint_column_names, expression "
        "FROM duckdb_constraints() WHERE schema_name = 'main' "
        "AND database_name = current_database() "
        "AND constraint_type IN ('PRIMARY KEY', 'CHECK')"
    ).fetchall()
    keys: dict[str, set[str]] = {}
    rules: dict[tuple[str, str], dict[str, object]] = {}
    for table, kind, columns, expression in constraints:
        if kind == "PRIMARY KEY":
            keys.setdefault(table, set()).update(columns)
        elif expression and len(columns) == 1:
            rules.setdefault((table, columns[0]), {}).update(_check_rule(expression))
    specs: dict[str, TableSpec] = {}
    for table, column, sql_type, nullable in cols:
        spec = specs.setdefault(table, TableSpec(table))
        primary = column in keys.get(table, set())
        spec.columns[column] = ColumnSpec(
            name=column, kind=KINDS.get(sql_type, "str"), sql_type=sql_type,
            nullable=bool(nullable) and not primary, primary_key=primary,
            **rules.get((table, column), {}),  # type: ignore[arg-type]
        )  # fmt: skip
    return specs


@cache
def schema_catalogue() -> dict[str, TableSpec]:
    """Every table of the current schema (canonical and bookkeeping), read from an empty
    in-memory store built by the migrations."""
    con = duckdb.connect()
    try:
        for version in range(1, SCHEMA_VERSION + 1):
            con.execute(load_sql(MIGRATIONS[version]))
        return read_catalogue(con)
    finally:
        con.close()


def table_specs() -> dict[str, TableSpec]:
    """The canonical data tables (:data:`CANONICAL_TABLES`) as :class:`TableSpec`, in load order."""
    catalogue = schema_catalogue()
    return {name: catalogue[name] for name in CANONICAL_TABLES}


#: pandas dtypes by column kind, for frames that must match a table.
PANDAS_DTYPES = {"str": "str", "float": "float64", "int": "Int32", "date": "datetime64[us]",
                 "timestamp": "datetime64[us]", "bool": "boolean"}  # fmt: skip


def pandas_dtypes(table: str) -> dict[str, str]:
    """``{column: pandas dtype}`` of a table in schema order (VARCHAR -> ``str``, DATE ->
    ``datetime64[us]``, INTEGER -> ``Int32``, DOUBLE -> ``float64``)."""
    return {c.name: PANDAS_DTYPES[c.kind] for c in schema_catalogue()[table].columns.values()}
