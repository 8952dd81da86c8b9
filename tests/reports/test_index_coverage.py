"""The header and index card of each report count the rows of the tables that report reads, not the shop's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxlib import viz
from cxlib.data.coverage import LeftOut, TableCoverage
from cxlib.reports.html import index_page
from cxlib.reports.report_tables import REPORT_TABLES, tables_read, tables_used

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: The header of every report publishes every table of the shop (rows kept, left out by reason).
COVERAGE = [
    {"table": "events", "rows_read": 900_000, "rows_kept": 899_990, "left_out": {"future": 10}},
    {"table": "orders", "rows_read": 37_050, "rows_kept": 37_047, "left_out": {"negative_value": 3}},
    {"table": "surveys", "rows_read": 12_420, "rows_kept": 12_420, "left_out": {}},
    {"table": "feedback", "rows_read": 6_400, "rows_kept": 6_377, "left_out": {"duplicate": 23}},
    {"table": "experiments", "rows_read": 70_000, "rows_kept": 70_000, "left_out": {}},
]


def _card(name: str, **parameters: str) -> str:
    record = {
        "name": name,
        "title": name,
        "status": "ok",
        "html": f"{name}.html",
        "parameters": {"data": "shop", **parameters},
        "coverage": COVERAGE,
    }
    page = index_page([record], generated="2026-01-01T11:00:00+00:00")
    found = re.search(r'<p class="cxlab-coverage">Data: (.*?)</p>', page)
    assert found is not None
    return found.group(1)


def _expected(tables: tuple[str, ...]) -> str:
    """The card's line computed independently from the coverage entries of ``tables``."""
    kept = sum(e["rows_kept"] for e in COVERAGE if e["table"] in tables)
    left = sum(sum(e["left_out"].values()) for e in COVERAGE if e["table"] in tables)
    names = ", ".join(e["table"] for e in COVERAGE if e["table"] in tables)
    return f"{kept:,} rows used, {f'{left:,}' if left else 'none'} left out ({names})"


@pytest.mark.parametrize(
    ("name", "tables"),
    [
        ("05_voice_of_customer", ("feedback", "surveys")),
        ("06_ab_test", ("experiments",)),
        ("02_journey_mapping", ("events",)),
        ("03_cohort_retention", ("orders",)),
        ("04_customer_lifetime_value", ("orders", "surveys")),
        ("01_cx_scorecard", ("events", "orders", "surveys")),
        ("00_data_health", ("events", "orders", "surveys", "feedback", "experiments")),
        ("my_own_report", ("events", "orders", "surveys", "feedback", "experiments")),  # unknown: all
    ],
)
def test_each_card_counts_the_tables_its_report_reads(name: str, tables: tuple[str, ...]) -> None:
    assert _card(name) == _expected(tables)


def test_concrete_numbers_and_parameters() -> None:
    assert _card("06_ab_test") == "70,000 rows used, none left out (experiments)"
    assert _card("05_voice_of_customer") == "18,797 rows used, 23 left out (surveys, feedback)"
    # retention measured on events reads the events too
    assert _card("03_cohort_retention", activity="events") == _expected(("orders", "events"))
    assert tables_used({"name": "03_cohort_retention", "parameters": {"activity": "orders"}}) == ("orders",)


def test_a_report_whose_tables_are_absent_has_no_coverage_line() -> None:
    record = {"name": "06_ab_test", "status": "ok", "html": "a.html", "coverage": COVERAGE[:4]}
    assert '<p class="cxlab-coverage">' not in index_page([record], generated="2026-01-01T11:00:00+00:00")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9]*.py")), ids=lambda p: p.stem)
def test_every_notebook_lists_the_tables_it_requires(path: Path) -> None:
    assert path.stem in REPORT_TABLES, f"add {path.stem} to cxlib.reports.report_tables.REPORT_TABLES"
    source = path.read_text(encoding="utf-8")
    required = {
        table
        for call in re.findall(r"require_tables\(shop, \[([^\]]*)\]", source)
        for table in re.findall(r'"(\w+)"', call)
    }
    assert required <= set(REPORT_TABLES[path.stem])


def test_an_experiment_page_counts_its_notebooks_tables_and_says_they_hold_every_experiment() -> None:
    record = {
        "name": "06_ab_test-checkout_redesign",
        "family": "06_ab_test",
        "title": "A/B test: checkout_redesign",
        "status": "ok",
        "html": "06_ab_test-checkout_redesign.html",
        "parameters": {"data": "shop", "experiment": "checkout_redesign"},
        "experiment": {"name": "checkout_redesign", "units": {"control": 10, "treatment": 12}},
        "coverage": COVERAGE,
    }
    assert tables_used(record) == ("experiments",)
    page = index_page([record], generated="2026-01-01T11:00:00+00:00")
    found = re.search(r'<p class="cxlab-coverage">Data: (.*?)</p>', page)
    assert found is not None
    assert found.group(1) == "70,000 rows used, none left out (experiments table, all experiments)"


