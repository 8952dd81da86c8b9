"""A realistic, deterministic sample shop: the data behind the notebooks, tests and demos.

:func:`generate_sample` writes five contract tables (``events``, ``orders``, ``surveys``,
``feedback``, ``experiments``; docs/architecture.md §3) plus one ground-truth table
(``truth_feedback_aspects``) as Parquet files. The same seed gives byte-identical files.
Every parameter the generator plants is in :data:`TRUTH` (see
:mod:`cxlib.sample.truth`) and documented in ``data/sample/README.md``.

How the shop is built
---------------------
1. Customers are acquired over the two-year span (growing, with a Black-Friday peak); each
   has a country, a text language and an acquisition channel.
2. Orders follow a BG/NBD purchase process (Fader, Hardie & Lee 2005) with per-channel
   dropout, and Gamma-Gamma order values (Fader & Hardie 2013). Delivery, returns and
   support contacts hang off the orders.
3. Events: a purchase session per online order, abandoned-cart and browse sessions around
   it, service sessions for returns and support contacts (:mod:`cxlib.sample.events`).
4. Surveys and feedback texts are driven by the orders' experience
   (:mod:`cxlib.sample.voc`); texts come from :mod:`cxlib.sample.texts`.
5. Two A/B tests on anonymous visitors (:mod:`cxlib.sample.experiments`).

Each step draws from its own child of ``numpy.random.SeedSequence(seed)``, so changing one
table's generator does not shift the others.

Examples
--------
>>> from cxlib.sample import generate_tables, TRUTH
>>> tables = generate_tables(seed=1, n_customers=500)  # doctest: +SKIP
>>> TRUTH.orders.bgnbd_r
0.24
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cxlib.sample.truth import TRUTH, SampleTruth

__all__ = [
    "SCHEMAS",
    "TABLE_NAMES",
    "TRUTH",
    "SampleTruth",
    "generate_arrow_tables",
    "generate_sample",
    "generate_tables",
]

#: Contract tables written by :func:`generate_sample`, in order.
TABLE_NAMES: tuple[str, ...] = ("events", "orders", "surveys", "feedback", "experiments")
#: Ground-truth tables written beside them.
TRUTH_TABLE_NAMES: tuple[str, ...] = ("truth_feedback_aspects",)

DAY = 86_400
WEEK = 7 * DAY
#: Span start as microseconds since the Unix epoch (2024-11-01T00:00:00Z).
SPAN_START_US = int(pd.Timestamp(TRUTH.span.start).value // 1_000)
#: Number of seconds in the span; every timestamp t satisfies 0 ≤ t < SPAN_SECONDS.
SPAN_SECONDS = TRUTH.span.days * DAY

_TS = pa.timestamp("us", tz="UTC")
_STR = pa.string()

SCHEMAS: dict[str, pa.Schema] = {
    "events": pa.schema(
        [
            ("customer_id", _STR),
            ("ts", _TS),
            ("event", _STR),
            ("session_id", _STR),
            ("channel", _STR),
            ("device", _STR),
            ("order_id", _STR),
            ("revenue", pa.float64()),
            ("source", _STR),
        ]
    ),
    "orders": pa.schema(
        [
            ("order_id", _STR),
            ("customer_id", _STR),
            ("ts", _TS),
            ("revenue", pa.float64()),
            ("channel", _STR),
            ("device", _STR),
            ("items", pa.int32()),
            ("discount", pa.float64()),
            ("returned", pa.bool_()),
            ("delivery_days", pa.float64()),
            ("country", _STR),
        ]
    ),
    "surveys": pa.schema(
        [
            ("response_id", _STR),
            ("ts", _TS),
            ("metric", _STR),
            ("score", pa.int32()),
            ("customer_id", _STR),
            ("order_id", _STR),
            ("channel", _STR),
            ("comment", _STR),
            ("lang", _STR),
            ("touchpoint", _STR),
            ("resolved", pa.bool_()),
        ]
    ),
    "feedback": pa.schema(
        [
            ("feedback_id", _STR),
            ("ts", _TS),
            ("text", _STR),
            ("customer_id", _STR),
            ("order_id", _STR),
            ("rating", pa.int32()),
            ("source", _STR),
            ("lang", _STR),
            ("channel", _STR),
            ("variant", _STR),
        ]
    ),
    "experiments": pa.schema(
        [
            ("experiment", _STR),
            ("variant", _STR),
            ("unit_id", _STR),
            ("exposed_ts", _TS),
            ("converted", pa.bool_()),
            ("revenue", pa.float64()),
            ("orders", pa.int32()),
            ("pre_revenue", pa.float64()),
        ]
    ),
    "truth_feedback_aspects": pa.schema(
        [
            ("feedback_id", _STR),
            ("aspects", pa.list_(_STR)),
            ("pii_kind", _STR),
            ("pii_value", _STR),
            ("html_fragment", _STR),
        ]
    ),
}

# Category codes shared by the sub-modules.
CHANNELS: tuple[str, ...] = ("web", "app", "marketplace", "store")
DEVICES: tuple[str, ...] = ("desktop", "mobile", "store")
COUNTRIES: tuple[str, ...] = tuple(TRUTH.customers.country_mix)
VARIANTS: tuple[str, ...] = ("en", "pl", "nl", "sk", "zh-Hans", "zh-Hant", "ar")
WEB, APP, MARKETPLACE, STORE = range(4)
DESKTOP, MOBILE, STORE_DEVICE = range(3)

# Hourly shape of activity (UTC), used to place times within a day.
_HOURLY = np.array(
    [
        0.6,
        0.4,
        0.3,
        0.25,
        0.25,
        0.35,
        0.6,
        1.0,
        1.3,
        1.5,
        1.6,
        1.6,
        1.7,
        1.6,
        1.5,
        1.5,
        1.6,
        1.8,
        2.1,
        2.4,
        2.5,
        2.2,
        1.6,
        1.0,
    ]
)


# ---------------------------------------------------------------------------------------------
# Small vectorised helpers (used by the sub-modules too)
# ---------------------------------------------------------------------------------------------


def choice_by_group(rng: np.random.Generator, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Draw one category per row from the probability row ``probs[group]``.

    Parameters
    ----------
    rng : numpy.random.Generator
    group : ndarray of int
        Row index into `probs` for every draw.
    probs : ndarray, shape (n_groups, n_categories)
        Rows sum to one.

    Returns
    -------
    ndarray of int
        Category index per row.
    """
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0 + 1e-12
    u = rng.random(len(group))
    return (u[:, None] >= cum[group]).sum(axis=1).astype(np.int64)


