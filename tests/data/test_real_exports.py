"""Real public exports read with a mapping alone, checked against an independent pandas computation.

Samples, sources and licences: tests/data/real/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxlib import open_shop
from cxlib.data.check_report import check_source, format_check
from cxlib.engine import to_pandas

REAL = Path(__file__).with_name("real")
RETAIL = REAL / "online_retail"
OLIST = REAL / "olist"


def _retail_truth(lines: pd.DataFrame) -> pd.DataFrame:
    kept = lines[~lines["InvoiceNo"].astype(str).str.startswith("C") & lines["CustomerID"].notna()]
    kept = kept.assign(
        revenue=kept["Quantity"] * kept["UnitPrice"],
        ts=pd.to_datetime(kept["InvoiceDate"], format="%d/%m/%Y %H:%M").dt.tz_localize("Europe/London"),
    )
    return kept.groupby("InvoiceNo").agg(
        customer=("CustomerID", "first"),
        revenue=("revenue", "sum"),
        items=("Quantity", "sum"),
        ts=("ts", "min"),
    )


def _compare_retail(orders: pd.DataFrame, truth: pd.DataFrame) -> None:
    got = orders.set_index("order_id").sort_index()
    assert got.index.tolist() == truth.index.astype(str).tolist()
    assert got["customer_id"].tolist() == [str(int(c)) for c in truth["customer"]]
    assert got["revenue"].to_numpy() == pytest.approx(truth["revenue"].to_numpy())
    assert got["items"].tolist() == truth["items"].astype(float).tolist()
    assert got["ts"].tolist() == truth["ts"].dt.tz_convert("UTC").tolist()


def test_online_retail_invoice_lines_with_a_mapping_alone():
    shop = open_shop(RETAIL)  # the folder's mapping.yaml
    lines = pd.read_csv(RETAIL / "online_retail.csv")
    truth = _retail_truth(lines)
    _compare_retail(to_pandas(shop.orders), truth)
    assert len(truth) == 17 and truth["revenue"].sum() == pytest.approx(3977.49)
    (coverage,) = shop.coverage
    assert (coverage.rows_read, coverage.filtered, coverage.rows_kept) == (149, 1, 17)
    assert check_source(RETAIL).exit_code == 0


def test_online_retail_without_grain_is_recognised_as_line_items(tmp_path):
    (tmp_path / "orders.csv").write_bytes((RETAIL / "online_retail.csv").read_bytes())
    mapping = {
        "orders": {
            "derive": {"revenue": "Quantity * UnitPrice", "ts": "strptime(InvoiceDate, '%d/%m/%Y %H:%M')"},
            "columns": {"InvoiceNo": "order_id", "CustomerID": "customer_id"},
            "timezone": "Europe/London",
        }
    }
    text, code = format_check(tmp_path, mapping)
    assert code == 1 and "look like line items of an order. Use line-item grain" in " ".join(text.split())


def test_online_retail_as_excel_gives_the_same_orders():
    pytest.importorskip("openpyxl")
    mapping = {"orders": {**_retail_mapping(), "sheet": "Online Retail"}}
    shop = open_shop(REAL / "encodings" / "online_retail.xlsx", mapping=mapping)
    _compare_retail(to_pandas(shop.orders), _retail_truth(pd.read_csv(RETAIL / "online_retail.csv")))


def _retail_mapping() -> dict:
    import yaml

    spec = yaml.safe_load((RETAIL / "mapping.yaml").read_text())["orders"]
    return {k: v for k, v in spec.items() if k != "files"}


def test_olist_marketplace_split_over_several_csvs():
    shop = open_shop(OLIST)
    orders = pd.read_csv(OLIST / "olist_orders_dataset.csv", dtype=str)
    payments = pd.read_csv(OLIST / "olist_order_payments_dataset.csv", dtype={"order_id": str})
    reviews = pd.read_csv(OLIST / "olist_order_reviews_dataset.csv", dtype=str, keep_default_na=False)
    kept = orders[orders["order_status"] != "canceled"]
    revenue = payments.groupby("order_id")["payment_value"].sum()
    got = to_pandas(shop.orders).set_index("order_id").sort_index()
    assert got.index.tolist() == sorted(kept["order_id"])
    assert got["revenue"].to_numpy() == pytest.approx(revenue.reindex(got.index).to_numpy())
    local = pd.to_datetime(kept.set_index("order_id")["order_purchase_timestamp"]).reindex(got.index)
    expected_ts = local.dt.tz_localize("America/Sao_Paulo", ambiguous=True).dt.tz_convert("UTC")
    assert got["ts"].tolist() == expected_ts.tolist()
    assert got["status"].value_counts().to_dict() == kept["order_status"].value_counts().to_dict()

    feedback = to_pandas(shop.feedback).set_index("feedback_id").sort_index()
    truth = reviews.set_index("review_id").sort_index()
    assert feedback.index.tolist() == truth.index.tolist()
    assert feedback["rating"].mean() == pytest.approx(truth["review_score"].astype(float).mean())
    multi = truth["review_comment_message"].str.contains("\n")
    assert multi.sum() == 80
    assert feedback["text"][multi].tolist() == truth["review_comment_message"][multi].tolist()
    star_only = truth["review_comment_message"] == ""
    assert feedback["text"].isna().sum() == star_only.sum() > 0  # star-only reviews are kept
    with_customer = truth["order_id"].isin(orders["order_id"])
    assert feedback["customer_id"].notna().sum() == with_customer.sum()
    assert {c.table: c.filtered for c in shop.coverage}["orders"] == (
        orders["order_status"] == "canceled"
    ).sum()
    assert check_source(OLIST).exit_code == 0


@pytest.mark.parametrize(
    ("name", "encoding"), [("reviews_cp1250.csv", "cp1250"), ("reviews_utf16.csv", "utf-16")]
)
def test_reviews_in_legacy_encodings(name, encoding, tmp_path):
    path = REAL / "encodings" / name
    mapping = {
        "feedback": {
            "columns": {
                "review_id": "feedback_id",
                "review_creation_date": "ts",
                "review_comment_message": "text",
                "review_score": "rating",
            },
            "timezone": "America/Sao_Paulo",
            "ambiguous": "earliest",
        }
    }
    shop = open_shop(path, mapping=mapping, encoding=encoding)
    got = to_pandas(shop.feedback).set_index("feedback_id").sort_index()
    truth = (
        pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False)
        .set_index("review_id")
        .sort_index()
    )
    texts = truth["review_comment_message"].replace("", None)
    assert got["text"].tolist() == texts.tolist()
    assert (
        got["text"].str.contains(r"[çéáíóúâê]").sum() == texts.str.contains(r"[çéáíóúâê]", na=False).sum() > 5
    )
    assert check_source(path, mapping, encoding=encoding).exit_code == 0


def test_online_retail_cancellations_are_counted_once_by_check():
    """A cancelled invoice breaks two rules (negative revenue and items): one row affected."""
    mapping = {"orders": {**_retail_mapping(), "files": ["online_retail.csv"]}}
    mapping["orders"]["where"] = "CustomerID IS NOT NULL"  # the cancellations come in
    lines = pd.read_csv(RETAIL / "online_retail.csv", dtype={"InvoiceNo": str})
    lines = lines[lines["CustomerID"].notna()]
    revenue = (lines["Quantity"] * lines["UnitPrice"]).groupby(lines["InvoiceNo"]).sum()
    items = lines.groupby("InvoiceNo")["Quantity"].sum()
    negative = int(((revenue < 0) | (items < 0)).sum())
    text, code = format_check(RETAIL, mapping)
    text = " ".join(text.split())
    assert f"Problems: 2 problem(s), {negative} row(s) affected" in text and negative == 1
    assert code == 1 and f"(orders {negative / len(revenue):.1%})" in text


def test_online_retail_workbook_in_a_folder_named_by_the_mapping(tmp_path):
    """A data folder holding the workbook, with a mapping whose ``files`` names it."""
    pytest.importorskip("openpyxl")
    from cxlib import DataError

    (tmp_path / "online_retail.xlsx").write_bytes((REAL / "encodings" / "online_retail.xlsx").read_bytes())
    mapping = {"orders": {**_retail_mapping(), "files": ["online_retail*.xlsx"], "sheet": "Online Retail"}}
    shop = open_shop(tmp_path, mapping=mapping)
    _compare_retail(to_pandas(shop.orders), _retail_truth(pd.read_csv(RETAIL / "online_retail.csv")))
    (coverage,) = shop.coverage
    assert (coverage.rows_read, coverage.filtered, coverage.rolled_up) == (149, 1, 17)
    assert check_source(tmp_path, mapping).exit_code == 0
    (tmp_path / "online_retail_2.xlsx").write_bytes((tmp_path / "online_retail.xlsx").read_bytes())
    with pytest.raises(DataError, match="several Excel workbooks") as caught:
        open_shop(tmp_path, mapping=mapping)
    assert caught.value.rule == "several_workbooks" and caught.value.column == "files"