def test_each_card_says_per_table_rows_read_filtered_rolled_up_kept_and_left_out() -> None:
    coverage = [
        {
            "table": "orders",
            "rows_read": 541_909,
            "rows_kept": 18_530,
            "left_out": {"revenue negative_value": 4, "ts future": 2},
            "filtered": 9_288,
            "rolled_up": 18_536,
        },
        {"table": "feedback", "rows_read": 300, "rows_kept": 300, "left_out": {}},
    ]
    record = {"name": "00_data_health", "status": "ok", "html": "a.html", "coverage": coverage}
    page = index_page([record], generated="2026-01-01T11:00:00+00:00")
    assert "Data: 18,830 rows used, 6 left out (orders, feedback)" in page
    found = re.search(r'<p class="cxlab-coverage cxlab-coverage-tables">(.*?)</p>', page)
    assert found is not None
    assert found.group(1) == (
        "orders: 541,909 rows read, 9,288 filtered out by the mapping&#x27;s &#x27;where&#x27;, "
        "rolled up into 18,536, 18,530 kept, 6 left out (revenue negative_value 4, ts future 2); "
        'feedback: 300 rows read, 300 kept, none left out <a href="00_data_health.html">'
        "Rows left out: see data health.</a>"
    )
    # a report on the feedback alone names only its table, and nothing was left out there
    record = {**record, "name": "05_voice_of_customer"}
    page = index_page([record], generated="2026-01-01T11:00:00+00:00")
    found = re.search(r'<p class="cxlab-coverage cxlab-coverage-tables">(.*?)</p>', page)
    assert found is not None and found.group(1) == "feedback: 300 rows read, 300 kept, none left out"


# --- the report header names the tables its index card counts -----------------------------------


class _Shop:
    """A shop whose coverage is :data:`COVERAGE` (rows read, kept, left out per rule)."""

    source = "shop"
    fingerprint = "f"
    coverage = tuple(
        TableCoverage(
            e["table"],
            e["rows_read"],
            e["rows_kept"],
            tuple(LeftOut(rule, n, column="c") for rule, n in e["left_out"].items()),
        )
        for e in COVERAGE
    )


def _visible(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()


@pytest.mark.parametrize("name", sorted(REPORT_TABLES))
def test_each_header_lists_the_tables_its_card_counts(name: str) -> None:
    parameters = {"activity": "events"} if name == "03_cohort_retention" else {}
    header = viz.report_header(shop=_Shop(), tables=tables_read(name, parameters))
    listed = re.search(r"<dt>Data coverage</dt><dd>(.*?)</dd>", header.html)
    assert listed is not None
    named = [part.split(":")[0] for part in listed.group(1).split("; ")]
    wanted = tables_used({"name": name, "parameters": parameters})
    assert wanted is not None and named == [e["table"] for e in COVERAGE if e["table"] in wanted]
    assert [c["table"] for c in header.meta["coverage"]] == named
    # the run record carries the header's coverage; the card's per-table line says the same
    record = {"name": name, "status": "ok", "html": "a.html", "parameters": parameters, **header.meta}
    page = index_page([record], generated="2026-01-01T11:00:00+00:00")
    card = re.search(r'<p class="cxlab-coverage cxlab-coverage-tables">(.*?)</p>', page)
    assert card is not None
    assert _visible(re.sub(r"\s*<a .*?</a>", "", card.group(1))) == _visible(listed.group(1))
    # the link to the rows left out only when a table the report reads lost rows
    lost = any(e["left_out"] for e in COVERAGE if e["table"] in wanted)
    assert ("Rows left out" in header.html) == lost


def test_a_header_without_tables_lists_every_table_and_the_experiment_header_only_its_own() -> None:
    every = viz.report_header(shop=_Shop())
    assert [c["table"] for c in every.meta["coverage"]] == [e["table"] for e in COVERAGE]
    ab = viz.report_header(shop=_Shop(), tables=tables_read("06_ab_test"))
    listed = re.search(r"<dt>Data coverage</dt><dd>(.*?)</dd>", ab.html)
    assert (
        listed is not None and listed.group(1) == "experiments: 70,000 rows read, 70,000 kept, none left out"
    )
    assert "Rows left out" not in ab.html and "events" not in ab.html
    assert tables_read("my_own_report") is None


def test_notebooks_import_the_function_even_once_its_module_is_loaded() -> None:
    import cxlib.reports
    import cxlib.reports.report_tables  # a package attribute named as the module would shadow it
    from cxlib.reports import tables_read as imported

    assert imported is tables_read and cxlib.reports.tables_read("06_ab_test") == ("experiments",)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9]*.py")), ids=lambda p: p.stem)
def test_every_notebook_header_passes_the_tables_of_its_own_name(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    calls = re.findall(r"viz\.report_header\((.*?)\)\n\)", source, re.DOTALL) + re.findall(
        r"viz\.report_header\((.*)\)\)$", source, re.MULTILINE
    )
    assert len(calls) == 1, path.stem
    assert f'tables=tables_read("{path.stem}"' in calls[0], path.stem
