"""Shared test fixtures: a tiny shop written as Parquet (planted numbers, hostile feedback text),
and the one local Spark session of a test run.

Keep this file small; module-specific fixtures live next to their tests.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]

#: Feedback text that must show up as text in reports and never run.
XSS_TEXT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
#: Personal data planted in feedback; reports must mask it.
PII_TEXT = "Call me on +44 20 7946 0958 or write to jane.doe@example.com"


def tiny_shop_frames(days: int = 20, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Five small contract tables (pandas, UTC timestamps) with known counts.

    Planted: 24 events per day (web 12, app 8, email 4) from 2024-03-01 for ``days`` days;
    one order per customer-day for 3 customers; one order with negative revenue; 30% of
    order channels missing; the newest feedback texts hold :data:`XSS_TEXT` and
    :data:`PII_TEXT`.
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-03-01", tz="UTC")
    day = np.repeat(np.arange(days), 24)
    channel = np.tile(np.array(["web"] * 12 + ["app"] * 8 + ["email"] * 4), days)
    events = pd.DataFrame(
        {
            "customer_id": [f"c{i % 10}" for i in range(days * 24)],
            "ts": start
            + pd.to_timedelta(day, unit="D")
            + pd.to_timedelta(np.tile(np.arange(24), days), unit="h"),
            "event": np.tile(["view", "view", "cart", "view"], days * 6),
            "channel": channel,
            "session_id": [f"s{i // 4}" for i in range(days * 24)],
        }
    )
    n_orders = days * 3
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i:04d}" for i in range(n_orders)],
            "customer_id": [f"c{i % 3}" for i in range(n_orders)],
            "ts": start + pd.to_timedelta(np.arange(n_orders) // 3, unit="D") + pd.Timedelta(hours=12),
            "revenue": np.round(rng.uniform(10, 100, n_orders), 2),
            "channel": [None if i % 10 < 3 else "web" for i in range(n_orders)],
        }
    )
    orders.loc[5, "revenue"] = -20.0
    surveys = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(days)],
            "ts": start + pd.to_timedelta(np.arange(days), unit="D") + pd.Timedelta(hours=15),
            "metric": "nps",
            "score": rng.integers(0, 11, days),
            "customer_id": [f"c{i % 10}" for i in range(days)],
        }
    )
    texts = [f"Delivery took {i % 5 + 1} days, fine." for i in range(days)]
    texts[-1] = XSS_TEXT
    texts[-2] = PII_TEXT
    feedback = pd.DataFrame(
        {
            "feedback_id": [f"f{i}" for i in range(days)],
            "ts": start + pd.to_timedelta(np.arange(days), unit="D") + pd.Timedelta(hours=18),
            "text": texts,
            "rating": (np.arange(days) % 5 + 1).astype("int64"),
            "source": "review",
        }
    )
    experiments = pd.DataFrame(
        {
            "experiment": "checkout_v2",
            "variant": ["control", "treatment"] * 10,
            "unit_id": [f"c{i}" for i in range(20)],
            "exposed_ts": start + pd.to_timedelta(np.arange(20) % days, unit="D"),
            "converted": [bool(i % 3 == 0) for i in range(20)],
        }
    )
    return {
        "events": events,
        "orders": orders,
        "surveys": surveys,
        "feedback": feedback,
        "experiments": experiments,
    }


def write_shop(folder: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Write frames as ``<table>.parquet`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


@pytest.fixture(scope="session")
def tiny_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder with the tiny shop as Parquet files (read-only: copy before changing)."""
    return write_shop(tmp_path_factory.mktemp("tiny_shop"), tiny_shop_frames())


def spark_unavailable() -> str | None:
    """Why Spark cannot run here, or ``None`` when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install cxlib[spark])"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java 17 is not on PATH (Spark needs it)"
    return None


@pytest.fixture(scope="session")
def spark_available() -> None:
    """Skip the test, saying why, when pyspark or Java is missing; under ``CI=true`` fail
    instead, so that CI cannot pass without running the Spark tests.
    """
    reason = spark_unavailable()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the Spark tests must run in CI: {reason}")
    pytest.skip(f"Spark tests skipped: {reason}")


@pytest.fixture(scope="session")
def spark(spark_available: None) -> Iterator[Any]:
    """One local Spark session (2 cores, 4 shuffle partitions) shared by every Spark test,
    started once per run through :func:`cxlib.engine.spark_session` (about 10 s).
    """
    from cxlib.engine import spark_session

    session = spark_session(
        "cxlib-tests",
        master="local[2]",
        config={
            "spark.sql.shuffle.partitions": "4",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need Spark get the ``spark`` marker (``-m "not spark"`` leaves them out)."""
    for item in items:
        if "spark_available" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)
