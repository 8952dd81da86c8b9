"""Small valid tables for the data-contract tests."""

from __future__ import annotations

import pandas as pd
import pytest


def orders_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
            "customer_id": ["C1", "C1", "C2", "C3", "C3", "C3"],
            "ts": pd.to_datetime(
                [
                    "2024-01-05 10:00",
                    "2024-02-10 12:30",
                    "2024-01-20 08:00",
                    "2024-01-31 23:30",
                    "2024-02-01 00:30",
                    "2024-03-15 09:00",
                ]
            ).tz_localize("UTC"),
            "revenue": [50.0, 20.5, 99.9, 10.0, 15.0, 42.0],
            "channel": ["web", "app", "web", "store", "store", "marketplace"],
        }
    )


def surveys_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": ["R1", "R2", "R3", "R4"],
            "ts": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"]).tz_localize("UTC"),
            "metric": ["nps", "csat", "ces", "nps"],
            "score": [9, 4, 2, 6],
        }
    )


def feedback_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feedback_id": ["F1", "F2"],
            "ts": pd.to_datetime(["2024-01-05", "2024-01-06"]).tz_localize("UTC"),
            "text": ["Great delivery", "Przesyłka dotarła uszkodzona"],
            "rating": [5, 1],
        }
    )


@pytest.fixture
def orders() -> pd.DataFrame:
    return orders_frame()


@pytest.fixture
def surveys() -> pd.DataFrame:
    return surveys_frame()


@pytest.fixture
def feedback() -> pd.DataFrame:
    return feedback_frame()
