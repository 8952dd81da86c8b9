"""The two A/B tests of the sample shop (see :mod:`cxlib.sample`).

* ``checkout_redesign``: control/treatment assigned 50/50; the treatment multiplies each
  unit's conversion probability by 1 + lift (planted lift +12 % relative on a 10 % base).
* ``free_shipping_banner``: planned 50/50 but units land in treatment with probability 0.48
  (a planted sample-ratio mismatch); no effect.

Units are anonymous visitors (ids ``U0000001``…, disjoint between the experiments), not the
shop's customers, so this table does not depend on ``n_customers``. The model per unit is
in :class:`cxlib.sample.truth.ExperimentTruth`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from cxlib.sample.generate import SCHEMAS, SPAN_START_US, make_ids, ts_array

if TYPE_CHECKING:
    from cxlib.sample.truth import SampleTruth

__all__ = ["experiments_table"]

VARIANT_NAMES: tuple[str, ...] = ("control", "treatment")


def _seconds(iso: str) -> int:
    """Seconds since the span start of an ISO timestamp."""
    return int((pd.Timestamp(iso).value // 1_000 - SPAN_START_US) // 1_000_000)


def _units(
    rng: np.random.Generator,
    n: int,
    share: float,
    base: float,
    lift: float,
    window: tuple[str, str],
    truth: SampleTruth,
) -> dict[str, np.ndarray]:
    """Simulate `n` units of one experiment."""
    x = truth.experiments
    treat = rng.random(n) < share
    activity = np.exp(x.activity_sigma * rng.standard_normal(n) - x.activity_sigma**2 / 2)
    value_mult = activity**x.value_activity_power

    pre_orders = rng.poisson(x.pre_orders_mean * activity)
    pre_revenue = rng.gamma(np.maximum(x.order_value_shape * pre_orders, 1e-12), x.order_value_scale)
    pre_revenue = np.where(pre_orders > 0, np.round(pre_revenue * value_mult, 2), 0.0)

    p_convert = np.minimum(1.0, base * activity * np.where(treat, 1.0 + lift, 1.0))
    converted = rng.random(n) < p_convert
    orders = np.where(converted, 1 + rng.poisson(x.extra_orders_mean * activity), 0)
    revenue = rng.gamma(np.maximum(x.order_value_shape * orders, 1e-12), x.order_value_scale)
    revenue = np.where(orders > 0, np.maximum(np.round(revenue * value_mult, 2), 0.01), 0.0)

    lo, hi = _seconds(window[0]), _seconds(window[1])
    exposed = lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64)
    return {
        "treat": treat,
        "exposed": exposed,
        "converted": converted,
        "revenue": revenue,
        "orders": orders,
        "pre_revenue": pre_revenue,
    }


def experiments_table(rng: np.random.Generator, truth: SampleTruth) -> pa.Table:
    """Build the ``experiments`` table (one row per unit and experiment).

    Rows are sorted by experiment, then unit id (ids are numbered in exposure order).
    """
    x = truth.experiments
    r_checkout, r_banner = rng.spawn(2)
    runs = [
        (
            "checkout_redesign",
            _units(
                r_checkout,
                x.checkout_units,
                x.checkout_treatment_share,
                x.checkout_base_conversion,
                x.checkout_lift,
                x.checkout_window,
                truth,
            ),
        ),
        (
            "free_shipping_banner",
            _units(
                r_banner,
                x.banner_units,
                x.banner_treatment_share,
                x.banner_base_conversion,
                x.banner_lift,
                x.banner_window,
                truth,
            ),
        ),
    ]
    parts = []
    for name, u in runs:
        order = np.argsort(u["exposed"], kind="stable")
        parts.append((name, {key: v[order] for key, v in u.items()}))
    n_total = sum(len(u["treat"]) for _, u in parts)
    ids = make_ids("U", n_total, 7)
    cat = {key: np.concatenate([u[key] for _, u in parts]) for key in parts[0][1]}
    names = np.concatenate([np.full(len(u["treat"]), k) for k, (_, u) in enumerate(parts)])
    return pa.table(
        {
            "experiment": pa.array([n for n, _ in parts], type=pa.string()).take(pa.array(names)),
            "variant": pa.array(list(VARIANT_NAMES), type=pa.string()).take(
                pa.array(cat["treat"].astype(np.int64))
            ),
            "unit_id": ids,
            "exposed_ts": ts_array(cat["exposed"]),
            "converted": pa.array(cat["converted"], type=pa.bool_()),
            "revenue": pa.array(cat["revenue"], type=pa.float64()),
            "orders": pa.array(cat["orders"], type=pa.int32()),
            "pre_revenue": pa.array(cat["pre_revenue"], type=pa.float64()),
        },
        schema=SCHEMAS["experiments"],
    )
