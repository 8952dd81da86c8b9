"""Contract relaxations real exports need: one experiment per table, star-only reviews."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlib import DataError, open_shop, open_table
from cxlib.engine import to_pandas


def test_experiments_without_experiment_column_are_named_after_the_file(tmp_path):
    frame = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "variant": ["A", "B", "A"], "converted": [1, 0, 1]})
    frame.to_csv(tmp_path / "checkout_test.csv", index=False)
    mapping = {"experiments": {"files": ["checkout_test.csv"]}}
    table = to_pandas(open_shop(tmp_path, mapping=mapping).experiments)
    assert table["experiment"].unique().tolist() == ["checkout_test"]
    assert table["converted"].sum() == frame["converted"].sum()
    assert "exposed_ts" not in table.columns  # optional
    in_memory = to_pandas(open_table(frame, "experiments"))
    assert in_memory["experiment"].unique().tolist() == ["experiment"]


def test_duplicate_units_of_the_one_experiment_are_still_found():
    frame = pd.DataFrame({"unit_id": ["u1", "u1"], "variant": ["A", "B"]})
    with pytest.raises(DataError) as info:
        open_table(frame, "experiments")
    assert info.value.rule == "duplicate_id"


def test_star_only_reviews_are_valid():
    frame = pd.DataFrame(
        {
            "feedback_id": ["F1", "F2", "F3"],
            "ts": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07"]).tz_localize("UTC"),
            "text": ["Great mug", None, "  "],
            "rating": [5, 4, 3],
        }
    )
    table = to_pandas(open_table(frame, "feedback"))
    assert table["rating"].tolist() == [5, 4, 3] and table["text"].isna().sum() == 1
    no_text = to_pandas(open_table(frame.drop(columns="text"), "feedback"))
    assert no_text["text"].isna().all() and no_text["rating"].sum() == 12


def test_a_review_with_neither_text_nor_rating_is_an_error():
    frame = pd.DataFrame(
        {
            "feedback_id": ["F1", "F2"],
            "ts": pd.to_datetime(["2024-01-05", "2024-01-06"]).tz_localize("UTC"),
            "text": ["ok", " "],
            "rating": [5, None],
        }
    )
    with pytest.raises(DataError) as info:
        open_table(frame, "feedback")
    assert (info.value.rule, info.value.n_rows, info.value.rows[0]["feedback_id"]) == (
        "empty_feedback",
        1,
        "F2",
    )
    with pytest.raises(DataError) as info:
        open_table(frame.drop(columns=["text", "rating"]), "feedback")
    assert (info.value.column, info.value.rule) == ("text", "missing_column")
