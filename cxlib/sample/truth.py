"""The planted truths of the sample shop (:mod:`cxlib.sample`).

Every parameter the generator draws from lives here, in one frozen object, :data:`TRUTH`,
so that tests, notebooks and the README can compare what an analysis recovers with what was
planted. The helpers at the bottom turn the latent-scale survey models into the expected
observed scores (the 0–10, 1–5 and 1–7 scales are rounded and clipped latent normals).

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://www.brucehardie.com/notes/025/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from scipy import special, stats

__all__ = [
    "TRUTH",
    "SampleTruth",
    "bgnbd_expected_repeats",
    "bgnbd_p_no_repeat",
    "expected_clipped_score",
    "expected_conversion",
    "expected_nps",
    "nps_latent_mean",
    "score_probabilities",
]


def _ro(mapping: Mapping) -> Mapping:
    """Read-only view of a (nested) mapping."""
    return MappingProxyType({k: _ro(v) if isinstance(v, Mapping) else v for k, v in mapping.items()})


# ---------------------------------------------------------------------------------------------
# Parameter groups
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpanTruth:
    """The fixed two-year window every timestamp falls in (UTC, inclusive)."""

    start: str = "2024-11-01T00:00:00+00:00"
    end: str = "2026-10-31T23:59:59+00:00"
    days: int = 730


@dataclass(frozen=True)
class CustomerTruth:
    """Who the customers are and where they come from.

    Acquisition dates follow a growing trend (weight 1 at the start, ``1 + growth`` at the
    end) times a seasonal factor per calendar month (Black Friday/Christmas peak).
    """

    country_mix: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "PL": 0.30,
                "NL": 0.14,
                "SK": 0.07,
                "CZ": 0.07,
                "DE": 0.10,
                "GB": 0.10,
                "CN": 0.07,
                "TW": 0.04,
                "AE": 0.05,
                "SA": 0.06,
            }
        )
    )
    #: Language variant of each customer's texts, by country (share of customers).
    #: CZ customers write Slovak or English (no Czech text bank); DE customers write English.
    language_mix: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: _ro(
            {
                "PL": {"pl": 0.92, "en": 0.08},
                "NL": {"nl": 0.85, "en": 0.15},
                "SK": {"sk": 0.90, "en": 0.10},
                "CZ": {"sk": 0.55, "en": 0.45},
                "DE": {"en": 1.0},
                "GB": {"en": 1.0},
                "CN": {"zh-Hans": 0.95, "en": 0.05},
                "TW": {"zh-Hant": 0.95, "en": 0.05},
                "AE": {"ar": 0.60, "en": 0.40},
                "SA": {"ar": 0.85, "en": 0.15},
            }
        )
    )
    #: Acquisition (first-order) channel mix; the shop has stores only in PL and NL.
    acquisition_channel_mix: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: _ro(
            {
                "store_countries": {"web": 0.42, "app": 0.20, "marketplace": 0.23, "store": 0.15},
                "other_countries": {"web": 0.50, "app": 0.22, "marketplace": 0.28, "store": 0.0},
            }
        )
    )
    store_countries: tuple[str, ...] = ("PL", "NL")
    growth: float = 0.6
    #: Seasonal acquisition factor per calendar month (1 = January).
    month_factor: tuple[float, ...] = (0.85, 0.85, 0.95, 1.0, 1.0, 0.9, 0.9, 0.9, 1.0, 1.05, 1.6, 1.5)
    #: Share of web/marketplace orders placed on a mobile device ~ Beta(a, b) per customer.
    mobile_propensity_beta: tuple[float, float] = (2.2, 1.8)


@dataclass(frozen=True)
class OrderTruth:
    """The purchase process (BG/NBD), spend (Gamma-Gamma) and order attributes.

    Time unit of the BG/NBD parameters: weeks. Each customer's first order is the
    acquisition; repeat orders follow BG/NBD exactly as in Fader, Hardie & Lee (2005):
    while alive, repeat purchases arrive as a Poisson process with rate λ ~ Gamma(r, α)
    (shape r, rate α); after each *repeat* purchase the customer drops out with probability
    p ~ Beta(a, b). (As in BG/NBD, nobody drops out at time 0, so a customer without a
    repeat is alive.) ``(a, b)`` depend on the acquisition channel.

    Spend per order follows the Gamma-Gamma model: per customer ν ~ Gamma(q, rate v), order
    value z ~ Gamma(p, rate ν); E[z] = p·v/(q − 1) over customers.
    """

    bgnbd_r: float = 0.24
    bgnbd_alpha: float = 9.0
    bgnbd_ab: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: _ro(
            {
                "web": (0.60, 2.40),
                "app": (0.50, 3.50),
                "marketplace": (1.20, 1.80),
                "store": (0.70, 2.80),
            }
        )
    )
    #: A repeat order uses the acquisition channel with this probability, else a fresh draw
    #: from the country's channel mix.
    repeat_same_channel: float = 0.70
    gg_p: float = 6.0
    gg_q: float = 4.0
    gg_v: float = 32.5
    #: No order in the first hours of the span (room for its session): times in [0, 6 h) are
    #: stretched onto [6 h, 24 h) of the first day.
    min_first_hours: float = 6.0
    #: items = 1 + Poisson(revenue / items_per_eur).
    items_per_eur: float = 50.0
    #: Probability an order carries a discount (promo weeks: 20 Nov–2 Dec have the higher).
    discount_prob: float = 0.25
    discount_prob_promo: float = 0.70
    #: Discount rates drawn uniformly from these; discount = revenue·d/(1 − d) (revenue is net).
    discount_rates: tuple[float, ...] = (0.05, 0.10, 0.15, 0.20)
    #: Promised delivery days by country; actual = base + extra (null for store orders).
    delivery_base_days: Mapping[str, int] = field(
        default_factory=lambda: _ro(
            {
                "PL": 1,
                "CZ": 2,
                "SK": 2,
                "DE": 2,
                "NL": 2,
                "GB": 3,
                "AE": 4,
                "SA": 4,
                "CN": 6,
                "TW": 6,
            }
        )
    )
    #: extra ~ Poisson(on_time_mean) with prob 1 − late_share, else 1 + Poisson(late_mean).
    delivery_late_share: float = 0.22
    delivery_on_time_mean: float = 0.4
    delivery_late_mean: float = 2.0
    #: An order is "late" when delivery_days − base ≥ this (used by support contacts/aspects).
    late_threshold: int = 2
    #: Return probability by order channel (returns requested 1–6 days after delivery, or
    #: 1–14 days after a store purchase; a return that would fall after the span end is not
    #: in the data, so recent orders show fewer returns).
    return_rate: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web": 0.10,
                "app": 0.08,
                "marketplace": 0.14,
                "store": 0.05,
            }
        )
    )
    #: P(support contact) = base + returned·+0.20 + late·+0.10.
    support_base: float = 0.04
    support_if_returned: float = 0.20
    support_if_late: float = 0.10
    #: Share of support contacts resolved, by order channel.
    resolution_rate: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web": 0.75,
                "app": 0.80,
                "marketplace": 0.60,
                "store": 0.85,
            }
        )
    )


@dataclass(frozen=True)
class EventTruth:
    """Sessions and events.

    Every online order has one purchase session; every purchase session of segment
    (channel, device) brings K ~ Poisson(A/(1 − A)) abandoned-cart sessions of the same
    segment, so that the share of cart sessions without a purchase is A. Browse-only
    sessions are added so that the overall online session conversion equals
    Σ source_share·source_conversion. Sources are then assigned by Bayes' rule, so the
    conversion rate of a session from source s is ``source_conversion[s]``. Store visits
    and store service events have source null.
    """

    #: Planted cart abandonment (sessions with add_to_cart but no purchase / sessions with
    #: add_to_cart) per (channel, device).
    cart_abandonment: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web/desktop": 0.64,
                "web/mobile": 0.77,
                "app/mobile": 0.62,
                "marketplace/desktop": 0.60,
                "marketplace/mobile": 0.72,
            }
        )
    )
    #: Share of online sessions by marketing source.
    source_share: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "direct": 0.22,
                "organic_search": 0.28,
                "paid_search": 0.18,
                "email": 0.12,
                "social": 0.12,
                "affiliate": 0.08,
            }
        )
    )
    #: P(purchase | online session from source).
    source_conversion: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "direct": 0.21,
                "organic_search": 0.16,
                "paid_search": 0.19,
                "email": 0.27,
                "social": 0.07,
                "affiliate": 0.17,
            }
        )
    )
    #: Where an abandoned cart session stops: after add_to_cart, checkout_start, payment.
    abandon_stage: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "add_to_cart": 0.55,
                "checkout_start": 0.27,
                "payment": 0.18,
            }
        )
    )
    #: product_view counts: purchase 1 + Poisson(2.0), abandoned 1 + Poisson(1.5),
    #: browse Poisson(1.3) (0 = bounce).
    views_purchase: float = 2.0
    views_abandoned: float = 1.5
    views_browse: float = 1.3
    #: A session has searches with this probability (1 + Poisson(0.3) of them).
    search_prob: float = 0.35
    #: Non-buying sessions happen before the anchor purchase (within 21 days) with this
    #: probability, otherwise after it (within 45 days).
    before_purchase_share: float = 0.60
    #: Seconds between events in a session: 5 + Exponential(50), at most 600.
    gap_mean_seconds: float = 50.0

    @property
    def session_conversion(self) -> float:
        """Overall online session conversion Σ share·conversion."""
        return float(sum(self.source_share[s] * self.source_conversion[s] for s in self.source_share))


@dataclass(frozen=True)
class SurveyTruth:
    """Survey sampling and the latent driver models.

    Each score is ``clip(round(latent), low, high)`` with
    ``latent = intercept + Σ coefficient·driver + Normal(0, sigma)``.

    * NPS (0–10), sent after delivery (3–10 days later; store orders 1–4 days after the
      purchase): drivers ``delivery_days`` (store orders count 0), ``returned``, channel
      (web is the baseline).
    * CSAT (1–5), after a support contact (0.1–3 days later): drivers ``resolved`` (the
      extra ``resolved`` column of CSAT rows), ``returned``, channel.
    * CES (1–7, lower = less effort), after checkout (touchpoint ``checkout``, 2 min–3 h
      after the order) and after a return request (touchpoint ``return``, 1–5 days later):
      drivers mobile device and channel.
    """

    nps_response: Mapping[str, float] = field(default_factory=lambda: _ro({"online": 0.20, "store": 0.12}))
    nps_intercept: float = 9.4
    nps_delivery_day: float = -0.30
    nps_returned: float = -2.0
    nps_channel: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web": 0.0,
                "app": 0.4,
                "marketplace": -0.7,
                "store": 0.2,
            }
        )
    )
    nps_sigma: float = 1.9

    csat_response: float = 0.40
    csat_intercept: float = 2.9
    csat_resolved: float = 1.5
    csat_returned: float = -0.4
    csat_channel: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web": 0.0,
                "app": 0.2,
                "marketplace": -0.3,
                "store": 0.2,
            }
        )
    )
    csat_sigma: float = 1.0

    ces_checkout_response: float = 0.09
    ces_return_response: float = 0.35
    ces_checkout_intercept: float = 2.6
    ces_checkout_mobile: float = 0.8
    ces_checkout_channel: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web": 0.0,
                "app": -0.4,
                "marketplace": 0.3,
            }
        )
    )
    ces_return_intercept: float = 3.6
    ces_return_channel: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web": 0.0,
                "app": 0.0,
                "marketplace": 0.6,
                "store": -0.5,
            }
        )
    )
    ces_sigma: float = 1.2

    #: Probability a response carries a comment, by sentiment of the score.
    comment_prob: Mapping[str, float] = field(
        default_factory=lambda: _ro({"neg": 0.45, "neu": 0.20, "pos": 0.25})
    )
    #: Score → sentiment passed to the comment bank (inclusive upper bounds of neg and neu).
    #: NPS 0–6 neg, 7–8 neu, 9–10 pos; CSAT 1–2 neg, 3 neu, 4–5 pos; CES 1–2 pos, 3–4 neu,
    #: 5–7 neg.


@dataclass(frozen=True)
class FeedbackTruth:
    """Free-text feedback: where it comes from, its rating model and the planted traps.

    Ratings are ``clip(round(latent), 1, 5)`` and the text is written *for* that rating by
    :func:`cxlib.sample.texts.feedback_text`, so text sentiment agrees with the rating.

    * review: 11 % of online orders (3 % of store orders), 2–20 days after delivery;
      latent = 4.6 − 0.2·delivery_days − 1.6·returned + channel + N(0, 1.1).
    * ticket (60 %) / chat (40 %): 65 % of support contacts, at the contact; rating is the
      satisfaction given when the case closed: latent = 2.3 + 1.3·resolved − 0.4·returned
      − 0.1·delivery_days + N(0, 1.0).
    * social: 4 % of customers, at a uniform time after acquisition; latent = 3.3
      − 0.9·(customer had a returned order) − 0.5·(customer had a late order) + N(0, 1.3).

    PII and HTML are planted by feedback id (ids are numbered in time order): ids whose
    number n satisfies ``n % pii_every == pii_offset`` get an e-mail address or a phone
    number appended (kinds cycle by ``n // pii_every``); the ids in ``html_ids`` get an
    HTML/script fragment.
    """

    review_prob_online: float = 0.11
    review_prob_store: float = 0.03
    review_intercept: float = 4.6
    review_delivery_day: float = -0.2
    review_returned: float = -1.6
    review_channel: Mapping[str, float] = field(
        default_factory=lambda: _ro(
            {
                "web": 0.0,
                "app": 0.1,
                "marketplace": -0.3,
                "store": 0.2,
            }
        )
    )
    review_sigma: float = 1.1
    contact_text_prob: float = 0.65
    ticket_share: float = 0.60
    contact_intercept: float = 2.3
    contact_resolved: float = 1.3
    contact_returned: float = -0.4
    contact_delivery_day: float = -0.1
    contact_sigma: float = 1.0
    social_per_customer: float = 0.04
    social_intercept: float = 3.3
    social_any_returned: float = -0.9
    social_any_late: float = -0.5
    social_sigma: float = 1.3
    pii_every: int = 25
    pii_offset: int = 3
    pii_kinds: tuple[str, ...] = ("email", "phone")
    html_ids: tuple[str, ...] = (
        "F000007",
        "F000042",
        "F000123",
        "F000256",
        "F000404",
        "F000500",
        "F000618",
        "F000777",
        "F000808",
        "F000999",
    )
    html_fragments: tuple[str, ...] = (
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<b>bold</b>",
        '<a href="javascript:alert(1)">click</a>',
        "<svg onload=alert(1)>",
        '"><script>alert(document.cookie)</script>',
        "<i>really</i>",
        '<iframe src="javascript:alert(1)"></iframe>',
        "</textarea><script>alert('x')</script>",
        "<style>body{display:none}</style>",
    )

    def pii_feedback_number(self, n: int) -> bool:
        """Whether feedback number ``n`` (``F000n``) carries planted PII."""
        return n % self.pii_every == self.pii_offset

    def pii_kind(self, n: int) -> str:
        """Kind of PII planted in feedback number ``n`` (``email`` or ``phone``)."""
        return self.pii_kinds[(n // self.pii_every) % len(self.pii_kinds)]


@dataclass(frozen=True)
class ExperimentTruth:
    """The two A/B tests; units are anonymous visitors ``U…`` (not the shop's customers).

    Each unit has an activity level A = exp(σZ − σ²/2) (lognormal, mean 1). Pre-period
    (8 weeks before exposure) orders ~ Poisson(pre_orders_mean·A); in-test conversion
    ~ Bernoulli(min(1, base·A·(1 + lift))); a converter places 1 + Poisson(0.25·A) orders;
    every order is worth Gamma(4, scale 15)·A^κ. Revenue is 0 without conversion.
    """

    checkout_units: int = 40_000
    checkout_window: tuple[str, str] = ("2026-03-02T00:00:00+00:00", "2026-03-30T00:00:00+00:00")
    checkout_treatment_share: float = 0.50
    checkout_base_conversion: float = 0.10
    checkout_lift: float = 0.12
    banner_units: int = 30_000
    banner_window: tuple[str, str] = ("2026-06-01T00:00:00+00:00", "2026-06-29T00:00:00+00:00")
    banner_planned_share: float = 0.50
    #: The planted sample-ratio mismatch: actual probability of assignment to treatment.
    banner_treatment_share: float = 0.48
    banner_base_conversion: float = 0.10
    banner_lift: float = 0.0
    activity_sigma: float = 1.0
    pre_orders_mean: float = 0.8
    extra_orders_mean: float = 0.25
    order_value_shape: float = 4.0
    order_value_scale: float = 15.0
    value_activity_power: float = 0.15
    #: Population corr(revenue, pre_revenue) in a control arm (Monte Carlo, 2M units;
    #: 0.506 in the treatment arm), so CUPED removes about ρ² ≈ 25 % of the variance.
    revenue_pre_corr: float = 0.495
    #: Sampling s.d. of that correlation for 20,000 units (Monte Carlo, 100 replicates).
    revenue_pre_corr_sd_20k: float = 0.028

    @property
    def checkout_conversion(self) -> tuple[float, float]:
        """Expected conversion (control, treatment) of ``checkout_redesign``: 0.0990, 0.1105."""
        sigma = self.activity_sigma
        return (
            expected_conversion(self.checkout_base_conversion, 0.0, sigma),
            expected_conversion(self.checkout_base_conversion, self.checkout_lift, sigma),
        )

    @property
    def checkout_relative_lift(self) -> float:
        """Expected relative conversion lift of ``checkout_redesign``.

        ≈ +11.6 %: the ``min(1, ·)`` cap trims the nominal +12 %.
        """
        control, treatment = self.checkout_conversion
        return treatment / control - 1.0


@dataclass(frozen=True)
class SampleTruth:
    """Every planted parameter of the sample shop, grouped by table."""

    span: SpanTruth = field(default_factory=SpanTruth)
    customers: CustomerTruth = field(default_factory=CustomerTruth)
    orders: OrderTruth = field(default_factory=OrderTruth)
    events: EventTruth = field(default_factory=EventTruth)
    surveys: SurveyTruth = field(default_factory=SurveyTruth)
    feedback: FeedbackTruth = field(default_factory=FeedbackTruth)
    experiments: ExperimentTruth = field(default_factory=ExperimentTruth)

    @property
    def gamma_gamma_mean(self) -> float:
        """Population mean order value p·v/(q − 1) of the Gamma-Gamma model."""
        o = self.orders
        return o.gg_p * o.gg_v / (o.gg_q - 1.0)


#: The planted truths of :func:`cxlib.sample.generate_sample`.
TRUTH = SampleTruth()


# ---------------------------------------------------------------------------------------------
# Closed forms used by tests, notebooks and the README
# ---------------------------------------------------------------------------------------------


def bgnbd_p_no_repeat(t: np.ndarray | float, r: float, alpha: float) -> np.ndarray:
    """P(X(t) = 0) under BG/NBD: (α/(α + t))^r (no dropout before the first repeat)."""
    t = np.asarray(t, dtype=float)
    return (alpha / (alpha + t)) ** r


def bgnbd_expected_repeats(t: np.ndarray | float, r: float, alpha: float, a: float, b: float) -> np.ndarray:
    """E[X(t)], expected repeat purchases in (0, t] (Fader, Hardie & Lee 2005, eq. 9).

    Parameters
    ----------
    t : array_like
        Length of the observation window (weeks).
    r, alpha, a, b : float
        BG/NBD parameters.
    """
    t = np.asarray(t, dtype=float)
    z = t / (alpha + t)
    hyp = special.hyp2f1(r, b, a + b - 1.0, z)
    return (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)) ** r * hyp)


def score_probabilities(mu: np.ndarray | float, sigma: float, low: int, high: int) -> np.ndarray:
    """P(score = k), k = low..high, for ``clip(round(Normal(mu, sigma)), low, high)``.

    Returns an array of shape ``mu.shape + (high - low + 1,)``.
    """
    mu = np.asarray(mu, dtype=float)[..., None]
    edges = np.arange(low, high, dtype=float) + 0.5  # between consecutive scores
    cdf = stats.norm.cdf((edges - mu) / sigma)
    ones = np.ones(mu.shape)
    upper = np.concatenate([cdf, ones], axis=-1)
    lower = np.concatenate([0.0 * ones, cdf], axis=-1)
    return upper - lower


def expected_clipped_score(mu: np.ndarray | float, sigma: float, low: int, high: int) -> np.ndarray:
    """E[clip(round(Normal(mu, sigma)), low, high)] (the observed-scale mean)."""
    probs = score_probabilities(mu, sigma, low, high)
    return probs @ np.arange(low, high + 1, dtype=float)


def nps_latent_mean(
    delivery_days: np.ndarray | float,
    returned: np.ndarray | bool,
    channel: np.ndarray | str,
    truth: SurveyTruth | None = None,
) -> np.ndarray:
    """Latent NPS mean for given drivers (``delivery_days`` of store orders: 0)."""
    s = truth or TRUTH.surveys
    ch = np.asarray(channel)
    effect = np.zeros(ch.shape)
    for name, value in s.nps_channel.items():
        effect = np.where(ch == name, value, effect)
    return (
        s.nps_intercept
        + s.nps_delivery_day * np.asarray(delivery_days, dtype=float)
        + s.nps_returned * np.asarray(returned, dtype=float)
        + effect
    )


def expected_nps(
    delivery_days: np.ndarray | float, returned: np.ndarray | bool, channel: np.ndarray | str
) -> np.ndarray:
    """Compute the expected NPS (−100…100) of responses with the given drivers.

    NPS = 100·(P(score ≥ 9) − P(score ≤ 6)) under the planted latent model.
    """
    s = TRUTH.surveys
    mu = nps_latent_mean(delivery_days, returned, channel)
    probs = score_probabilities(mu, s.nps_sigma, 0, 10)
    return 100.0 * (probs[..., 9:].sum(-1) - probs[..., :7].sum(-1))


def expected_conversion(base: float, lift: float, sigma: float) -> float:
    """E[min(1, base·(1 + lift)·A)] for A = exp(σZ − σ²/2) (the experiments' conversion)."""
    c = base * (1.0 + lift)
    k = np.log(1.0 / c)
    return float(c * stats.norm.cdf((k - sigma**2 / 2) / sigma) + stats.norm.sf((k + sigma**2 / 2) / sigma))
