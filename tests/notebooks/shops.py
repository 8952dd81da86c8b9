"""Small variants of the sample shop for the notebook matrix (``test_any_shop.py``).

Each variant is a few hundred customers drawn from ``data/sample`` (so a notebook runs in
seconds), then changed in one way: a table removed, optional columns removed, or the data
made degenerate (nobody orders twice, a variant that never converts, one segment value ...).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
TABLES = ("events", "orders", "surveys", "feedback", "experiments")

#: Columns each table must keep (the contract's required columns).
REQUIRED = {
    "events": ["customer_id", "ts", "event"],
    "orders": ["order_id", "customer_id", "ts", "revenue"],
    "surveys": ["response_id", "ts", "metric", "score"],
    "feedback": ["feedback_id", "ts", "text"],
    "experiments": ["experiment", "variant", "unit_id", "exposed_ts", "converted"],
}

Frames = dict[str, pd.DataFrame]


def load_sample() -> Frames:
    """Read the five sample tables as pandas frames."""
    return {name: pd.read_parquet(SAMPLE / f"{name}.parquet") for name in TABLES}


def subsample(frames: Frames, customers: int = 300, units: int = 1500, seed: int = 0) -> Frames:
    """Draw ``customers`` random customers with all their rows and ``units`` units per experiment."""
    rng = np.random.default_rng(seed)
    ids = frames["orders"]["customer_id"].drop_duplicates().sort_values().to_numpy()
    keep = set(rng.choice(ids, size=min(customers, len(ids)), replace=False))
    out: Frames = {}
    for name in ("events", "orders", "surveys", "feedback"):
        frame = frames[name]
        out[name] = frame[frame["customer_id"].isin(keep)].reset_index(drop=True)
    exp = frames["experiments"]
    parts = [
        group.sample(n=min(units, len(group)), random_state=seed) for _, group in exp.groupby("experiment")
    ]
    out["experiments"] = pd.concat(parts).sort_values("unit_id", ignore_index=True)
    return out


def write(frames: Frames, dest: Path) -> Path:
    """Write the frames as Parquet files in ``dest`` (a table that is ``None`` is left out)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        if frame is not None:
            frame.to_parquet(dest / f"{name}.parquet", index=False)
    return dest


def bare(frames: Frames) -> Frames:
    """Only the contract's required columns."""
    return {name: frame[REQUIRED[name]] for name, frame in frames.items()}


def no_repeaters(frames: Frames) -> Frames:
    """Every customer's first order only: nobody has ordered twice."""
    orders = frames["orders"].sort_values("ts").drop_duplicates("customer_id").reset_index(drop=True)
    return {**frames, "orders": orders}


def zero_conversions(frames: Frames) -> Frames:
    """Make the treatment arm of every experiment never convert (no revenue or orders either)."""
    exp = frames["experiments"].copy()
    arm = exp["variant"] == "treatment"
    exp["converted"] = exp["converted"] & ~arm
    exp["orders"] = exp["orders"].where(~arm, 0)
    exp["revenue"] = exp["revenue"].where(~arm, 0.0)
    return {**frames, "experiments": exp}


def single_segment(frames: Frames) -> Frames:
    """One value in every segment column (channel, device, country, source)."""
    out = {}
    for name, frame in frames.items():
        frame = frame.copy()
        for column, value in (
            ("channel", "web"),
            ("device", "mobile"),
            ("country", "PL"),
            ("source", "direct"),
        ):
            if column in frame.columns:
                frame[column] = value
        out[name] = frame
    return out


def one_cohort(frames: Frames) -> Frames:
    """Orders of the last calendar month only (one acquisition cohort, a few weeks of data)."""
    orders = frames["orders"]
    last = orders["ts"].max()
    start = last.normalize().replace(day=1)
    return {**frames, "orders": orders[orders["ts"] >= start].reset_index(drop=True)}


def one_metric(frames: Frames) -> Frames:
    """Surveys with NPS answers only."""
    surveys = frames["surveys"]
    return {**frames, "surveys": surveys[surveys["metric"] == "nps"].reset_index(drop=True)}


def tiny_control(frames: Frames) -> Frames:
    """Five control units per experiment."""
    exp = frames["experiments"]
    control = exp[exp["variant"] == "control"].groupby("experiment").head(5)
    return {
        **frames,
        "experiments": pd.concat([control, exp[exp["variant"] != "control"]], ignore_index=True),
    }


def many_countries(frames: Frames) -> Frames:
    """37 countries on the orders (many segment values)."""
    orders = frames["orders"].copy()
    codes = [f"Z{i:02d}" for i in range(37)]
    number = orders["customer_id"].str.extract(r"(\d+)", expand=False).astype("int64")
    orders["country"] = [codes[int(n) % 37] for n in number]
    return {**frames, "orders": orders}


VARIANTS: dict[str, Callable[[Frames], Frames]] = {
    "small": lambda f: f,
    "bare": bare,
    "no_repeaters": no_repeaters,
    "zero_conversions": zero_conversions,
    "single_segment": single_segment,
    "one_cohort": one_cohort,
    "one_metric": one_metric,
    "tiny_control": tiny_control,
    "many_countries": many_countries,
}
