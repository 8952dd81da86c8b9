"""Every notebook fits any shop: the matrix of small sample variants ends ok or skipped, never failed.

Each case draws a few hundred customers from the sample shop (``shops.py``), changes the
data in one way (a table removed, optional columns removed, degenerate data) and runs the
notebooks that read the changed table through :func:`cxlib.reports.run`, as ``cxlab run``
does. A notebook whose table is absent must be *skipped* with a reason; every other must
end *ok*. About ten minutes on two cores.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import shops  # tests/notebooks/shops.py (pytest puts this folder on sys.path)

from cxlib.reports import run
from cxlib.reports.validation import ParameterError

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ALL = (
    "00_data_health",
    "01_cx_scorecard",
    "02_journey_mapping",
    "03_cohort_retention",
    "04_customer_lifetime_value",
    "05_voice_of_customer",
    "06_ab_test",
)
#: The notebooks that read each table (a change to the table reruns these).
READERS = {
    "events": ("00_data_health", "01_cx_scorecard", "02_journey_mapping"),
    "orders": ("00_data_health", "01_cx_scorecard", "03_cohort_retention", "04_customer_lifetime_value"),
    "surveys": ("01_cx_scorecard", "04_customer_lifetime_value", "05_voice_of_customer"),
    "feedback": ("00_data_health", "05_voice_of_customer"),
    "experiments": ("00_data_health", "06_ab_test"),
}
#: The notebook that is skipped when a table is absent.
NEEDS = {
    "events": ("02_journey_mapping",),
    "orders": ("03_cohort_retention", "04_customer_lifetime_value"),
    "surveys": (),
    "feedback": (),
    "experiments": ("06_ab_test",),
}


def _without(table: str) -> Callable[[shops.Frames], shops.Frames]:
    return lambda frames: {k: v for k, v in frames.items() if k != table}


def _bare_table(table: str) -> Callable[[shops.Frames], shops.Frames]:
    return lambda frames: {**frames, table: frames[table][shops.REQUIRED[table]]}


def _drop(table: str, column: str) -> Callable[[shops.Frames], shops.Frames]:
    return lambda frames: {**frames, table: frames[table].drop(columns=column)}


def _no_texts(frames: shops.Frames) -> shops.Frames:
    """No feedback table and surveys without comments: nothing for voice of the customer."""
    rest = {k: v for k, v in frames.items() if k != "feedback"}
    return {**rest, "surveys": frames["surveys"].drop(columns="comment")}


def _tiny(frames: shops.Frames) -> shops.Frames:
    return shops.subsample(frames, customers=30, units=40, seed=1)


# (case id, change, notebooks, parameters per notebook, notebooks expected to be skipped)
CASES: list[tuple[str, Callable[[shops.Frames], shops.Frames], tuple[str, ...], dict, tuple[str, ...]]] = [
    ("sample_small", shops.VARIANTS["small"], ALL, {}, ()),
    ("all_optional_columns_removed", shops.bare, ALL, {}, ()),
    ("tiny_shop", _tiny, ALL, {}, ()),
    (
        "orders_only",
        lambda f: {"orders": f["orders"]},
        ALL,
        {},
        ("02_journey_mapping", "05_voice_of_customer", "06_ab_test"),
    ),
    ("no_repeaters", shops.no_repeaters, READERS["orders"], {}, ()),
    ("one_cohort", shops.one_cohort, READERS["orders"], {}, ()),
    ("single_segment", shops.single_segment, ALL[:5], {}, ()),
    (
        "many_countries",
        shops.many_countries,
        ("03_cohort_retention", "04_customer_lifetime_value"),
        {"03_cohort_retention": {"by": "country"}, "04_customer_lifetime_value": {"segment": "country"}},
        (),
    ),
    ("one_metric", shops.one_metric, ("01_cx_scorecard", "05_voice_of_customer"), {}, ()),
    ("zero_conversions", shops.zero_conversions, ("06_ab_test",), {}, ()),
    (
        "tiny_control",
        shops.tiny_control,
        ("06_ab_test",),
        {"06_ab_test": {"experiment": "checkout_redesign"}},
        (),
    ),
    ("no_customer_texts", _no_texts, ("05_voice_of_customer",), {}, ("05_voice_of_customer",)),
]
PERIODIC = ("00_data_health", "02_journey_mapping", "05_voice_of_customer")  # notebooks with start/end
CASES.append(
    (
        "empty_period",
        shops.VARIANTS["small"],
        PERIODIC,
        {name: {"start": "2026-12-01"} for name in PERIODIC},
        PERIODIC,
    )
)
CASES += [(f"without_{t}", _without(t), READERS[t], {}, NEEDS[t]) for t in shops.TABLES]
CASES += [(f"bare_{t}", _bare_table(t), READERS[t], {}, ()) for t in shops.TABLES]
#: Single optional columns that notebooks use by default (the others are covered by the bare cases).
CASES += [
    (f"without_{t}.{c}", _drop(t, c), READERS[t], {}, ())
    for t, c in [
        ("orders", "channel"),
        ("events", "session_id"),
        ("events", "source"),
        ("events", "device"),
        ("surveys", "customer_id"),
        ("surveys", "comment"),
        ("experiments", "pre_revenue"),
        ("experiments", "exposed_ts"),
        ("experiments", "orders"),
        ("feedback", "rating"),
    ]
]


@pytest.fixture(scope="module")
def frames() -> shops.Frames:
    if not any(shops.SAMPLE.glob("*.parquet")):
        pytest.skip("no sample shop (run `make sample`)")
    return shops.subsample(shops.load_sample())


@pytest.mark.parametrize(("case", "change", "names", "params", "skipped"), CASES, ids=[c[0] for c in CASES])
def test_notebooks_end_ok_or_skipped(
    case: str,
    change: Callable[[shops.Frames], shops.Frames],
    names: tuple[str, ...],
    params: dict,
    skipped: tuple[str, ...],
    frames: shops.Frames,
    tmp_path: Path,
) -> None:
    data = shops.write(change(frames), tmp_path / "shop")
    summary = run(
        list(names),
        data=data,
        params={"notebooks": params} if params else None,
        out=tmp_path / "out",
        notebooks_dir=NOTEBOOKS,
        progress=False,
        jobs=2,
    )
    statuses: dict[str, set[str]] = {}  # by notebook: the A/B notebook writes a page per experiment
    for r in summary.results:
        statuses.setdefault(r.record.get("family") or r.name, set()).add(r.status)
    errors = {r.name: r.failure.message[:300] for r in summary.results if r.failure is not None}
    assert not summary.failed, f"{case}: failed {errors}"
    assert statuses == {n: {"skipped" if n in skipped else "ok"} for n in names}, statuses
    assert summary.exit_code == 0
    for result in summary.results:
        if result.status == "skipped":
            assert result.record["skip"]["reason"] and result.record["skip"]["add"]


def test_a_segment_column_that_does_not_exist_lists_the_columns(frames: shops.Frames, tmp_path: Path) -> None:
    """Refused before any kernel starts (read from the schema), nothing written."""
    data = shops.write(frames, tmp_path / "shop")
    with pytest.raises(ParameterError) as refused:
        run(
            ["04_customer_lifetime_value"],
            data=data,
            parameters={"segment": "chanel"},
            out=tmp_path / "out",
            notebooks_dir=NOTEBOOKS,
            progress=False,
        )
    assert (
        "parameter 'segment' of 04_customer_lifetime_value: the orders table has no column 'chanel'; "
        "columns found: order_id, customer_id, ts, revenue, channel"
    ) in str(refused.value)
    assert "(did you mean 'channel'?)" in str(refused.value)
    assert not (tmp_path / "out").exists()
