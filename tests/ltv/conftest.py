"""Fixtures of the lifetime-value tests (data helpers in ltv_data.py, a name no other test folder uses)."""

from __future__ import annotations

import pandas as pd
import pytest
from ltv_data import cdnow_orders, cdnow_published_summary


@pytest.fixture(scope="session")
def cdnow_summary() -> pd.DataFrame:
    return cdnow_published_summary()


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    return cdnow_orders()
