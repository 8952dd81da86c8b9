"""The GA4 preset: every form of the BigQuery export gives the events a Python loop makes.

The fixture is newline-delimited JSON as BigQuery extracts it (nested records, INT64 written
as text). Nested Parquet (as BigQuery's Parquet export writes it) and flattened Parquet (as a
flattening query writes it, with dotted or underscored names) are made from it here with
DuckDB, and pandas / polars frames from it with their own readers; all must give the table
tests/data/exports/reference.py makes with the json module.
"""

from __future__ import annotations

import json
from pathlib import Path

import narwhals.stable.v2 as nw
import pandas as pd
import polars as pl
import pytest

import cxlib
from cxlib.data.adapters.ga4 import channel_group
from cxlib.engine import duckdb_connection, to_pandas
from tests.data.exports import reference as ref
from tests.data.exports.compare import assert_same, canon

KEY = ["customer_id", "ts", "event"]
FILES = "[" + ", ".join(f"'{p}'" for p in ref.GA4) + "]"
#: The export's types as BigQuery's Parquet export writes them (INT64 as integers).
TYPES = {
    "event_date": "VARCHAR",
    "event_timestamp": "BIGINT",
    "event_name": "VARCHAR",
    "event_params": (
        "STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value BIGINT, "
        "float_value DOUBLE, double_value DOUBLE))[]"
    ),
    "user_id": "VARCHAR",
    "user_pseudo_id": "VARCHAR",
    "platform": "VARCHAR",
    "device": (
        "STRUCT(category VARCHAR, operating_system VARCHAR, language VARCHAR, "
        "web_info STRUCT(browser VARCHAR, hostname VARCHAR))"
    ),
    "geo": "STRUCT(city VARCHAR, country VARCHAR, continent VARCHAR)",
    "traffic_source": "STRUCT(name VARCHAR, medium VARCHAR, source VARCHAR)",
    "ecommerce": "STRUCT(total_item_quantity BIGINT, purchase_revenue DOUBLE, transaction_id VARCHAR)",
}


def _columns_sql() -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in TYPES.items()) + "}"


