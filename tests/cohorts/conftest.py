"""Fixtures of the cohort tests (test data: cohort_data.py; reference code: cohort_reference.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="session")
def sample_orders():
    """The committed sample shop's orders as a DuckDB relation (validated)."""
    import cxlib

    if not (SAMPLE / "orders.parquet").exists():
        pytest.skip("no sample shop in data/sample (run `make sample`)")
    return cxlib.open_table(SAMPLE / "orders.parquet", "orders")
