"""``cxlab check``'s summary: what was found, what is wrong, where, and how to fix it."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cxlib.data.check_report import check_source, fix_for, format_check
from cxlib.data.validate import Finding
from tests.data.exports import reference as ref


def flat(text: str) -> str:
    """The text on one line with single spaces (wrapping is not part of the message)."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(autouse=True)
def _salt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXLAB_SALT", "check-test-salt")


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    for path in (ref.SHOPIFY, *ref.GA4, ref.SURVEY, ref.REVIEWS):
        shutil.copy(path, folder / path.name)
    (folder / "mapping.yaml").write_text(
        "orders: shopify_orders\nevents: ga4_events\nsurveys: survey_export\nfeedback: review_export\n"
    )
    return folder


def test_good_exports_are_summarised_with_files_columns_and_row_counts(exports: Path) -> None:
    text, code = format_check(exports)
    assert code == 0
    assert text.startswith(
        f"cxlab check: {exports}\nMapping: mapping.yaml in the data folder "
        "(presets: shopify_orders, ga4_events, survey_export, review_export)"
    )
    lines = text.splitlines()
    row = {
        name: next(ln for ln in lines if ln.startswith(f"  {name} "))
        for name in ("events", "orders", "surveys", "feedback", "experiments")
    }
    assert re.search(r"OK +182 rows +from events_20240304\.json, events_20240305\.json$", row["events"])
    assert re.search(r"OK +176 rows read -> 82 orders +from orders_export_1\.csv$", row["orders"])
    assert re.search(r"OK +64 rows read -> 117 surveys +from survey_responses\.csv$", row["surveys"])
    assert re.search(r"OK +48 rows +from reviews\.csv$", row["feedback"])
    assert "not found: optional, needed for A/B tests" in row["experiments"]
    assert "Email -> email (pseudonymised)" in flat(text) and "Lineitem quantity -> line_quantity" in flat(
        text
    )
    assert "How likely are you to recommend Acme Home to a friend or colleague? -> nps" in flat(text)
    assert lines[-1].startswith("Result: no problems found; 4 table(s) ready. Next: cxlab run --all --data")


def test_every_problem_names_the_file_the_column_and_a_fix(tmp_path: Path) -> None:
    rows = list(csv.DictReader(ref.REVIEWS.open(encoding="utf-8")))
    rows[2]["rating"] = "11"
    rows[5]["review_date"] = "yesterday"
    rows[7]["review_date"] = "2031-01-01 10:00:00 UTC"
    pd.DataFrame(rows).to_csv(tmp_path / "reviews.csv", index=False)
    text, code = format_check(tmp_path, "review_export")
    assert code == 1
    # 'yesterday' is unparseable, and not also a missing value: no row is counted twice
    problems = text[text.index("Problems: 3 problem(s), 3 row(s) affected") :]
    assert "[null_value]" not in problems
    expected = [
        (
            "column 'ts' ('review_date' in your file), file reviews.csv: 1 row(s)  [unparseable_timestamp]",
            "write times as ISO 8601",
        ),
        (
            "column 'ts' ('review_date' in your file), file reviews.csv: 1 row(s)  [future_timestamp]",
            "check the export's clock",
        ),
        ("column 'rating', file reviews.csv: 1 row(s)  [out_of_range]", "check the scale of 'rating'"),
    ]
    for head, fix in expected:
        assert flat(head) in flat(problems) and f"Fix: {fix}" in flat(problems)
    assert "would leave out more than 5% of a table's rows (feedback 6.2%)" in text.splitlines()[-1]
    # 3 of 48 rows is 6.25 %: allowed with a higher --max-drop
    text, code = format_check(tmp_path, "review_export", max_drop=0.10)
    assert code == 0
    assert "Reports still run: they leave the offending rows out (on_error='drop'), at most 6.2%" in flat(
        text.splitlines()[-1]
    )


def test_missing_column_names_the_export_header_expected(tmp_path: Path) -> None:
    text = ref.SHOPIFY.read_text(encoding="utf-8").replace("Name,Email", "Order,Email", 1)
    (tmp_path / "orders_export_1.csv").write_text(text, encoding="utf-8")
    report, code = format_check(tmp_path, "shopify_orders")
    text = flat(report)
    assert code == 1
    assert "[1] orders, column 'order_id', file orders_export_1.csv [missing_column]" in text
    assert "(expected: 'Name')" in text and "176 rows read" in text
    assert (
        "Fix: add the column to the export, or map the column that holds it in mapping.yaml: "
        "orders: {preset: shopify_orders, columns: {'Your column': order_id}}" in text
    )
    assert "orders not usable 176 rows read from orders_export_1.csv" in text
    assert "Until this is fixed the orders table is not usable." in text
    assert "Fix the problems marked 'not usable' before running reports." in text


