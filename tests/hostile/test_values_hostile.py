"""Hostile values in report building blocks: missing values as text, tiny counts, markup."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlib.viz import format_table
from cxlib.viz.blocks import format_number


@pytest.mark.parametrize("missing", ["nan", "NaN", " nan ", "None", "<NA>", "NaT", np.nan, None, pd.NA])
def test_missing_values_never_read_nan(missing: object) -> None:
    assert format_number(missing) == "—"


def test_scorecard_like_table_shows_no_literal_nan() -> None:
    view = pd.DataFrame(
        {
            "Metric": ["NPS · higher is better", "CSAT"],
            "Segment": ["web", float("nan")],
            "web": ["12 (CI 8 to 16) · n=140", "nan"],
            "Adjusted p": [f"{float('nan'):.2g}", "0.03"],
        }
    )
    page = format_table(view).data
    assert "nan" not in page.lower().replace("nps", "")
    assert page.count("—") == 3
    assert "Nancy" in format_table(pd.DataFrame({"name": ["Nancy"]})).data  # words are not touched
