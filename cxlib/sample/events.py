"""Sessions and events of the sample shop (see :mod:`cxlib.sample`).

Sessions are built around the orders, so that every order has exactly one purchase event
(same ``order_id``, ``customer_id``, ``ts``, ``revenue``, ``channel``, ``device``):

* purchase session (online order): session_start, [search…], product_view…, add_to_cart,
  checkout_start, payment, purchase — the purchase event is the order;
* abandoned-cart session: like a purchase session but stops after add_to_cart,
  checkout_start or payment; K ~ Poisson(A/(1 − A)) per purchase session of the same
  (channel, device) segment, so the planted abandonment rate A holds per segment;
* browse session: session_start, [search…], product_view… (possibly none: a bounce);
* store visit: session_start, purchase (channel and device ``store``, source null);
* service session: session_start, return_request or support_contact, at the time of the
  return request or support contact of an order (its channel and device).

Non-buying sessions fall within 21 days before (60 %) or 45 days after their anchor
purchase. The marketing ``source`` of each online session is drawn by Bayes' rule from the
planted source shares and per-source conversion rates
(:class:`cxlib.sample.truth.EventTruth`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from cxlib.sample.generate import (
    APP,
    CHANNELS,
    DAY,
    DESKTOP,
    DEVICES,
    MARKETPLACE,
    MOBILE,
    SCHEMAS,
    SPAN_SECONDS,
    STORE,
    WEB,
    group_cumsum,
    make_ids,
    take,
    ts_array,
)

if TYPE_CHECKING:
    from cxlib.sample.generate import Customers, Orders
    from cxlib.sample.truth import SampleTruth

__all__ = ["EVENT_NAMES", "SOURCES", "events_table"]

EVENT_NAMES: tuple[str, ...] = (
    "session_start",
    "search",
    "product_view",
    "add_to_cart",
    "checkout_start",
    "payment",
    "purchase",
    "return_request",
    "support_contact",
)
(
    SESSION_START,
    SEARCH,
    PRODUCT_VIEW,
    ADD_TO_CART,
    CHECKOUT_START,
    PAYMENT,
    PURCHASE,
    RETURN_REQUEST,
    SUPPORT_CONTACT,
) = range(len(EVENT_NAMES))

SOURCES: tuple[str, ...] = ("direct", "organic_search", "paid_search", "email", "social", "affiliate")

# Session kinds.
BUY, ABANDON, BROWSE, STORE_VISIT, RETURN, SUPPORT = range(6)

#: (channel, device) segments of online sessions, keyed like EventTruth.cart_abandonment.
SEGMENTS: dict[tuple[int, int], str] = {
    (WEB, DESKTOP): "web/desktop",
    (WEB, MOBILE): "web/mobile",
    (APP, MOBILE): "app/mobile",
    (MARKETPLACE, DESKTOP): "marketplace/desktop",
    (MARKETPLACE, MOBILE): "marketplace/mobile",
}


def _abandonment_odds(orders: Orders, idx: np.ndarray, truth: SampleTruth) -> np.ndarray:
    """A/(1 − A) of the (channel, device) segment of orders `idx`."""
    odds = np.zeros(len(idx))
    for (ch, dev), key in SEGMENTS.items():
        a = truth.events.cart_abandonment[key]
        hit = (orders.channel[idx] == ch) & (orders.device[idx] == dev)
        odds[hit] = a / (1.0 - a)
    return odds


def _compose(rng: np.random.Generator, kind: np.ndarray, truth: SampleTruth) -> np.ndarray:
    """Event counts per session, shape (sessions, len(EVENT_NAMES)), in event order."""
    e = truth.events
    n = len(kind)
    counts = np.zeros((n, len(EVENT_NAMES)), dtype=np.int64)
    counts[:, SESSION_START] = 1
    shopping = np.isin(kind, (BUY, ABANDON, BROWSE))
    has_search = shopping & (rng.random(n) < e.search_prob)
    counts[:, SEARCH] = has_search * (1 + rng.poisson(0.3, n))
    views = np.select(
        [kind == BUY, kind == ABANDON, kind == BROWSE],
        [
            1 + rng.poisson(e.views_purchase, n),
            1 + rng.poisson(e.views_abandoned, n),
            rng.poisson(e.views_browse, n),
        ],
        0,
    )
    counts[:, PRODUCT_VIEW] = views
    stages = list(e.abandon_stage.values())
    stage = rng.choice(len(stages), size=n, p=stages)  # 0 cart, 1 checkout, 2 payment
    counts[:, ADD_TO_CART] = (kind == BUY) | (kind == ABANDON)
    counts[:, CHECKOUT_START] = (kind == BUY) | ((kind == ABANDON) & (stage >= 1))
    counts[:, PAYMENT] = (kind == BUY) | ((kind == ABANDON) & (stage >= 2))
    counts[:, PURCHASE] = (kind == BUY) | (kind == STORE_VISIT)
    counts[:, RETURN_REQUEST] = kind == RETURN
    counts[:, SUPPORT_CONTACT] = kind == SUPPORT
    return counts


def _source_probs(truth: SampleTruth) -> tuple[np.ndarray, np.ndarray]:
    """P(source | purchase session) and P(source | non-buying online session)."""
    e = truth.events
    share = np.array([e.source_share[s] for s in SOURCES])
    conv = np.array([e.source_conversion[s] for s in SOURCES])
    c = float(share @ conv)
    return share * conv / c, share * (1.0 - conv) / (1.0 - c)


def events_table(rng: np.random.Generator, cust: Customers, orders: Orders, truth: SampleTruth) -> pa.Table:
    """Build the ``events`` table.

    Parameters
    ----------
    rng : numpy.random.Generator
        The events' own generator.
    cust, orders : Customers, Orders
        From :mod:`cxlib.sample`.
    truth : SampleTruth

    Returns
    -------
    pyarrow.Table
        With schema ``SCHEMAS["events"]``, sorted by customer, time and session.
    """
    e = truth.events
    r_count, r_comp, r_time, r_src = rng.spawn(4)

    online = orders.channel != STORE
    buy = np.flatnonzero(online)
    store = np.flatnonzero(~online)
    ret = np.flatnonzero(orders.returned)
    sup = np.flatnonzero(orders.support_ts >= 0)

    # How many non-buying sessions hang off each purchase session.
    k_abandon = r_count.poisson(_abandonment_odds(orders, buy, truth))
    n_service_online = int(online[ret].sum() + online[sup].sum())
    c = e.session_conversion
    browse_total = len(buy) * (1.0 - c) / c - k_abandon.sum() - n_service_online
    k_browse = r_count.poisson(max(browse_total, 0.0) / max(len(buy), 1), len(buy))

    anchor = np.concatenate([buy, np.repeat(buy, k_abandon), np.repeat(buy, k_browse), store, ret, sup])
    kind = np.concatenate(
        [
            np.full(len(buy), BUY),
            np.full(k_abandon.sum(), ABANDON),
            np.full(k_browse.sum(), BROWSE),
            np.full(len(store), STORE_VISIT),
            np.full(len(ret), RETURN),
            np.full(len(sup), SUPPORT),
        ]
    )
    anchor_ts = np.concatenate(
        [
            orders.ts[buy],
            orders.ts[np.repeat(buy, k_abandon)],
            orders.ts[np.repeat(buy, k_browse)],
            orders.ts[store],
            orders.return_ts[ret],
            orders.support_ts[sup],
        ]
    ).astype(np.int64)
    n_sess = len(kind)

    # Events per session and their offsets from the session start.
    counts = _compose(r_comp, kind, truth)
    per_session = counts.sum(axis=1)
    ev_type = np.repeat(np.tile(np.arange(len(EVENT_NAMES)), n_sess), counts.ravel())
    ev_sess = np.repeat(np.arange(n_sess), per_session)
    gaps = np.minimum(5.0 + r_time.exponential(e.gap_mean_seconds, len(ev_type)), 600.0)
    gaps = np.round(gaps).astype(np.int64)
    first = np.cumsum(per_session) - per_session
    gaps[first] = 0
    offset = group_cumsum(gaps, per_session).astype(np.int64)
    duration = offset[first + per_session - 1]

    # Session starts: anchored sessions end at their anchor; the others are placed around it.
    start = anchor_ts - duration
    free = (kind == ABANDON) | (kind == BROWSE)
    lo_before = np.maximum(0, anchor_ts - 21 * DAY)
    hi_before = anchor_ts - duration - 60
    lo_after = anchor_ts + 3600
    hi_after = np.minimum(SPAN_SECONDS - 1, anchor_ts + 45 * DAY) - duration
    before = r_time.random(n_sess) < e.before_purchase_share
    before = np.where(hi_before <= lo_before, False, np.where(hi_after <= lo_after, True, before))
    lo = np.where(before, lo_before, lo_after)
    hi = np.where(before, hi_before, hi_after)
    placed = lo + np.floor(r_time.random(n_sess) * (hi - lo)).astype(np.int64)
    start = np.where(free, placed, start)
    ts = start[ev_sess] + offset

    # Marketing source of online sessions (store sessions: null).
    p_buy, p_other = _source_probs(truth)
    sess_channel = orders.channel[anchor]
    src = np.where(
        kind == BUY,
        r_src.choice(len(SOURCES), size=n_sess, p=p_buy),
        r_src.choice(len(SOURCES), size=n_sess, p=p_other),
    )
    no_source = sess_channel == STORE

    # Order sessions by customer and start; number them; order events.
    sess_cust = orders.cust[anchor]
    sess_order = np.lexsort((kind, start, sess_cust))
    rank = np.empty(n_sess, dtype=np.int64)
    rank[sess_order] = np.arange(n_sess)
    pos = np.arange(len(ev_type)) - np.repeat(first, per_session)
    ev_order = np.lexsort((pos, rank[ev_sess], ts, sess_cust[ev_sess]))
    ev_type, ev_sess, ts = ev_type[ev_order], ev_sess[ev_order], ts[ev_order]
    ev_anchor = anchor[ev_sess]
    is_purchase = ev_type == PURCHASE

    session_ids = make_ids("S", n_sess, 7)
    cols = {
        "customer_id": cust.ids.take(pa.array(orders.cust[ev_anchor])),
        "ts": ts_array(ts),
        "event": take(EVENT_NAMES, ev_type),
        "session_id": session_ids.take(pa.array(rank[ev_sess])),
        "channel": take(CHANNELS, orders.channel[ev_anchor]),
        "device": take(DEVICES, orders.device[ev_anchor]),
        "order_id": orders.ids.take(pa.array(ev_anchor, mask=~is_purchase)),
        "revenue": pa.array(orders.revenue[ev_anchor], type=pa.float64(), mask=~is_purchase),
        "source": take(SOURCES, src[ev_sess], mask=no_source[ev_sess]),
    }
    return pa.table(cols, schema=SCHEMAS["events"])
