"""The mapping format: simple renames, presets by name, the full form, files, errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import cxlib
from cxlib.data.mapping import available_presets, load_mapping, preset_description
from cxlib.engine import to_pandas
from tests.data.conftest import orders_frame
from tests.data.exports import reference as ref


@pytest.fixture(autouse=True)
def _salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLAB_SALT", "mapping-test-salt")


def test_every_preset_loads_and_describes_itself() -> None:
    assert available_presets() == ["ga4_events", "review_export", "shopify_orders", "survey_export"]
    tables = {name: set(load_mapping(name).tables) for name in available_presets()}
    assert tables == {
        "ga4_events": {"events"},
        "review_export": {"feedback"},
        "shopify_orders": {"orders"},
        "survey_export": {"surveys"},
    }
    assert all(preset_description(name) for name in available_presets())


def test_presets_combine_by_comma_list_or_per_table() -> None:
    by_comma = load_mapping("shopify_orders, ga4_events")
    by_list = load_mapping(["shopify_orders", "ga4_events"])
    per_table = load_mapping({"orders": "shopify_orders", "events": "ga4_events"})
    assert by_comma.tables == by_list.tables == per_table.tables
    assert by_comma.presets == ("shopify_orders", "ga4_events")


def test_two_mappings_for_one_table_are_refused() -> None:
    with pytest.raises(cxlib.DataError, match="both describe the 'orders' table"):
        load_mapping(["shopify_orders", {"orders": {"Order": "order_id"}}])


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"orders": {"preset": "shopify_orders", "colums": {}}}, "unknown key"),
        ({"orders": "survey_export"}, "has no 'orders' table"),
        ({"orders": {"adapter": "reviews"}}, "makes the 'feedback' table"),
        ({"orders": {"adapter": "nope"}}, "unknown adapter"),
        ({"orders": {"match": {"order_id": "(unclosed"}}}, "not a valid regular expression"),
        ({"orders": {"timezone": "Mars/Olympus"}}, "unknown time zone"),
        ({"orders": {"files": [1, 2]}}, "list of names"),
        ({"orders": {"columns": {"a": "order_id", "b": "order_id"}}}, "maps two columns onto one"),
        ({"salt": ""}, "non-empty"),
        ({"order": {"a": "b"}}, "unknown table 'order'"),
        ("shopify", "neither a YAML file nor a preset"),
        ("../no_such_folder/shopify_orders", "neither a YAML file nor a preset"),
    ],
)
def test_bad_mappings_say_what_is_wrong(mapping: object, message: str) -> None:
    with pytest.raises(cxlib.DataError, match=message) as err:
        load_mapping(mapping)  # type: ignore[arg-type]
    assert err.value.table == "mapping"


def test_simple_renames_still_work_and_full_form_adds_patterns() -> None:
    raw = orders_frame().rename(
        columns={"order_id": "Order ID", "customer_id": "Customer", "revenue": "Total amount (EUR)"}
    )
    simple = {"orders": {"Order ID": "order_id", "Customer": "customer_id", "Total amount (EUR)": "revenue"}}
    full = {
        "orders": {
            "columns": {"Order ID": "order_id", "Customer": "customer_id"},
            "match": {"revenue": "(?i)^total"},
        }
    }
    expected = to_pandas(cxlib.open_shop({"orders": orders_frame()}).orders)
    for mapping in (simple, full):
        pd.testing.assert_frame_equal(
            to_pandas(cxlib.open_shop({"orders": raw}, mapping=mapping).orders), expected
        )


def test_a_strict_rename_of_a_missing_column_is_an_error_a_preset_rename_is_not() -> None:
    frame = pd.read_csv(ref.SHOPIFY, dtype=str).drop(columns=["Discount Amount", "Source"])
    orders = to_pandas(cxlib.open_shop({"orders": frame}, mapping="shopify_orders").orders)
    assert "discount" not in orders.columns and "channel" not in orders.columns and len(orders) == 82
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop(
            {"orders": frame},
            mapping={"orders": {"preset": "shopify_orders", "columns": {"Discount Amount": "discount"}}},
        )
    assert err.value.rule == "mapping_column_missing" and err.value.column == "Discount Amount"


def test_an_adapter_without_its_key_column_names_what_it_expected() -> None:
    frame = pd.read_csv(ref.SHOPIFY, dtype=str).rename(columns={"Name": "Order"})
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop({"orders": frame}, mapping="shopify_orders")
    message = str(err.value)
    assert err.value.rule == "missing_column" and err.value.column == "order_id"
    assert "expected: 'Name'" in message and "Order" in message and "preset: shopify_orders" in message
    fixed = {"orders": {"preset": "shopify_orders", "columns": {"Order": "order_id"}}}
    assert len(to_pandas(cxlib.open_shop({"orders": frame}, mapping=fixed).orders)) == 82


def test_folder_mapping_file_is_used_and_an_explicit_mapping_wins(tmp_path: Path) -> None:
    shutil.copy(ref.SURVEY, tmp_path / ref.SURVEY.name)
    with pytest.raises(cxlib.DataError, match="no table files"):
        cxlib.open_shop(tmp_path)
    (tmp_path / "mapping.yaml").write_text("surveys:\n  preset: survey_export\n  keep: [Network ID]\n")
    answers = to_pandas(cxlib.open_shop(tmp_path).surveys)
    assert "Network ID" in answers.columns
    explicit = to_pandas(cxlib.open_shop(tmp_path, mapping="survey_export").surveys)
    assert "Network ID" not in explicit.columns and len(explicit) == len(answers)


def test_a_single_export_file_and_per_table_timezone(tmp_path: Path) -> None:
    text = ref.REVIEWS.read_text(encoding="utf-8").replace(" UTC,", ",")
    path = tmp_path / "reviews_2024.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(cxlib.DataError) as err:
        cxlib.open_shop(path, mapping="review_export")
    assert err.value.rule == "naive_timestamp" and err.value.column == "ts"
    local = to_pandas(
        cxlib.open_shop(
            path, mapping={"feedback": {"preset": "review_export", "timezone": "Europe/Warsaw"}}
        ).feedback
    )
    utc = to_pandas(cxlib.open_shop(ref.REVIEWS, mapping="review_export").feedback)
    shift = (
        utc.set_index("text")["ts"].sort_index() - local.set_index("text")["ts"].sort_index()
    ).dt.total_seconds()
    assert set(shift.unique()) == {3600.0, 7200.0}  # CET before 31 March, CEST after


def test_files_pattern_finds_renamed_exports_in_subfolders(tmp_path: Path) -> None:
    (tmp_path / "shopify" / "2024").mkdir(parents=True)
    shutil.copy(ref.SHOPIFY, tmp_path / "shopify" / "2024" / "my_orders.csv")
    mapping = {"orders": {"preset": "shopify_orders", "files": ["my_orders*.csv"]}}
    shop = cxlib.open_shop(tmp_path, mapping=mapping)
    assert len(to_pandas(shop.orders)) == 82
