"""A segment column that the data do not have is refused before any kernel starts.

``cxlab run`` reads the column names from the tables' schemas (through the folder's
mapping) and refuses the value in one line listing the columns that exist, with exit 2 and
no output folder; values the notebooks treat specially (``auto``, empty,
``pre_period_buyer``) and defaults are never refused.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cxlib.cli import main
from cxlib.data.columns import table_columns
from cxlib.reports.column_parameters import COLUMN_PARAMETERS, check_column_parameters
from cxlib.reports.params import notebook_info
from cxlib.reports.paths import default_notebooks_dir
from cxlib.reports.validation import ParameterError

ORDERS = "order_id, customer_id, ts, revenue, channel"


def _refused(argv: list[str], out: Path, capsys: pytest.CaptureFixture[str], *parts: str) -> str:
    assert main([*argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for part in parts:
        assert part in err, err
    assert not out.exists()  # nothing written, no kernel started
    return err


def test_a_named_segment_that_does_not_exist_is_refused_before_the_run(
    tiny_shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused(
        ["run", "03_cohort_retention", "--data", str(tiny_shop), "-p", "by", "Chanel"],
        tmp_path / "out",
        capsys,
        "cxlab run: parameter 'by' of 03_cohort_retention: the orders table has no column 'Chanel'; "
        f"columns found: {ORDERS} (did you mean 'channel'?)",
    )
    _refused(
        ["run", "02_journey_mapping", "--data", str(tiny_shop), "-p", "segment", "devise"],
        tmp_path / "out",
        capsys,
        "the events table has no column 'devise'; columns found: customer_id, ts, event, channel, session_id",
    )
    # a name nowhere near any column gets no suggestion
    err = _refused(
        ["run", "04_customer_lifetime_value", "--data", str(tiny_shop), "-p", "segment", "zzz"],
        tmp_path / "out",
        capsys,
        f"the orders table has no column 'zzz'; columns found: {ORDERS}",
    )
    assert "did you mean" not in err


def test_the_params_file_and_the_ab_segment(
    tiny_shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("notebooks:\n  06_ab_test:\n    segment: Variant\n", encoding="utf-8")
    _refused(
        ["run", "06_ab_test", "--data", str(tiny_shop), "--params", str(params)],
        tmp_path / "out",
        capsys,
        "parameter 'segment' of 06_ab_test: the experiments table has no column 'Variant'",
        "(did you mean 'variant'?)",
    )
    # the scorecard takes its segment from the orders, else the surveys
    without_orders = tmp_path / "shop"
    shutil.copytree(tiny_shop, without_orders)
    (without_orders / "orders.parquet").unlink()
    _refused(
        ["run", "01_cx_scorecard", "--data", str(without_orders), "-p", "by", "chanel"],
        tmp_path / "out",
        capsys,
        "parameter 'by' of 01_cx_scorecard: the surveys table has no column 'chanel'",
    )


def _runs(data: Path, **given: str) -> list[tuple[str, dict, dict]]:
    runs = []
    for name in COLUMN_PARAMETERS:
        info = notebook_info(default_notebooks_dir() / f"{name}.ipynb")
        passed = {k: v for k, v in given.items() if k in info.defaults}
        runs.append((name, passed, {**info.defaults, "data": str(data), **passed}))
    return runs


@pytest.mark.parametrize("value", ["auto", "AUTO", "", "none"])
def test_special_values_pass(tiny_shop: Path, value: str) -> None:
    check_column_parameters(_runs(tiny_shop, by=value, segment=value))


def test_existing_columns_pass(tiny_shop: Path) -> None:
    check_column_parameters(_runs(tiny_shop, by="channel"))
    check_column_parameters([r for r in _runs(tiny_shop, segment="channel") if r[0] != "06_ab_test"])
    check_column_parameters([r for r in _runs(tiny_shop, segment="variant") if r[0] == "06_ab_test"])
    check_column_parameters([r for r in _runs(tiny_shop, segment="pre_period_buyer") if r[0] == "06_ab_test"])


def test_defaults_are_never_refused_and_attribution_only_when_given(tiny_shop: Path) -> None:
    # 02's default attribution_channel 'source' is absent from the tiny shop: left to the note
    check_column_parameters(_runs(tiny_shop))
    with pytest.raises(ParameterError, match="the events table has no column 'source'"):
        check_column_parameters(_runs(tiny_shop, attribution_channel="source"))


def test_unreadable_or_absent_data_is_left_to_the_notebook(tmp_path: Path, tiny_shop: Path) -> None:
    check_column_parameters(_runs(tmp_path / "no_such_shop", by="chanel", segment="chanel"))
    only_events = tmp_path / "events_only"
    only_events.mkdir()
    shutil.copy(tiny_shop / "events.parquet", only_events)
    # 03 and 04 are skipped for want of orders; nothing to check against
    check_column_parameters([r for r in _runs(only_events, by="chanel") if r[0] != "02_journey_mapping"])


def test_columns_come_from_the_schema_through_the_mapping(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    pd.DataFrame(
        {
            "Order ID": ["1", "2"],
            "Customer": ["a", "b"],
            "Created At": ["2024-01-01 10:00:00+00", "2024-01-02 10:00:00+00"],
            "Qty": [2, 3],
            "Price": [1.5, 2.0],
            "Sales Channel": ["web", "pos"],
        }
    ).to_csv(folder / "orders.csv", index=False)
    (folder / "mapping.yaml").write_text(
        "orders:\n"
        "  where: Qty > 2\n"
        "  derive:\n    revenue: Qty * Price\n"
        "  constants:\n    currency: EUR\n"
        "  columns:\n    Order ID: order_id\n    Customer: customer_id\n    Created At: ts\n"
        "    Sales Channel: channel\n",
        encoding="utf-8",
    )
    columns = table_columns(folder)
    assert set(columns) == {"orders"}
    assert {"order_id", "customer_id", "ts", "revenue", "channel", "currency"} <= set(columns["orders"])
    assert "Sales Channel" not in columns["orders"]
    with pytest.raises(ParameterError, match=r"no column 'sales_channel'.*\(did you mean 'channel'\?\)"):
        check_column_parameters([("03_cohort_retention", {"by": "sales_channel"}, {"data": str(folder)})])
    check_column_parameters([("03_cohort_retention", {"by": "channel"}, {"data": str(folder)})])


REAL = Path(__file__).resolve().parents[1] / "data" / "real"


@pytest.mark.parametrize("export", ["olist", "online_retail"])
def test_schema_columns_are_those_open_shop_gives(export: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real exports through their mapping.yaml: the cheap schema read agrees with the full read."""
    import warnings

    import cxlib
    from cxlib.engine import to_narwhals

    monkeypatch.setenv("CXLAB_SALT", "test-salt")
    folder = REAL / export
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shop = cxlib.open_shop(folder, on_error="drop", timezone="UTC")
    opened = {name: list(to_narwhals(frame).columns) for name, frame in shop.tables().items()}
    assert table_columns(folder) == opened
