"""Surveys and free-text feedback of the sample shop (see :mod:`cxlib.sample`).

Both tables are driven by the orders' experience (delivery days, lateness, returns,
support contacts and their resolution), with the latent models and rates of
:class:`cxlib.sample.truth.SurveyTruth` and :class:`~cxlib.sample.truth.FeedbackTruth`.
Texts come from :mod:`cxlib.sample.texts`; PII and HTML fragments are planted here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from cxlib.sample import texts as sample_texts
from cxlib.sample.generate import (
    CHANNELS,
    COUNTRIES,
    DAY,
    MOBILE,
    SCHEMAS,
    SPAN_SECONDS,
    STORE,
    VARIANTS,
    make_ids,
    take,
    ts_array,
)
from cxlib.sample.truth import nps_latent_mean

if TYPE_CHECKING:
    from cxlib.sample.generate import Customers, Orders
    from cxlib.sample.truth import SampleTruth

__all__ = ["feedback_tables", "surveys_table"]

METRICS: tuple[str, ...] = ("nps", "csat", "ces")
TOUCHPOINTS: tuple[str, ...] = ("delivery", "support", "checkout", "return")
FEEDBACK_SOURCES: tuple[str, ...] = ("review", "ticket", "chat", "social")
LANGS: tuple[str, ...] = tuple(sample_texts.iso_lang(v) for v in VARIANTS)


def _effect(mapping: Mapping[str, float], channel: np.ndarray) -> np.ndarray:
    """Per-row channel effect from a {channel name: effect} mapping (0 if absent)."""
    table = np.array([mapping.get(ch, 0.0) for ch in CHANNELS])
    return table[channel]


def _clip_round(latent: np.ndarray, low: int, high: int) -> np.ndarray:
    return np.clip(np.rint(latent), low, high).astype(np.int64)


def _sentiment(metric: str, score: int) -> str:
    """Sentiment of a survey score (CES: lower is better)."""
    if metric == "nps":
        return "neg" if score <= 6 else "neu" if score <= 8 else "pos"
    if metric == "csat":
        return "neg" if score <= 2 else "neu" if score == 3 else "pos"
    return "pos" if score <= 2 else "neu" if score <= 4 else "neg"


# ---------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------


def surveys_table(rng: np.random.Generator, cust: Customers, orders: Orders, truth: SampleTruth) -> pa.Table:
    """Build the ``surveys`` table (NPS after delivery, CSAT after support, CES).

    Extra columns beyond the contract: ``touchpoint`` (delivery, support, checkout, return)
    and ``resolved`` (CSAT rows: whether the support contact was resolved; null otherwise).
    """
    s = truth.surveys
    r_pick, r_score, r_text = rng.spawn(3)
    n = orders.n
    online = orders.channel != STORE
    days0 = np.nan_to_num(orders.delivery, nan=0.0)
    names = np.asarray(CHANNELS)[orders.channel]

    # NPS after delivery.
    p_nps = np.where(online, s.nps_response["online"], s.nps_response["store"])
    lag = np.where(online, r_pick.uniform(3, 10, n), r_pick.uniform(1, 4, n))
    nps_ts = np.floor(orders.delivered_ts + lag * DAY).astype(np.int64)
    nps_take = (r_pick.random(n) < p_nps) & (nps_ts < SPAN_SECONDS)
    nps_latent = nps_latent_mean(days0, orders.returned, names) + s.nps_sigma * r_score.standard_normal(n)
    nps_score = _clip_round(nps_latent, 0, 10)

    # CSAT after a support contact.
    contact = orders.support_ts >= 0
    csat_ts = orders.support_ts + np.floor(r_pick.uniform(0.1, 3.0, n) * DAY).astype(np.int64)
    csat_take = contact & (r_pick.random(n) < s.csat_response) & (csat_ts < SPAN_SECONDS)
    csat_latent = (
        s.csat_intercept
        + s.csat_resolved * orders.resolved
        + s.csat_returned * orders.returned
        + _effect(s.csat_channel, orders.channel)
        + s.csat_sigma * r_score.standard_normal(n)
    )
    csat_score = _clip_round(csat_latent, 1, 5)

    # CES after checkout (online orders) and after a return request.
    chk_ts = orders.ts + np.floor(r_pick.uniform(120, 3 * 3600, n)).astype(np.int64)
    chk_take = online & (r_pick.random(n) < s.ces_checkout_response) & (chk_ts < SPAN_SECONDS)
    chk_latent = (
        s.ces_checkout_intercept
        + s.ces_checkout_mobile * (orders.device == MOBILE)
        + _effect(s.ces_checkout_channel, orders.channel)
        + s.ces_sigma * r_score.standard_normal(n)
    )
    ret_ts = orders.return_ts + np.floor(r_pick.uniform(1, 5, n) * DAY).astype(np.int64)
    ret_take = orders.returned & (r_pick.random(n) < s.ces_return_response) & (ret_ts < SPAN_SECONDS)
    ret_latent = (
        s.ces_return_intercept
        + _effect(s.ces_return_channel, orders.channel)
        + s.ces_sigma * r_score.standard_normal(n)
    )

    blocks = [  # (metric, touchpoint, take, ts, score)
        (0, 0, nps_take, nps_ts, nps_score),
        (1, 1, csat_take, csat_ts, csat_score),
        (2, 2, chk_take, chk_ts, _clip_round(chk_latent, 1, 7)),
        (2, 3, ret_take, ret_ts, _clip_round(ret_latent, 1, 7)),
    ]
    order_idx = np.concatenate([np.flatnonzero(b[2]) for b in blocks])
    metric = np.concatenate([np.full(b[2].sum(), b[0]) for b in blocks])
    touch = np.concatenate([np.full(b[2].sum(), b[1]) for b in blocks])
    ts = np.concatenate([b[3][b[2]] for b in blocks])
    score = np.concatenate([b[4][b[2]] for b in blocks])
    sort = np.lexsort((order_idx, touch, ts))
    order_idx, metric, touch, ts, score = order_idx[sort], metric[sort], touch[sort], ts[sort], score[sort]
    m = len(ts)

    # Comments.
    variant = cust.variant[orders.cust[order_idx]]
    comments: list[str | None] = [None] * m
    p_comment = r_text.random(m)
    for i in range(m):
        name = METRICS[metric[i]]
        sentiment = _sentiment(name, int(score[i]))
        if p_comment[i] >= s.comment_prob[sentiment]:
            continue
        aspects = _survey_aspects(TOUCHPOINTS[touch[i]], sentiment, orders, int(order_idx[i]))
        comments[i], _ = sample_texts.survey_comment(r_text, VARIANTS[variant[i]], sentiment, aspects)

    is_csat = metric == 1
    cols = {
        "response_id": make_ids("R", m, 6),
        "ts": ts_array(ts),
        "metric": take(METRICS, metric),
        "score": pa.array(score, type=pa.int32()),
        "customer_id": cust.ids.take(pa.array(orders.cust[order_idx])),
        "order_id": orders.ids.take(pa.array(order_idx)),
        "channel": take(CHANNELS, orders.channel[order_idx]),
        "comment": pa.array(comments, type=pa.string()),
        "lang": take(LANGS, variant),
        "touchpoint": take(TOUCHPOINTS, touch),
        "resolved": pa.array(orders.resolved[order_idx], type=pa.bool_(), mask=~is_csat),
    }
    return pa.table(cols, schema=SCHEMAS["surveys"])


def _survey_aspects(touchpoint: str, sentiment: str, orders: Orders, i: int) -> tuple[str, ...] | None:
    """Aspects a survey comment talks about, from the order's experience."""
    if touchpoint == "support":
        return ("service", "returns") if orders.returned[i] else ("service",)
    if touchpoint == "checkout":
        return ("checkout",)
    if touchpoint == "return":
        return ("returns",)
    if sentiment == "pos":
        return None
    drivers = tuple(a for a, hit in (("delivery", orders.late[i]), ("returns", orders.returned[i])) if hit)
    return drivers or None


