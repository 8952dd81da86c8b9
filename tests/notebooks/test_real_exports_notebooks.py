"""Real public exports through every notebook with their mapping alone: ok or skipped, never failed.

The samples are the committed real exports of ``tests/data/real`` (sources and licences in
its README): Olist's marketplace CSVs (orders, payments, multi-line reviews), UCI Online
Retail's invoice lines (one day), the same lines as the Excel workbook of ``encodings/`` (in
a folder with Online Retail's mapping naming the workbook and its sheet) and Criteo's uplift
test (one row per user, no user id, experiment name or exposure time). Each folder holds its
``mapping.yaml``; nothing else is passed. ``cxlab run --all`` runs once per folder and must
exit 0: a notebook whose table is absent is skipped with its reason, a span too short for a
view is skipped with a sentence, every other notebook ends ok.

The numbers the reports and the index show (headline cards, key findings, the rows read,
filtered, rolled up, kept and left out in every header and index card) are compared with an
independent pandas computation on the raw files. (The re-encoded Olist reviews of
``encodings/`` are feedback without orders; ``tests/data/test_real_exports.py`` reads them.)
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from math import erfc, sqrt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from cxlib.cli import main
from cxlib.data.check_report import format_check
from cxlib.reports import run
from cxlib.reports.report_tables import tables_used
from cxlib.reports.runner import read_manifest

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
NOTEBOOKS = {
    "00_data_health",
    "01_cx_scorecard",
    "02_journey_mapping",
    "03_cohort_retention",
    "04_customer_lifetime_value",
    "05_voice_of_customer",
    "06_ab_test",
}

EXPECTED_OK = {
    "olist": {
        "00_data_health",
        "01_cx_scorecard",
        "03_cohort_retention",
        "04_customer_lifetime_value",
        "05_voice_of_customer",
    },
    # skipped: 01 no survey answers and no complete quarter, 02 no events, 03 one day (no
    # complete month after anybody's first order), 05 no customer texts, 06 no experiments
    "online_retail": {"00_data_health", "04_customer_lifetime_value"},
    # skipped: 01-05 need surveys, events, orders or texts; the export is one A/B test
    "criteo_uplift": {"00_data_health", "06_ab_test"},
    # the Online Retail lines as the Excel workbook of encodings/, read with the same mapping
    "online_retail_xlsx": {"00_data_health", "04_customer_lifetime_value"},
}


@dataclass(frozen=True)
class Reports:
    """One ``cxlab run --all`` of a real folder: exit code, output folder, run records."""

    exit_code: int
    out: Path
    records: dict[str, dict[str, Any]]

    def text(self, name: str) -> str:
        """Visible text of a page (tags, scripts and styles removed, entities decoded)."""
        return _visible((self.out / name).read_text(encoding="utf-8"))


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Reports]:
    """Run ``cxlab run --all`` on a real folder once per module; later calls reuse the run."""
    runs: dict[str, Reports] = {}

    def get(name: str) -> Reports:
        if name not in runs:
            folder = (
                _workbook_shop(tmp_path_factory.mktemp("xlsx")) if name.endswith("_xlsx") else REAL / name
            )
            out = tmp_path_factory.mktemp(name) / "reports"
            code = main(["run", "--all", "--data", str(folder), "--out", str(out), "--jobs", "1"])
            runs[name] = Reports(code, out, read_manifest(out))
        return runs[name]

    return get


def _workbook_shop(folder: Path) -> Path:
    """A folder holding ``encodings/online_retail.xlsx`` and Online Retail's mapping naming it."""
    pytest.importorskip("openpyxl")
    shutil.copy(REAL / "encodings" / "online_retail.xlsx", folder)
    mapping = yaml.safe_load((REAL / "online_retail" / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["orders"].update(files=["online_retail.xlsx"], sheet="Online Retail")
    (folder / "mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", sorted(EXPECTED_OK))
def test_every_notebook_ends_ok_or_skipped(name: str, reports: Callable[[str], Reports]) -> None:
    run = reports(name)
    assert run.exit_code == 0
    statuses = {n: r["status"] for n, r in run.records.items()}
    assert set(statuses) == NOTEBOOKS
    assert {n for n, s in statuses.items() if s == "ok"} == EXPECTED_OK[name], statuses
    assert {n for n, s in statuses.items() if s == "skipped"} == NOTEBOOKS - EXPECTED_OK[name], statuses
    index = (run.out / "index.html").read_text(encoding="utf-8")
    for notebook, status in statuses.items():
        assert f'id="report-{notebook}" data-status="{status}"' in index  # the index lists each one
        if status == "skipped":
            reason = (run.records[notebook].get("skip") or {}).get("reason", "")
            assert reason and "Traceback" not in reason
            assert html.escape(reason[:60], quote=False) in index


# --- coverage: rows read, filtered, rolled up, kept and left out, counted by pandas -------------


def _olist_coverage() -> dict[str, str]:
    orders = pd.read_csv(REAL / "olist" / "olist_orders_dataset.csv", dtype=str)
    reviews = pd.read_csv(REAL / "olist" / "olist_order_reviews_dataset.csv", dtype=str)
    canceled = int((orders["order_status"] == "canceled").sum())  # the mapping's where
    return {
        "orders": f"orders: {len(orders)} rows read, {canceled} filtered out by the mapping's 'where', "
        f"{len(orders) - canceled} kept, none left out",
        "feedback": f"feedback: {len(reviews)} rows read, {len(reviews)} kept, none left out",
    }


def _retail_coverage() -> dict[str, str]:
    lines = pd.read_csv(REAL / "online_retail" / "online_retail.csv", dtype={"InvoiceNo": str})
    dropped = lines["InvoiceNo"].str.startswith("C") | lines["CustomerID"].isna()  # the mapping's where
    orders = lines.loc[~dropped, "InvoiceNo"].nunique()  # line-item grain: one row per invoice
    return {
        "orders": f"orders: {len(lines)} rows read, {int(dropped.sum())} filtered out by the mapping's "
        f"'where', rolled up into {orders}, {orders} kept, none left out"
    }


def _criteo_coverage() -> dict[str, str]:
    users = len(pd.read_csv(REAL / "criteo_uplift" / "criteo_uplift.csv"))
    return {"experiments": f"experiments: {users} rows read, {users} kept, none left out"}


COVERAGE = {
    "olist": _olist_coverage,
    "online_retail": _retail_coverage,
    "online_retail_xlsx": _retail_coverage,  # same lines, same counts
    "criteo_uplift": _criteo_coverage,
}


@pytest.mark.parametrize("name", sorted(COVERAGE))
def test_every_header_and_index_card_says_what_was_read_and_left_out(
    name: str, reports: Callable[[str], Reports]
) -> None:
    expected = COVERAGE[name]()
    run = reports(name)
    index = (run.out / "index.html").read_text(encoding="utf-8")
    for notebook, record in run.records.items():
        if record["status"] != "ok":
            continue
        wanted = tables_used(record) or tuple(expected)
        read = "; ".join(v for t, v in expected.items() if t in wanted)
        header = re.search(r"Data coverage (.*?) Generated ", run.text(record["html"]))
        assert header is not None, notebook
        assert header.group(1) == read, notebook  # the tables the report reads, as its card
        card = re.search(rf'id="report-{notebook}".*?</li>', index, re.DOTALL)
        assert card is not None
        line = re.search(r'<p class="cxlab-coverage cxlab-coverage-tables">(.*?)</p>', card.group(0))
        assert line is not None, notebook
        assert _visible(line.group(1)) == read, notebook
        kept = sum(int(re.search(r"(\d+) kept", v).group(1)) for t, v in expected.items() if t in wanted)
        assert f"Data: {kept:,} rows used, none left out" in _visible(card.group(0))


# --- headline numbers against pandas -------------------------------------------------------------


def test_olist_headlines_match_pandas(reports: Callable[[str], Reports]) -> None:
    folder = REAL / "olist"
    orders = pd.read_csv(folder / "olist_orders_dataset.csv", dtype=str)
    payments = pd.read_csv(folder / "olist_order_payments_dataset.csv", dtype={"order_id": str})
    reviews = pd.read_csv(folder / "olist_order_reviews_dataset.csv", dtype=str, keep_default_na=False)
    kept = orders[orders["order_status"] != "canceled"].copy()
    kept["revenue"] = kept["order_id"].map(payments.groupby("order_id")["payment_value"].sum())
    kept["ts"] = pd.to_datetime(kept["order_purchase_timestamp"])  # local time, as the shop wrote it
    per_customer = kept.groupby("customer_id").agg(n=("order_id", "size"), first=("ts", "min"))
    customers = len(per_customer)
    run = reports("olist")

    health = {h["label"]: h for h in run.records["00_data_health"]["headlines"]}
    assert health["Rows checked"]["value"] == f"{len(kept) + len(reviews)}"
    assert health["Rows left out"]["value"] == "0"
    page = run.text("00_data_health.html")
    assert f"{customers} customers placed orders, {len(kept) / customers:.2f} orders per customer" in page

    # scorecard: average order value of the latest complete quarter and its change
    quarter = kept["ts"].dt.to_period("Q")
    aov = kept.groupby(quarter)["revenue"].mean()
    q2, q1 = aov[pd.Period("2018Q2")], aov[pd.Period("2018Q1")]
    page = run.text("01_cx_scorecard.html")
    assert f"2018-Q2 {q2:.2f} ▲ +{q2 - q1:.2f} vs 2018-Q1" in page
    assert "Repeat purchase rate (2+ orders in the period) higher is better · 2018-Q2 0.0%" in page
    assert (per_customer["n"] == 1).all()  # Olist's customer_id is per order: nobody repeats

    # retention: nobody came back; the denominators are the customers whose month N has ended
    month = per_customer["first"].dt.to_period("M")
    last = kept["ts"].max().to_period("M")  # the last month is not complete
    retention = {h["label"]: h for h in run.records["03_cohort_retention"]["headlines"]}
    for age in (1, 3):
        reached = int((month + age < last).sum())
        assert retention[f"Month-{age} retention"]["value"] == "0.0%"
        assert retention[f"Month-{age} retention"]["note"] == f"of {reached} customers"
    page = run.text("03_cohort_retention.html")
    cohorts = month[month < last]
    assert f"{len(cohorts)} customers in {cohorts.nunique()} monthly cohorts" in page
    first_revenue = kept.set_index("customer_id")["revenue"]
    by_12 = first_revenue[month[month + 12 < last].index].mean()
    # the same cohorts at both ages: nobody repeats, so all of it was spent in the acquisition month
    assert f"has spent {by_12:.2f} EUR on average ({by_12:.2f} EUR of it in the acquisition month)" in page

    # lifetime value: not estimated, and why
    (clv,) = run.records["04_customer_lifetime_value"]["headlines"]
    assert (clv["label"], clv["value"]) == ("CLV", "not estimated")
    page = run.text("04_customer_lifetime_value.html")
    assert f"Nobody of the {customers} customers has ordered twice yet" in page

    # voice of the customer: texts, star-only ratings and the star distribution
    texts = int((reviews["review_comment_message"] != "").sum())
    scores = reviews["review_score"].astype(int)
    page = run.text("05_voice_of_customer.html")
    assert f"Of {texts} texts" in page
    assert f"{len(reviews) - texts} star-only ratings without text were left out" in page
    for star, count in scores.value_counts().sort_index().items():
        silent = int(((scores == star) & (reviews["review_comment_message"] == "")).sum())
        assert f"{star}★ {count} {count / len(scores):.1%} {silent}" in page
    low, high = scores.le(2).mean(), scores.ge(4).mean()
    assert (
        f"Mean rating {scores.mean():.2f}★ from {len(scores)} ratings ({len(reviews) - texts} of them "
        f"without text): {low:.0%} give 1–2★, {high:.0%} 4–5★" in page
    )


@pytest.mark.parametrize("name", ["online_retail", "online_retail_xlsx"])
def test_online_retail_headlines_match_pandas(name: str, reports: Callable[[str], Reports]) -> None:
    lines = pd.read_csv(REAL / "online_retail" / "online_retail.csv", dtype={"InvoiceNo": str})
    kept = lines[~lines["InvoiceNo"].str.startswith("C") & lines["CustomerID"].notna()]
    orders, customers = kept["InvoiceNo"].nunique(), kept["CustomerID"].nunique()
    run = reports(name)
    health = {h["label"]: h for h in run.records["00_data_health"]["headlines"]}
    assert health["Rows checked"]["value"] == f"{orders}"
    page = run.text("00_data_health.html")
    assert f"orders {orders} rows (2010-12-01 to 2010-12-01)" in page
    assert f"{customers} customers placed orders, {orders / customers:.2f} orders per customer" in page
    repeaters = kept.groupby("CustomerID")["InvoiceDate"].agg(lambda d: d.str[:10].nunique()).gt(1).sum()
    assert repeaters == 0  # one day: nobody has two purchase days
    page = run.text("04_customer_lifetime_value.html")
    assert f"Nobody of the {customers} customers has ordered twice yet" in page


def test_criteo_units_and_conversion_per_arm_match_pandas(reports: Callable[[str], Reports]) -> None:
    raw = pd.read_csv(REAL / "criteo_uplift" / "criteo_uplift.csv")
    arms = raw.groupby(raw["treatment"].map({0: "control", 1: "treatment"}))["visit"].agg(["count", "sum"])
    n, x = arms["count"], arms["sum"]
    p = x / n
    run = reports("criteo_uplift")
    pages = sorted(run.out.glob("06_ab_test*.html"))  # one page, or one per experiment
    page = " ".join(run.text(path.name) for path in pages if not path.name.endswith(".error.html"))
    assert "Experiment: criteo_uplift" in page
    for arm in ("control", "treatment"):
        assert f"{arm} {n[arm]} {n[arm] / n.sum():.1%} 50.0% {n.sum() // 2}" in page  # units per arm
    lift = p["treatment"] / p["control"] - 1
    assert f"conversion treatment {p['control']:.2%} {p['treatment']:.2%} +{lift:.1%}" in page
    # sample-ratio mismatch against the default 50/50 plan: chi-square with one degree of freedom
    chi2 = (((n - n.sum() / 2) ** 2) / (n.sum() / 2)).sum()
    srm_p = erfc(sqrt(chi2 / 2))  # upper tail of chi-square(1)
    assert srm_p < 1e-20  # 137 against 363 units
    assert "chi-square p < 0.001" in page  # the one p-value style: never 0.000 or 5.1e-24
    cards = {h["label"]: h for h in run.records["06_ab_test"]["headlines"]}
    assert cards["Decision on conversion"]["value"] == "Invalid"
    health = {h["label"]: h for h in run.records["00_data_health"]["headlines"]}
    assert health["Rows checked"]["value"] == f"{len(raw)}"


# --- rows the contract's rules leave out: counted by pandas, shown in the header and the index ---


def _olist_without_where(folder: Path) -> tuple[str, int, str]:
    """Olist with the cancelled orders let in: they have no payment, so no revenue."""
    mapping = yaml.safe_load((REAL / "olist" / "mapping.yaml").read_text(encoding="utf-8"))
    del mapping["orders"]["where"]
    (folder / "mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    orders = pd.read_csv(folder / "olist_orders_dataset.csv", dtype=str)
    payments = pd.read_csv(folder / "olist_order_payments_dataset.csv", dtype={"order_id": str})
    unpaid = int((~orders["order_id"].isin(payments["order_id"])).sum())
    sentence = (
        f"orders: {len(orders)} rows read, {len(orders) - unpaid} kept, {unpaid} left out "
        f"(revenue null_value {unpaid})"
    )
    return sentence, unpaid, f"orders {unpaid / len(orders):.1%}"


def _retail_with_cancellations(folder: Path) -> tuple[str, int, str]:
    """Online Retail with the cancelled invoices let in: their revenue is negative."""
    mapping = yaml.safe_load((REAL / "online_retail" / "mapping.yaml").read_text(encoding="utf-8"))
    mapping["orders"]["where"] = "CustomerID IS NOT NULL"
    (folder / "mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    lines = pd.read_csv(folder / "online_retail.csv", dtype={"InvoiceNo": str})
    lines = lines[lines["CustomerID"].notna()]
    revenue = (lines["Quantity"] * lines["UnitPrice"]).groupby(lines["InvoiceNo"]).sum()
    negative = int((revenue < 0).sum())  # one row per invoice; its items are negative too
    sentence = (
        f"orders: {len(pd.read_csv(folder / 'online_retail.csv'))} rows read, rolled up into "
        f"{len(revenue)}, {len(revenue) - negative} kept, {negative} left out "
        f"(revenue negative_value {negative})"
    )
    return sentence, negative, f"orders {negative / len(revenue):.1%}"


@pytest.mark.parametrize(
    ("name", "variant"), [("olist", _olist_without_where), ("online_retail", _retail_with_cancellations)]
)
def test_rows_left_out_by_a_rule_are_counted_and_shown(
    name: str, variant: Callable[[Path], tuple[str, int, str]], tmp_path: Path
) -> None:
    folder = tmp_path / name
    shutil.copytree(REAL / name, folder)
    sentence, left_out, share = variant(folder)
    assert left_out > 0
    text, code = format_check(folder)  # `cxlab check` refuses to lose more than 5 % silently
    assert code == 1 and f"({share})" in " ".join(text.split())
    out = tmp_path / "reports"
    summary = run(["00_data_health"], data=folder, out=out, progress=False, jobs=1)
    assert summary.exit_code == 0
    (result,) = summary.results
    assert result.status == "ok", result.record
    (orders,) = [c for c in result.record["coverage"] if c["table"] == "orders"]
    assert sum(orders["left_out"].values()) == left_out
    headlines = {h["label"]: h["value"] for h in result.record["headlines"]}
    assert headlines["Rows left out"] == f"{left_out}"
    page = (out / "00_data_health.html").read_text(encoding="utf-8")
    header = re.search(r"Data coverage (.*?) Generated ", _visible(page))
    assert header is not None and sentence in header.group(1).split("; ")
    assert 'See the <a href="00_data_health.html">data health report</a>' in page
    # a row that broke two rules (a cancellation: negative revenue and items) is counted once
    assert re.search(rf"problems? affecting {left_out} rows?;", _visible(page))
    index = (out / "index.html").read_text(encoding="utf-8")
    line = re.search(r'<p class="cxlab-coverage cxlab-coverage-tables">(.*?)</p>', index)
    assert line is not None
    assert sentence in _visible(re.sub(r"\s*<a .*?</a>", "", line.group(1))).split("; ")
    assert "Rows left out: see data health." in line.group(1)