def test_naive_times_point_to_the_timezone_option(tmp_path: Path) -> None:
    (tmp_path / "survey_responses.csv").write_text(
        ref.SURVEY.read_text(encoding="utf-8").replace(" UTC,", ","), encoding="utf-8"
    )
    report, code = format_check(tmp_path, "survey_export")
    text = flat(report)
    assert code == 1 and "[naive_timestamp]" in text and "('Submitted At' in your file)" in text
    assert "surveys not usable 64 rows read" in text and "marked 'not usable'" in text
    assert "--timezone Europe/Warsaw" in text
    fixed, code = format_check(tmp_path, "survey_export", timezone="UTC")
    assert code == 0, fixed


def test_contact_details_in_example_rows_are_masked(tmp_path: Path) -> None:
    pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": ["jane.doe@example.com", "+44 20 7946 0958"],
            "ts": ["2024-01-01T10:00:00Z", "2024-01-02T10:00:00Z"],
            "revenue": [-5.0, 10.0],
        }
    ).to_csv(tmp_path / "orders.csv", index=False)
    report, code = format_check(tmp_path)
    assert code == 1 and "[negative_value]" in report and "file orders.csv" in report
    assert "jane.doe@example.com" not in report and "customer_id='[email]'" in report
    assert "Mapping: none" in report


def test_missing_salt_unknown_preset_and_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ref.SURVEY, tmp_path / ref.SURVEY.name)
    monkeypatch.delenv("CXLAB_SALT")
    report, code = format_check(tmp_path, "survey_export")
    assert code == 1 and "[missing_salt]" in report and "Fix: export CXLAB_SALT=" in report
    report, code = format_check(tmp_path, "surveys_typeform")
    assert code == 1 and "[unknown_mapping]" in report and "shopify_orders" in report
    report, code = format_check(tmp_path / "nowhere")
    assert code == 1 and "[missing_file]" in report and "no such file or folder" in report
    report, code = format_check(tmp_path)
    assert code == 1 and "[no_tables]" in report and "--mapping" in report


def test_bad_mapping_file_in_the_folder_is_named(exports: Path) -> None:
    (exports / "mapping.yaml").write_text("orders:\n  preset: shopify_orders\n  colums: {}\n")
    report, code = format_check(exports)
    assert (
        code == 1
        and "file " + str(exports / "mapping.yaml") in flat(report)
        and "unknown key(s) 'colums'" in flat(report)
    )


def test_in_memory_frames_are_checked_too() -> None:
    frame = pd.read_csv(ref.SHOPIFY, dtype=str)
    result = check_source({"orders": frame}, "shopify_orders")
    assert result.exit_code == 0
    assert [(t.table, t.rows_read, t.rows, t.source) for t in result.tables] == [
        ("orders", 176, 82, "in-memory pandas frame")
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "missing_column",
        "wrong_type",
        "naive_timestamp",
        "unparseable_timestamp",
        "not_numeric",
        "not_boolean",
        "null_value",
        "future_timestamp",
        "implausible_timestamp",
        "negative_value",
        "out_of_range",
        "not_whole_number",
        "unknown_value",
        "nul_byte",
        "text_too_long",
        "nps_score_out_of_scale",
        "csat_score_out_of_scale",
        "duplicate_id",
        "empty_table",
        "mapping_column_missing",
        "mapping_clash",
        "ambiguous_column",
        "unknown_mapping",
        "bad_mapping",
        "missing_salt",
        "mixed_currency",
        "encoding",
        "unreadable_file",
        "empty_file",
        "missing_file",
        "no_tables",
        "unknown_table",
        "ambiguous_source",
        "mixed_formats",
        "unknown_timezone",
        "unsupported_backend",
    ],
)
def test_every_rule_has_specific_advice(rule: str) -> None:
    advice = fix_for(Finding("orders", "revenue", rule, "message"), "'Total'", preset="shopify_orders")
    assert advice and "see the message above" not in advice