# ---------------------------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------------------------


def _count_before(keys_cust: np.ndarray, keys_ts: np.ndarray, cust: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """For each (cust, ts), how many (keys_cust, keys_ts) of the same customer are earlier."""
    keys = np.sort(keys_cust.astype(np.int64) * SPAN_SECONDS + keys_ts.astype(np.int64))
    q = cust.astype(np.int64) * SPAN_SECONDS
    return np.searchsorted(keys, q + ts) - np.searchsorted(keys, q)


def feedback_tables(
    rng: np.random.Generator, cust: Customers, orders: Orders, truth: SampleTruth
) -> tuple[pa.Table, pa.Table]:
    """Build the ``feedback`` table and its ground truth ``truth_feedback_aspects``.

    Returns
    -------
    feedback : pyarrow.Table
        Contract columns plus ``order_id`` (the order a review, ticket or chat is about;
        null for social posts) and ``variant`` (en, pl, nl, sk, zh-Hans, zh-Hant, ar).
    truth : pyarrow.Table
        One row per feedback_id: the aspects the text mentions, the planted PII (kind and
        exact string) and the planted HTML fragment (null where none).
    """
    f = truth.feedback
    r_pick, r_rate, r_text, r_pii = rng.spawn(4)
    n = orders.n
    online = orders.channel != STORE
    days0 = np.nan_to_num(orders.delivery, nan=0.0)

    # Reviews of orders.
    rev_ts = np.floor(orders.delivered_ts + r_pick.uniform(2, 20, n) * DAY).astype(np.int64)
    rev_take = (r_pick.random(n) < np.where(online, f.review_prob_online, f.review_prob_store)) & (
        rev_ts < SPAN_SECONDS
    )
    rev_latent = (
        f.review_intercept
        + f.review_delivery_day * days0
        + f.review_returned * orders.returned
        + _effect(f.review_channel, orders.channel)
        + f.review_sigma * r_rate.standard_normal(n)
    )

    # Tickets and chats at support contacts.
    con_ts = orders.support_ts + np.floor(r_pick.uniform(0, 1800, n)).astype(np.int64)
    con_take = (orders.support_ts >= 0) & (r_pick.random(n) < f.contact_text_prob) & (con_ts < SPAN_SECONDS)
    con_source = np.where(r_pick.random(n) < f.ticket_share, 1, 2)
    con_latent = (
        f.contact_intercept
        + f.contact_resolved * orders.resolved
        + f.contact_returned * orders.returned
        + f.contact_delivery_day * days0
        + f.contact_sigma * r_rate.standard_normal(n)
    )

    # Social posts by customers.
    n_social = int(r_pick.binomial(cust.n, f.social_per_customer))
    soc_cust = np.sort(r_pick.choice(cust.n, size=n_social, replace=False))
    acq = np.ceil(cust.acq[soc_cust]).astype(np.int64)
    soc_ts = acq + np.floor(r_pick.random(n_social) * (SPAN_SECONDS - 1 - acq)).astype(np.int64)
    ret = orders.returned
    any_ret = _count_before(orders.cust[ret], orders.return_ts[ret], soc_cust, soc_ts) > 0
    late = orders.late
    any_late = _count_before(orders.cust[late], orders.delivered_ts[late], soc_cust, soc_ts) > 0
    soc_latent = (
        f.social_intercept
        + f.social_any_returned * any_ret
        + f.social_any_late * any_late
        + f.social_sigma * r_rate.standard_normal(n_social)
    )

    # One frame: order index (-1 for social), customer, ts, source, rating.
    rev_i, con_i = np.flatnonzero(rev_take), np.flatnonzero(con_take)
    order_idx = np.concatenate([rev_i, con_i, np.full(n_social, -1)])
    cust_idx = np.concatenate([orders.cust[rev_i], orders.cust[con_i], soc_cust])
    ts = np.concatenate([rev_ts[rev_i], con_ts[con_i], soc_ts])
    source = np.concatenate([np.zeros(len(rev_i), np.int64), con_source[con_i], np.full(n_social, 3)])
    rating = _clip_round(np.concatenate([rev_latent[rev_i], con_latent[con_i], soc_latent]), 1, 5)
    channel = np.concatenate([orders.channel[rev_i], orders.channel[con_i], cust.acq_channel[soc_cust]])
    sort = np.lexsort((cust_idx, source, ts))
    order_idx, cust_idx, ts, source, rating, channel = (
        a[sort] for a in (order_idx, cust_idx, ts, source, rating, channel)
    )
    m = len(ts)
    ids = make_ids("F", m, 6)

    # Texts, then the planted PII and HTML.
    variant = cust.variant[cust_idx]
    texts: list[str] = []
    mentioned: list[list[str]] = []
    pii_kind: list[str | None] = [None] * m
    pii_value: list[str | None] = [None] * m
    html: list[str | None] = [None] * m
    html_ids = {fid: k for k, fid in enumerate(f.html_ids)}
    id_list = ids.to_pylist()
    extra_aspects = ("quality", "price", "website", "checkout")
    u_extra = r_text.random(m)
    for i in range(m):
        aspects = _feedback_aspects(
            FEEDBACK_SOURCES[source[i]], orders, int(order_idx[i]), u_extra[i], extra_aspects
        )
        text, got = sample_texts.feedback_text(r_text, VARIANTS[variant[i]], int(rating[i]), aspects)
        number = i + 1
        if f.pii_feedback_number(number):
            kind = f.pii_kind(number)
            value = _pii_value(r_pii, kind, VARIANTS[variant[i]], COUNTRIES[cust.country[cust_idx[i]]])
            text = _append(text, _pii_phrase(r_pii, VARIANTS[variant[i]], kind, value), VARIANTS[variant[i]])
            pii_kind[i], pii_value[i] = kind, value
        k = html_ids.get(id_list[i])
        if k is not None:
            fragment = f.html_fragments[k % len(f.html_fragments)]
            text = f"{fragment} {text}" if k % 2 else f"{text} {fragment}"
            html[i] = fragment
        texts.append(text)
        mentioned.append(list(got))

    feedback = pa.table(
        {
            "feedback_id": ids,
            "ts": ts_array(ts),
            "text": pa.array(texts, type=pa.string()),
            "customer_id": cust.ids.take(pa.array(cust_idx)),
            "order_id": orders.ids.take(pa.array(np.maximum(order_idx, 0), mask=order_idx < 0)),
            "rating": pa.array(rating, type=pa.int32()),
            "source": take(FEEDBACK_SOURCES, source),
            "lang": take(LANGS, variant),
            "channel": take(CHANNELS, channel),
            "variant": take(VARIANTS, variant),
        },
        schema=SCHEMAS["feedback"],
    )
    truth_table = pa.table(
        {
            "feedback_id": ids,
            "aspects": pa.array(mentioned, type=pa.list_(pa.string())),
            "pii_kind": pa.array(pii_kind, type=pa.string()),
            "pii_value": pa.array(pii_value, type=pa.string()),
            "html_fragment": pa.array(html, type=pa.string()),
        },
        schema=SCHEMAS["truth_feedback_aspects"],
    )
    return feedback, truth_table


def _feedback_aspects(
    source: str, orders: Orders, i: int, u: float, extra: Sequence[str]
) -> tuple[str, ...] | None:
    """Aspects a feedback text talks about: the order's problems plus, often, one more."""
    if source == "social":
        return None
    found: list[str] = []
    if source in ("ticket", "chat"):
        found.append("service")
    if orders.late[i]:
        found.append("delivery")
    if orders.returned[i]:
        found.append("returns")
    if source == "review" and u < 0.6:
        found.append(extra[int(u / 0.15)])
    return tuple(found[:3]) or None


# ---------------------------------------------------------------------------------------------
# Planted PII
# ---------------------------------------------------------------------------------------------

_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("john", "smith"), ("emma", "jones"), ("oliver", "taylor"), ("amelia", "brown")),
    "pl": (("jan", "kowalski"), ("anna", "nowak"), ("piotr", "wisniewski"), ("kasia", "wojcik")),
    "nl": (("jan", "devries"), ("sanne", "jansen"), ("daan", "bakker"), ("lotte", "visser")),
    "sk": (("peter", "horvath"), ("jana", "kovacova"), ("martin", "varga"), ("zuzana", "toth")),
    "zh-Hans": (("wang", "wei"), ("li", "na"), ("zhang", "min"), ("liu", "yang")),
    "zh-Hant": (("chen", "mei"), ("lin", "jie"), ("huang", "ting"), ("wu", "hao")),
    "ar": (("ahmed", "hassan"), ("fatima", "ali"), ("omar", "khalid"), ("layla", "salem")),
}