def _copy(sql: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    duckdb_connection().execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")
    return path


def test_ndjson_export_gives_the_events_a_python_loop_makes() -> None:
    events = canon(cxlib.open_shop(ref.GA4[0].parent, mapping="ga4_events").events, KEY)
    expected = ref.ga4_events()
    assert_same(events, expected, KEY)
    assert len(events) == 182 and events["ts"].dt.microsecond.gt(0).any()  # microseconds kept
    assert set(events["event"]) >= {"product_view", "add_to_cart", "checkout_start", "payment", "purchase"}
    assert events["order_id"].notna().sum() == (events["event"] == "purchase").sum() - 1  # one '(not set)'


def test_nested_parquet_export_gives_the_same_events(tmp_path: Path) -> None:
    for i, path in enumerate(ref.GA4):
        _copy(
            f"SELECT * FROM read_json('{path}', format = 'newline_delimited', columns = {_columns_sql()})",
            tmp_path / f"events_2024030{4 + i}.parquet",
        )
    events = canon(cxlib.open_shop(tmp_path, mapping="ga4_events").events, KEY)
    assert_same(events, ref.ga4_events(), KEY)


@pytest.mark.parametrize("separator", [".", "_"])
def test_flattened_parquet_export_gives_the_same_events(tmp_path: Path, separator: str) -> None:
    s = separator
    sql = f"""
        SELECT event_name, event_timestamp, user_pseudo_id, platform,
               device.category AS "device{s}category", geo.country AS "geo{s}country",
               traffic_source.source AS "traffic_source{s}source",
               traffic_source.medium AS "traffic_source{s}medium",
               ecommerce.transaction_id AS "ecommerce{s}transaction_id",
               ecommerce.purchase_revenue AS "ecommerce{s}purchase_revenue",
               list_extract(list_filter(event_params, lambda p: p.key = 'ga_session_id'), 1)
                   .value.int_value AS ga_session_id
        FROM read_json({FILES}, format = 'newline_delimited', columns = {_columns_sql()})"""
    path = _copy(sql, tmp_path / "events_flat.parquet")
    events = canon(cxlib.open_shop(path, mapping="ga4_events").events, KEY)
    assert_same(events, ref.ga4_events(), KEY)


@pytest.mark.parametrize("reader", ["pandas_flattened", "polars_nested"])
def test_in_memory_ga4_frames_give_the_file_result(reader: str) -> None:
    records = [json.loads(line) for path in ref.GA4 for line in path.read_text(encoding="utf-8").splitlines()]
    if reader == "pandas_flattened":
        frame = pd.json_normalize(records)[
            [
                "event_name",
                "event_timestamp",
                "user_pseudo_id",
                "platform",
                "event_params",
                "device.category",
                "geo.country",
                "traffic_source.source",
                "traffic_source.medium",
                "ecommerce.transaction_id",
                "ecommerce.purchase_revenue",
            ]
        ]
    else:
        frame = pl.concat([pl.read_ndjson(p) for p in ref.GA4], how="diagonal_relaxed")
    from_frame = canon(cxlib.open_shop({"events": frame}, mapping="ga4_events").events, KEY)
    assert_same(from_frame, ref.ga4_events(), KEY)


def test_user_key_option_prefers_the_signed_in_user_id(tmp_path: Path) -> None:
    lines = ref.GA4[0].read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    signed_in = [
        json.dumps({**json.loads(line), "user_id": "shop-customer-7"})
        if json.loads(line)["user_pseudo_id"] == first["user_pseudo_id"]
        else line
        for line in lines
    ]
    (tmp_path / "events_20240304.json").write_text("\n".join(signed_in) + "\n", encoding="utf-8")
    default = to_pandas(cxlib.open_shop(tmp_path, mapping="ga4_events").events)
    assert "shop-customer-7" not in set(default["customer_id"])
    mapping = {"events": {"preset": "ga4_events", "options": {"user_key": "user_id"}}}
    preferred = to_pandas(cxlib.open_shop(tmp_path, mapping=mapping).events)
    assert (preferred["customer_id"] == "shop-customer-7").sum() == sum(
        json.loads(x)["user_pseudo_id"] == first["user_pseudo_id"] for x in lines
    )


def test_timestamps_in_milliseconds_are_caught(tmp_path: Path) -> None:
    lines = ref.GA4[0].read_text(encoding="utf-8").splitlines()
    broken = [
        json.dumps(
            {**json.loads(line), "event_timestamp": str(int(json.loads(line)["event_timestamp"]) // 1000)}
        )
        for line in lines[:3]
    ]
    (tmp_path / "events_20240304.json").write_text("\n".join(broken + lines[3:]) + "\n", encoding="utf-8")
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop(tmp_path, mapping="ga4_events")
    assert err.value.rule == "implausible_timestamp" and err.value.column == "ts" and err.value.n_rows == 3


def test_timestamps_that_are_not_numbers_are_reported_with_their_value(tmp_path: Path) -> None:
    lines = ref.GA4[0].read_text(encoding="utf-8").splitlines()
    broken = json.dumps({**json.loads(lines[0]), "event_timestamp": "2024-03-04 07:00:05"})
    (tmp_path / "events_20240304.json").write_text("\n".join([broken, *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop(tmp_path, mapping="ga4_events")
    assert (
        err.value.rule == "unparseable_timestamp"
        and err.value.column == "event_timestamp"
        and err.value.n_rows == 1
    )
    assert err.value.rows == [{"event_name": "session_start", "event_timestamp": "2024-03-04 07:00:05"}]


@pytest.mark.parametrize(
    ("source", "medium", "group"),
    [
        ("(direct)", "(none)", "direct"),
        ("google", "cpc", "paid_search"),
        ("facebook.com", "paid_social", "paid_social"),
        ("Newsletter", "Email", "email"),
        ("google", "organic", "organic_search"),
        ("t.co", "referral", "social"),
        ("partner", "affiliate", "affiliate"),
        ("gdn", "display", "display"),
        ("blog.example", "referral", "referral"),
        ("criteo", "retargeting", "paid_other"),
        ("weird", "thing", "unassigned"),
        (None, None, None),
    ],
)
def test_channel_group_rules(source: str | None, medium: str | None, group: str | None) -> None:
    frame = nw.from_native(
        pl.DataFrame({"s": [source], "m": [medium]}, schema={"s": pl.String, "m": pl.String})
    )
    got = frame.select(channel_group(nw.col("s"), nw.col("m")).alias("g"))["g"].to_list()
    assert got == [group]
