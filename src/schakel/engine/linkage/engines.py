"""Where Splink runs: DuckDB in this process (the default) or Spark.

Both engines load the same encoded records and run the same comparisons, built by
`comparisons.build_comparisons` for the engine's `SqlDialect`; only the storage of the Bloom
filters differs. DuckDB holds them as BIT (one popcount of the AND), Spark as 16 64-bit
integers (`array<bigint>`, sixteen `bit_count` calls): both count the same bits, natively, with
no Python function per pair. Popcounts of each filter are precomputed once per record.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from copy import deepcopy
from typing import Any, ClassVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI
from splink.internals.database_api import DatabaseAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from schakel.engine.errors import SchakelError
from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import FILTER_WORDS, filters_from_arrow, popcounts
from schakel.engine.linkage.comparisons import FULL_NAME, Comparison, SqlDialect, count_column

ENGINES = ("duckdb", "spark")
SOURCE = "source_dataset"
FILTER_COLUMNS = (*layout.BLOOM.values(), FULL_NAME)
SCORE_COLUMNS = ["left", "right", "match_weight", "match_probability"]


class LinkageEngine(ABC):
    """A Splink database API plus how records, pairs and scores move in and out of it."""

    name: ClassVar[str]
    dialect: ClassVar[SqlDialect]
    db_api: DatabaseAPI

    @abstractmethod
    def register_records(self, table: pa.Table, source: str) -> SplinkDataFrame:
        """An encoded table (with the full-name filter) as Splink input for `source`."""

    def register_frame(self, frame: pd.DataFrame, name: str) -> SplinkDataFrame:
        """A small pandas table (labels, pairs) for Splink."""
        return self.db_api.register(frame, table_name=self.table_name(name))

    def table_name(self, name: str) -> str:
        return name

    @abstractmethod
    def scores(self, predictions: SplinkDataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
        """Splink's predictions by row position: `pairs` has row_l, row_r, id_l, id_r; the
        result has left, right, match_weight, match_probability, sorted by left and right."""

    @abstractmethod
    def close(self) -> None:
        """Release the tables of this linkage."""


class DuckDBEngine(LinkageEngine):
    """An in-memory DuckDB database per linkage; filters as BIT."""

    name = "duckdb"
    dialect = SqlDialect(layout="bit", index_base=1)

    def __init__(self, *, memory_limit: str | None = None, temp_directory: str | None = None):
        config: dict[str, str | bool | int | float | list[str]] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        self.connection = duckdb.connect(config=config)
        if temp_directory:  # where DuckDB spills beyond memory_limit
            self.connection.execute("SET temp_directory = ?", [temp_directory])
        self.db_api = DuckDBAPI(self.connection)

    def register_records(self, table: pa.Table, source: str) -> SplinkDataFrame:
        name = f"records_{source}"
        self.connection.register(f"{name}_arrow", table)
        selects = [f"'{source}' AS {SOURCE}", layout.RECORD_ID]
        for column in FILTER_COLUMNS:
            selects.append(f"{column}::BLOB::BIT AS {column}")
            selects.append(f"bit_count({column}::BLOB::BIT) AS {count_column(column)}")
        selects += [*layout.TOKEN_COLUMNS, layout.DOB_ESTIMATED]
        # Only our own column and table names go into this SQL, never data.
        sql = f"CREATE TABLE {name} AS SELECT {', '.join(selects)} FROM {name}_arrow"  # noqa: S608
        self.connection.execute(sql)
        self.connection.unregister(f"{name}_arrow")
        return self.db_api.register(name, table_name=f"input_{source}")

    def scores(self, predictions: SplinkDataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
        self.connection.register("scored_positions", pairs)
        ids = f"s.{layout.RECORD_ID}_l = p.id_l AND s.{layout.RECORD_ID}_r = p.id_r"
        sql = (
            'SELECT p.row_l AS "left", p.row_r AS "right", s.match_weight, s.match_probability '  # noqa: S608
            f"FROM scored_positions p JOIN {predictions.physical_name} s ON {ids} "
            "ORDER BY p.row_l, p.row_r"
        )
        scored = self.connection.sql(sql).df()
        self.connection.unregister("scored_positions")
        return scored

    def close(self) -> None:
        self.connection.close()


def spark_records(table: pa.Table, source: str) -> pa.Table:
    """Records in the Spark layout: each filter as 16 signed 64-bit words plus its popcount.

    Bit p of a filter is bit p % 64 of word p // 64 (little-endian words, see bloom.py); a
    signed view keeps every bit, and Spark's bit_count counts all 64 of them.
    """
    n = table.num_rows
    columns: dict[str, pa.Array] = {
        SOURCE: pa.array([source] * n, pa.string()),
        layout.RECORD_ID: table[layout.RECORD_ID].combine_chunks(),
    }
    for column in FILTER_COLUMNS:
        filters, present = filters_from_arrow(table[column])
        absent = ~present
        words = pa.array(filters.view(np.int64).reshape(-1), pa.int64())
        columns[column] = pa.FixedSizeListArray.from_arrays(
            words, FILTER_WORDS, mask=pa.array(absent)
        ).cast(pa.list_(pa.int64()))
        counts = popcounts(filters).astype(np.int32)
        columns[count_column(column)] = pa.array(counts, pa.int32(), mask=absent)
    for column in (*layout.TOKEN_COLUMNS, layout.DOB_ESTIMATED):
        columns[column] = table[column].combine_chunks()
    return pa.table(columns)


class SparkEngine(LinkageEngine):
    """Splink's SparkAPI on the engine's Spark session; filters as array<bigint>.

    Intermediate tables are persisted in memory (no checkpoint folder); `close` drops this
    linkage's views and cached tables. One linkage at a time per session.
    """

    name = "spark"
    dialect = SqlDialect(layout="int64x16", index_base=0)

    def __init__(self, session: Any = None) -> None:
        from schakel.engine.linkage.spark_session import spark_session

        # The session first: it says clearly when pyspark or Java is missing.
        self.spark = session if session is not None else spark_session()
        from splink.backends.spark import SparkAPI

        self._prefix = f"schakel_{uuid.uuid4().hex[:8]}"
        self.db_api = SparkAPI(
            spark_session=self.spark,
            break_lineage_method="persist",
            register_udfs_automatically=False,
        )

    def table_name(self, name: str) -> str:
        return f"{self._prefix}_{name}"

    def _create_frame(self, table: pa.Table) -> Any:
        return self.spark.createDataFrame(table.to_pandas(), schema=_spark_schema(table.schema))

    def register_records(self, table: pa.Table, source: str) -> SplinkDataFrame:
        frame = self._create_frame(spark_records(table, source))
        return self.db_api.register(frame, table_name=self.table_name(f"input_{source}"))

    def scores(self, predictions: SplinkDataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
        sql = (
            f"SELECT {layout.RECORD_ID}_l AS id_l, {layout.RECORD_ID}_r AS id_r, "  # noqa: S608
            f"match_weight, match_probability FROM {predictions.physical_name}"
        )
        scored = self.spark.sql(sql).toPandas()
        merged = pairs.merge(scored, on=["id_l", "id_r"], how="inner", validate="one_to_one")
        merged = merged.rename(columns={"row_l": "left", "row_r": "right"})
        merged = merged.sort_values(["left", "right"], kind="stable", ignore_index=True)
        return merged[SCORE_COLUMNS]

    def close(self) -> None:
        catalog = self.spark.catalog
        for table in catalog.listTables():
            if table.isTemporary and table.name.startswith(("__splink__", self._prefix)):
                catalog.dropTempView(table.name)
        catalog.clearCache()


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql import types

    kinds = {
        pa.string(): types.StringType(),
        pa.int64(): types.LongType(),
        pa.int32(): types.IntegerType(),
        pa.bool_(): types.BooleanType(),
        pa.list_(pa.int64()): types.ArrayType(types.LongType()),
    }
    return types.StructType([types.StructField(f.name, kinds[f.type], True) for f in schema])


def new_engine(
    name: str, *, memory_limit: str | None = None, temp_directory: str | None = None
) -> LinkageEngine:
    """`memory_limit` and `temp_directory` bound DuckDB (it spills to disk beyond the limit)."""
    if name == "duckdb":
        return DuckDBEngine(memory_limit=memory_limit, temp_directory=temp_directory)
    if name == "spark":
        return SparkEngine()
    raise SchakelError(f"Unknown engine {name!r}: use one of {', '.join(ENGINES)}.")


def model_for_engine(model: dict[str, Any], comparisons: list[Comparison]) -> dict[str, Any]:
    """A trained Splink model with each level's SQL replaced by `comparisons` (the same
    comparisons built for another engine's dialect); parameters stay as trained.

    Refuses models whose comparisons or levels differ from `comparisons`: parameters may only
    move between identical definitions.
    """
    out = deepcopy(model)
    trained = out["comparisons"]
    names = [c["output_column_name"] for c in trained]
    if names != [c["output_column_name"] for c in comparisons]:
        raise SchakelError(f"The trained model has other comparisons: {names}")
    for trained_comparison, comparison in zip(trained, comparisons, strict=True):
        levels = trained_comparison["comparison_levels"]
        labels = [level["label_for_charts"] for level in levels]
        if labels != [level["label_for_charts"] for level in comparison["comparison_levels"]]:
            raise SchakelError(
                f"The trained model's levels of {comparison['output_column_name']} differ"
            )
        for level, definition in zip(levels, comparison["comparison_levels"], strict=True):
            level["sql_condition"] = definition["sql_condition"]
    return out