def group_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sums that restart at every group of consecutive rows (sizes `counts`)."""
    cs = np.cumsum(values)
    starts = np.cumsum(counts) - counts
    base = np.concatenate([[0.0], cs])[starts]
    return cs - np.repeat(base, counts)


def diurnal_seconds(rng: np.random.Generator, size: int) -> np.ndarray:
    """Seconds after midnight, distributed like :data:`_HOURLY`."""
    return _warp_day_fraction(rng.random(size)) * DAY


def _warp_day_fraction(frac: np.ndarray) -> np.ndarray:
    """Monotone map of a uniform day fraction onto the hourly activity shape."""
    cdf = np.concatenate([[0.0], np.cumsum(_HOURLY) / _HOURLY.sum()])
    return np.interp(frac, cdf, np.arange(25) / 24.0)


def warp_times(seconds: np.ndarray) -> np.ndarray:
    """Move times within their day so that the hour of day follows :data:`_HOURLY`.

    The map is monotone within a day, so the order of times is kept and no time moves by
    more than a day.
    """
    day = np.floor(seconds / DAY)
    return day * DAY + _warp_day_fraction(seconds / DAY - day) * DAY


def make_ids(prefix: str, n: int, width: int) -> pa.Array:
    """``prefix`` + zero-padded 1-based numbers, e.g. ``C00001``; width grows if needed."""
    width = max(width, len(str(n)))
    return pa.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], type=_STR)


def take(values: pa.Array | tuple[str, ...], index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """``values[index]`` as an Arrow array, null where `mask` is true."""
    arr = values if isinstance(values, pa.Array) else pa.array(list(values), type=_STR)
    idx = pa.array(np.asarray(index, dtype=np.int64), mask=mask)
    return arr.take(idx)


def ts_array(seconds: np.ndarray) -> pa.Array:
    """Whole seconds since the span start → ``timestamp[us, tz=UTC]``."""
    sec = np.asarray(seconds, dtype=np.int64)
    if sec.size and (sec.min() < 0 or sec.max() >= SPAN_SECONDS):
        raise AssertionError("timestamp outside the sample span")
    return pa.array(SPAN_START_US + sec * 1_000_000, type=_TS)


# ---------------------------------------------------------------------------------------------
# Customers and orders
# ---------------------------------------------------------------------------------------------


@dataclass
class Customers:
    """Customer attributes, indexed 0..n-1 in acquisition order (id ``C00001`` is index 0)."""

    acq: np.ndarray  # acquisition time, seconds since span start (float, unwarped)
    country: np.ndarray  # index into COUNTRIES
    variant: np.ndarray  # index into VARIANTS
    acq_channel: np.ndarray  # index into CHANNELS
    mobile: np.ndarray  # propensity to use a mobile device (web/marketplace)
    ids: pa.Array

    @property
    def n(self) -> int:
        return len(self.acq)


@dataclass
class Orders:
    """Order attributes (sorted by time; id ``O000001`` is index 0) and their follow-ups."""

    cust: np.ndarray
    ts: np.ndarray  # int seconds
    channel: np.ndarray
    device: np.ndarray
    revenue: np.ndarray
    items: np.ndarray
    discount: np.ndarray
    delivery: np.ndarray  # float days, NaN for store orders
    late: np.ndarray  # delivery_days - base >= late_threshold
    returned: np.ndarray  # return requested within the span
    return_ts: np.ndarray  # int seconds, -1 if not returned
    support_ts: np.ndarray  # int seconds, -1 if no support contact
    resolved: np.ndarray  # support contact resolved (False without a contact)
    is_first: np.ndarray
    ids: pa.Array

    @property
    def n(self) -> int:
        return len(self.ts)

    @property
    def delivered_ts(self) -> np.ndarray:
        """Delivery time (seconds; the purchase time for store orders)."""
        return self.ts + np.nan_to_num(self.delivery, nan=0.0) * DAY


def channel_mix_matrix(truth: SampleTruth = TRUTH) -> np.ndarray:
    """Acquisition channel probabilities per country, shape (countries, channels)."""
    c = truth.customers
    rows = []
    for country in COUNTRIES:
        key = "store_countries" if country in c.store_countries else "other_countries"
        rows.append([c.acquisition_channel_mix[key][ch] for ch in CHANNELS])
    return np.array(rows)


def _customers(rng: np.random.Generator, n: int, truth: SampleTruth) -> Customers:
    c = truth.customers
    days = np.arange(truth.span.days)
    dates = np.datetime64(truth.span.start[:10]) + days
    month = dates.astype("datetime64[M]").astype(np.int64) % 12
    weight = (1.0 + c.growth * days / truth.span.days) * np.asarray(c.month_factor)[month]
    day = rng.choice(truth.span.days, size=n, p=weight / weight.sum())
    acq = np.sort((day + rng.random(n)) * DAY)
    country = rng.choice(len(COUNTRIES), size=n, p=[c.country_mix[k] for k in COUNTRIES])
    lang = np.array([[c.language_mix[k].get(v, 0.0) for v in VARIANTS] for k in COUNTRIES])
    variant = choice_by_group(rng, country, lang)
    acq_channel = choice_by_group(rng, country, channel_mix_matrix(truth))
    mobile = rng.beta(*c.mobile_propensity_beta, size=n)
    return Customers(acq, country, variant, acq_channel, mobile, make_ids("C", n, 5))


def _bgnbd_repeats(
    rng: np.random.Generator, cust: Customers, truth: SampleTruth
) -> tuple[np.ndarray, np.ndarray]:
    """Repeat purchase times under BG/NBD.

    Returns the customer index of every repeat purchase and its time (seconds, unwarped).
    A customer alive for T weeks makes N ~ Poisson(λT) purchases unless she drops out; she
    drops out after repeat purchase J ~ Geometric(p). Her observed repeats are the first
    min(J, N) arrival times, i.e. the first x order statistics of N uniforms on (0, T),
    drawn as S_k / (S_x + G) with S the partial sums of x unit exponentials and
    G ~ Gamma(N + 1 − x).
    """
    o = truth.orders
    T = (SPAN_SECONDS - cust.acq) / WEEK
    lam = rng.gamma(o.bgnbd_r, 1.0 / o.bgnbd_alpha, size=cust.n)
    a = np.array([o.bgnbd_ab[ch][0] for ch in CHANNELS])[cust.acq_channel]
    b = np.array([o.bgnbd_ab[ch][1] for ch in CHANNELS])[cust.acq_channel]
    p = np.clip(rng.beta(a, b), 1e-12, 1.0)  # geometric() needs p > 0
    dropout_after = rng.geometric(p)
    arrivals = rng.poisson(lam * T)
    x = np.minimum(dropout_after, arrivals)
    who = np.repeat(np.arange(cust.n), x)
    partial = group_cumsum(rng.exponential(size=int(x.sum())), x)
    buyers = x > 0
    rest = np.zeros(cust.n)
    rest[buyers] = rng.gamma(arrivals[buyers] - x[buyers] + 1.0)
    last = np.zeros(cust.n)
    ends = np.cumsum(x)[buyers] - 1
    last[buyers] = partial[ends]
    u = partial / (last + rest)[who]
    return who, cust.acq[who] + u * T[who] * WEEK


def _orders(rng: np.random.Generator, cust: Customers, truth: SampleTruth) -> Orders:
    o = truth.orders
    r_time, r_channel, r_value, r_after = rng.spawn(4)

    who, t_rep = _bgnbd_repeats(r_time, cust, truth)
    c_idx = np.concatenate([np.arange(cust.n), who])
    t = np.concatenate([cust.acq, t_rep])
    t = warp_times(t)
    early = o.min_first_hours * 3600
    t = np.where(t < early, early + t * (DAY - early) / early, t)  # [0, 6h) -> [6h, 24h)
    ts = np.minimum(np.floor(t).astype(np.int64), SPAN_SECONDS - 1)
    is_first = np.concatenate([np.ones(cust.n, bool), np.zeros(len(who), bool)])
    order = np.lexsort((~is_first, c_idx, ts))
    c_idx, ts, is_first = c_idx[order], ts[order], is_first[order]
    n = len(ts)

    # Channel and device.
    country = cust.country[c_idx]
    fresh = choice_by_group(r_channel, country, channel_mix_matrix(truth))
    keep = is_first | (r_channel.random(n) < o.repeat_same_channel)
    channel = np.where(keep, cust.acq_channel[c_idx], fresh)
    on_mobile = r_channel.random(n) < cust.mobile[c_idx]
    device = np.where(on_mobile, MOBILE, DESKTOP)
    device = np.where(channel == APP, MOBILE, device)
    device = np.where(channel == STORE, STORE_DEVICE, device)

    # Gamma-Gamma spend: nu ~ Gamma(q, rate v) per customer, z ~ Gamma(p, rate nu).
    nu = r_value.gamma(o.gg_q, 1.0 / o.gg_v, size=cust.n)
    z = r_value.gamma(o.gg_p, 1.0 / nu[c_idx])
    revenue = np.maximum(np.round(z, 2), 0.01)
    items = 1 + r_value.poisson(revenue / o.items_per_eur)
    date = np.datetime64(truth.span.start[:10]) + ts // DAY
    month0 = (date.astype("datetime64[M]") - date.astype("datetime64[Y]")).astype(np.int64)
    dom = (date - date.astype("datetime64[M]")).astype(np.int64) + 1
    promo = ((month0 == 10) & (dom >= 20)) | ((month0 == 11) & (dom <= 2))  # 20 Nov – 2 Dec
    has_disc = r_value.random(n) < np.where(promo, o.discount_prob_promo, o.discount_prob)
    rate = np.asarray(o.discount_rates)[r_value.integers(len(o.discount_rates), size=n)]
    discount = np.where(has_disc, np.round(revenue * rate / (1 - rate), 2), 0.0)

    # Delivery, returns, support contacts.
    online = channel != STORE
    base = np.array([o.delivery_base_days[k] for k in COUNTRIES])[country]
    is_late = r_after.random(n) < o.delivery_late_share
    extra = np.where(
        is_late, 1 + r_after.poisson(o.delivery_late_mean, n), r_after.poisson(o.delivery_on_time_mean, n)
    )
    delivery = np.where(online, (base + extra).astype(float), np.nan)
    late = online & (extra >= o.late_threshold)
    delivered = ts + np.nan_to_num(delivery, nan=0.0) * DAY

    ret_rate = np.array([o.return_rate[ch] for ch in CHANNELS])[channel]
    wants_return = r_after.random(n) < ret_rate
    ret_lag = np.where(online, r_after.uniform(1, 6, n), r_after.uniform(1, 14, n)) * DAY
    return_ts = np.floor(delivered + ret_lag).astype(np.int64)
    returned = wants_return & (return_ts < SPAN_SECONDS)
    return_ts = np.where(returned, return_ts, -1)

    p_support = o.support_base + o.support_if_returned * returned + o.support_if_late * late
    contact = r_after.random(n) < p_support
    window = np.where(online, np.nan_to_num(delivery) + 8.0, 10.0)
    support_ts = np.floor(ts + r_after.uniform(0.3, 1.0, n) * window * DAY).astype(np.int64)
    contact &= support_ts < SPAN_SECONDS
    support_ts = np.where(contact, support_ts, -1)
    res_rate = np.array([o.resolution_rate[ch] for ch in CHANNELS])[channel]
    resolved = contact & (r_after.random(n) < res_rate)

    return Orders(
        c_idx,
        ts,
        channel,
        device,
        revenue,
        items,
        discount,
        delivery,
        late,
        returned,
        return_ts,
        support_ts,
        resolved,
        is_first,
        make_ids("O", n, 6),
    )


def _orders_table(orders: Orders, cust: Customers) -> pa.Table:
    cols = {
        "order_id": orders.ids,
        "customer_id": cust.ids.take(pa.array(orders.cust)),
        "ts": ts_array(orders.ts),
        "revenue": pa.array(orders.revenue, type=pa.float64()),
        "channel": take(CHANNELS, orders.channel),
        "device": take(DEVICES, orders.device),
        "items": pa.array(orders.items, type=pa.int32()),
        "discount": pa.array(orders.discount, type=pa.float64()),
        "returned": pa.array(orders.returned, type=pa.bool_()),
        "delivery_days": pa.array(orders.delivery, type=pa.float64(), from_pandas=True),
        "country": take(COUNTRIES, cust.country[orders.cust]),
    }
    return pa.table(cols, schema=SCHEMAS["orders"])


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def generate_arrow_tables(seed: int = 42, n_customers: int = 20_000) -> dict[str, pa.Table]:
    """Generate the sample shop as Arrow tables (the exact content of the Parquet files).

    Parameters
    ----------
    seed : int, default 42
        Seed of ``numpy.random.SeedSequence``; each table draws from its own child.
    n_customers : int, default 20000
        Number of customers. Experiments do not depend on it (their units are anonymous
        visitors; 40,000 + 30,000 units).

    Returns
    -------
    dict of str to pyarrow.Table
        The five contract tables and ``truth_feedback_aspects``.
    """
    from cxlib.sample import events, experiments, voc

    if n_customers < 1:
        raise ValueError(f"n_customers must be positive, got {n_customers}")
    ss = np.random.SeedSequence(seed)
    s_cust, s_orders, s_events, s_surveys, s_feedback, s_exp = ss.spawn(6)
    truth = TRUTH
    cust = _customers(np.random.default_rng(s_cust), n_customers, truth)
    orders = _orders(np.random.default_rng(s_orders), cust, truth)
    tables = {
        "events": events.events_table(np.random.default_rng(s_events), cust, orders, truth),
        "orders": _orders_table(orders, cust),
        "surveys": voc.surveys_table(np.random.default_rng(s_surveys), cust, orders, truth),
    }
    feedback, feedback_truth = voc.feedback_tables(np.random.default_rng(s_feedback), cust, orders, truth)
    tables["feedback"] = feedback
    tables["experiments"] = experiments.experiments_table(np.random.default_rng(s_exp), truth)
    tables["truth_feedback_aspects"] = feedback_truth
    for name, table in tables.items():
        if not table.schema.equals(SCHEMAS[name]):
            raise AssertionError(f"{name}: schema drifted from SCHEMAS")
    return tables


def generate_tables(seed: int = 42, n_customers: int = 20_000) -> dict[str, pd.DataFrame]:
    """Generate the sample shop in memory as pandas DataFrames.

    Same data as :func:`generate_sample` writes (timestamps ``datetime64[us, UTC]``;
    integer columns with nulls do not occur; ``delivery_days`` is float with NaN for store
    orders; ``resolved`` is a nullable boolean).

    Parameters
    ----------
    seed : int, default 42
    n_customers : int, default 20000
        Use a few thousand in tests.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``events``, ``orders``, ``surveys``, ``feedback``, ``experiments`` and
        ``truth_feedback_aspects``.

    Examples
    --------
    >>> tables = generate_tables(seed=7, n_customers=1000)  # doctest: +SKIP
    >>> sorted(tables)  # doctest: +SKIP
    ['events', 'experiments', 'feedback', 'orders', 'surveys', 'truth_feedback_aspects']
    """
    out = {}
    for name, table in generate_arrow_tables(seed, n_customers).items():
        mapper = {pa.bool_(): pd.BooleanDtype()}.get if name == "surveys" else None
        out[name] = table.to_pandas(types_mapper=mapper)
    return out


def generate_sample(out_dir: str | Path, seed: int = 42, n_customers: int = 20_000) -> dict[str, Path]:
    """Write the sample shop as Parquet files into `out_dir`.

    Files are written with pyarrow (fixed schema, zstd, no pandas metadata, no wall-clock
    values), so the same `seed` and `n_customers` give byte-identical files with the same
    pyarrow version.

    Parameters
    ----------
    out_dir : str or Path
        Directory to write into (created if missing); existing files are replaced.
    seed : int, default 42
    n_customers : int, default 20000

    Returns
    -------
    dict of str to Path
        Table name → file path: ``events``, ``orders``, ``surveys``, ``feedback``,
        ``experiments`` and ``truth_feedback_aspects``.

    Examples
    --------
    >>> paths = generate_sample("data/sample", seed=42)  # doctest: +SKIP
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, table in generate_arrow_tables(seed, n_customers).items():
        table = table.replace_schema_metadata(
            {
                "cxlib.sample.seed": str(seed),
                "cxlib.sample.n_customers": str(n_customers),
                "cxlib.sample.table": name,
            }
        )
        path = out / f"{name}.parquet"
        tmp = out / f".{name}.parquet.tmp"
        pq.write_table(
            table, tmp, compression="zstd", compression_level=9, row_group_size=1 << 20, write_statistics=True
        )
        tmp.replace(path)
        paths[name] = path
    return paths
