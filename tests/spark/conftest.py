"""Fixtures of the Spark tests: the sample shop read by Spark and by DuckDB.

The ``spark`` session itself is in tests/conftest.py (one per run; skipped without pyspark
or Java, except under CI=true).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import cxlib

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="session")
def sample() -> Path:
    """The committed sample shop (a test failure under CI=true when it is missing)."""
    if not any(SAMPLE.glob("*.parquet")):
        if os.environ.get("CI") == "true":
            pytest.fail(f"the sample shop is missing in {SAMPLE}: run `make sample`")
        pytest.skip(f"no sample shop in {SAMPLE} (run `make sample`)")
    return SAMPLE


@pytest.fixture(scope="session")
def spark_shop(spark: Any, sample: Path) -> cxlib.Shop:
    """The sample shop read by Spark (``spark.read.parquet``) and validated on Spark."""
    return cxlib.open_shop(sample, engine="spark")


@pytest.fixture(scope="session")
def duckdb_shop(sample: Path) -> cxlib.Shop:
    """The sample shop read by DuckDB: the reference numbers."""
    return cxlib.open_shop(sample)
