"""Choosing an engine: clear refusals without pyspark or Java, and a trained model only moves
between identical comparison definitions. None of these start Spark."""

from __future__ import annotations

import sys
from copy import deepcopy

import pyarrow as pa
import pytest

from schakel.engine.linkage import LinkageKey, MatchOptions, encode_frame, match_tables
from schakel.engine.linkage import spark_session as spark_module
from schakel.engine.linkage.comparisons import SqlDialect, build_comparisons
from schakel.engine.linkage.engines import SparkEngine, model_for_engine
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, load_febrl4
from schakel.engine.linkage.schema import Role

KEY = LinkageKey(b"key shared by the two test organisations")
ROLES = {Role.GIVEN_NAMES, Role.FAMILY_NAME, Role.DATE_OF_BIRTH, Role.ADDRESS, Role.POSTCODE}
SPARK = SqlDialect(layout="int64x16", index_base=0)


@pytest.fixture(scope="module")
def tables() -> tuple[pa.Table, pa.Table]:
    left, right = load_febrl4(rows=40, seed=8)
    return encode_frame(left, FEBRL_SCHEMA, KEY)[0], encode_frame(right, FEBRL_SCHEMA, KEY)[0]


def test_without_pyspark_the_spark_engine_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tables: tuple[pa.Table, pa.Table]
) -> None:
    for module in ("pyspark", "pyspark.sql"):
        monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    with pytest.raises(spark_module.SparkUnavailableError, match=r"schakel\[spark\]"):
        spark_module.spark_session()
    # Refused before any work, as a ValueError the command line prints as it is.
    with pytest.raises(ValueError, match="pyspark"):
        match_tables(*tables, MatchOptions(engine="spark"))


def test_without_java_the_spark_engine_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoActiveSession:
        @staticmethod
        def getActiveSession() -> None:
            return None

    monkeypatch.setattr(spark_module, "_import_pyspark", lambda: NoActiveSession)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark_module.shutil, "which", lambda name: None)
    with pytest.raises(spark_module.SparkUnavailableError, match="Java runtime"):
        spark_module.spark_session()
    with pytest.raises(ValueError, match="Java"):
        SparkEngine()


def test_an_unknown_engine_is_refused(tables: tuple[pa.Table, pa.Table]) -> None:
    with pytest.raises(ValueError, match="Unknown engine 'postgres'"):
        match_tables(*tables, MatchOptions(engine="postgres"))


def _trained_like(comparisons: list[dict[str, object]]) -> dict[str, object]:
    model = {"probability_two_random_records_match": 1e-4, "comparisons": deepcopy(comparisons)}
    for comparison in model["comparisons"]:  # type: ignore[attr-defined]
        for index, level in enumerate(comparison["comparison_levels"]):
            level["m_probability"], level["u_probability"] = 0.1 * (index + 1), 0.01
    return model


def test_a_trained_model_gets_the_other_engines_sql_and_keeps_its_parameters() -> None:
    duckdb_model = _trained_like(build_comparisons(ROLES, SqlDialect()))
    spark_comparisons = build_comparisons(ROLES, SPARK)
    moved = model_for_engine(duckdb_model, spark_comparisons)
    for comparison, built, trained in zip(
        moved["comparisons"], spark_comparisons, duckdb_model["comparisons"], strict=True
    ):
        for level, definition, before in zip(
            comparison["comparison_levels"],
            built["comparison_levels"],
            trained["comparison_levels"],
            strict=True,
        ):
            assert level["sql_condition"] == definition["sql_condition"]
            assert (level["m_probability"], level["u_probability"]) == (
                before["m_probability"],
                before["u_probability"],
            )
    sql = [level["sql_condition"] for c in moved["comparisons"] for level in c["comparison_levels"]]
    assert any("bf_given_names_l[0]" in condition for condition in sql)
    assert not any("bf_given_names_l & " in condition for condition in sql)


def test_a_model_of_other_comparisons_is_refused() -> None:
    model = _trained_like(build_comparisons(ROLES, SqlDialect()))
    with pytest.raises(ValueError, match="other comparisons"):
        model_for_engine(model, build_comparisons(ROLES - {Role.POSTCODE}, SPARK))
    del model["comparisons"][0]["comparison_levels"][2]  # type: ignore[index]
    with pytest.raises(ValueError, match="levels of given_names differ"):
        model_for_engine(model, build_comparisons(ROLES, SPARK))