# Phone formats by country; "#" is a random digit.
_PHONES: dict[str, tuple[str, ...]] = {
    "PL": ("+48 6## ### ###", "+48 5##-###-###", "7## ### ###"),
    "NL": ("+31 6 ########", "06-########", "(020) ### ####"),
    "SK": ("+421 9## ### ###", "09## ### ###"),
    "CZ": ("+420 6## ### ###", "+420 7## ### ###"),
    "DE": ("+49 151 ########", "(030) #######"),
    "GB": ("+44 7700 900###", "(020) 7946 0###", "07700 900###"),
    "CN": ("+86 13# #### ####", "138-####-####"),
    "TW": ("+886 9## ### ###", "09##-###-###"),
    "AE": ("+971 50 ### ####", "050 ### ####"),
    "SA": ("+966 5# ### ####", "05# ### ####"),
}

_LEAD_INS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "email": ("Contact me at {}", "My email: {}", "Please write to {}"),
        "phone": ("Call me on {}", "My number is {}", "Phone: {}"),
    },
    "pl": {"email": ("Proszę o kontakt: {}", "Mój e-mail: {}"), "phone": ("Tel. {}", "Proszę dzwonić: {}")},
    "nl": {"email": ("Mijn e-mail: {}", "Mail me op {}"), "phone": ("Bel me op {}", "Tel: {}")},
    "sk": {"email": ("Môj e-mail: {}", "Kontaktujte ma: {}"), "phone": ("Tel.: {}", "Volajte na {}")},
    "zh-Hans": {"email": ("我的邮箱：{}", "请联系：{}"), "phone": ("电话：{}", "请打我手机{}")},
    "zh-Hant": {"email": ("我的信箱：{}", "請聯絡：{}"), "phone": ("電話：{}", "請打我手機{}")},
    "ar": {"email": ("بريدي الإلكتروني: {}", "راسلوني على {}"), "phone": ("رقمي: {}", "اتصلوا بي على {}")},
}


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _pii_value(rng: np.random.Generator, kind: str, variant: str, country: str) -> str:
    """Draw an e-mail address (reserved example domains) or a phone number in a local format."""
    if kind == "email":
        first, last = _NAMES[variant][int(rng.integers(len(_NAMES[variant])))]
        domain = _pick(rng, ("example.com", "example.org", "example.net", "mail.example.com"))
        style = int(rng.integers(4))
        if style == 0:
            return f"{first}.{last}@{domain}"
        if style == 1:
            return f"{first}{last}{int(rng.integers(10, 99))}@{domain}"
        if style == 2:
            return f"{first[0]}.{last}@{domain}"
        return f"{first}_{last}@{domain}".upper()
    fmt = _pick(rng, _PHONES[country])
    digits = iter(str(int(d)) for d in rng.integers(0, 10, size=fmt.count("#")))
    return "".join(next(digits) if ch == "#" else ch for ch in fmt)


def _pii_phrase(rng: np.random.Generator, variant: str, kind: str, value: str) -> str:
    return _pick(rng, _LEAD_INS[variant][kind]).format(value)


def _append(text: str, phrase: str, variant: str) -> str:
    sep = "" if variant.startswith("zh") else " "
    return f"{text}{sep}{phrase}"
