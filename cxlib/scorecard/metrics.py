"""The scorecard's metrics: name, label, kind of statistic, unit counted and direction.

One :class:`Metric` per row type of the scorecard table. Labels carry the scale and, for
CES, the direction, so every chart and table says which way is better.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxlib.scorecard.stats import Kind

__all__ = ["METRIC_NAMES", "Metric", "metric_catalogue"]

#: Scorecard metrics in the order tables and reports show them.
METRIC_NAMES: tuple[str, ...] = (
    "nps",
    "csat",
    "ces",
    "retention_rate",
    "repeat_rate",
    "cart_abandonment",
    "aov",
    "purchase_frequency",
    "revenue_per_customer",
    "return_rate",
    "delivery_days",
)


@dataclass(frozen=True)
class Metric:
    """How one scorecard metric is computed and shown.

    Attributes
    ----------
    name : str
        Key used in the ``metric`` column (``nps``, ``aov``, ...).
    label : str
        Short heading with the scale (e.g. ``"CES (1–7, lower = less effort)"``).
    kind : {"nps", "proportion", "mean", "ratio"}
        Statistic behind the value (see :mod:`cxlib.scorecard.stats`).
    unit : str
        What ``n`` counts: ``answers``, ``orders``, ``customers`` or ``carts``.
    higher_is_better : bool
        Direction of improvement.
    source : str
        Contract table the metric comes from.
    percent : bool
        Values are shares in [0, 1], shown as percentages.
    money : bool
        Values are amounts in the shop currency.
    currency : str
        That currency (``"EUR"``) for money metrics, written after amounts in sentences;
        empty when unknown or not money.
    """

    name: str
    label: str
    kind: Kind
    unit: str
    higher_is_better: bool
    source: str
    percent: bool = False
    money: bool = False
    currency: str = ""

    @property
    def direction(self) -> str:
        """``"higher is better"`` or ``"lower is better"``."""
        return "higher is better" if self.higher_is_better else "lower is better"


def metric_catalogue(
    *,
    csat_scale: int = 5,
    ces_scale: int = 7,
    ces_higher_is_better: bool = False,
    cart_unit: str = "carts",
    currency: str = "",
) -> dict[str, Metric]:
    """Define the scorecard metrics for the given survey scales and CES direction.

    Parameters
    ----------
    csat_scale : int, default 5
        CSAT answers run from 1 to ``csat_scale``; the top two boxes count as satisfied.
    ces_scale : int, default 7
    ces_higher_is_better : bool, default False
        ``False``: CES 1.0 effort scale, lower = less effort (the sample's convention).
        ``True``: CES 2.0 agreement with "the company made it easy", higher = easier.
    cart_unit : str, default "carts"
        What a cart is counted as (``"sessions"`` or ``"customer-days"``), for labels.
    currency : str, optional
        Shop currency, added to the labels of money metrics (``"Average order value (EUR)"``).

    Returns
    -------
    dict of str to Metric
        In :data:`METRIC_NAMES` order.
    """
    money = f" ({currency})" if currency else ""
    ces_label = (
        f"CES 2.0 (1–{ces_scale} agreement, higher = easier)"
        if ces_higher_is_better
        else f"CES (1–{ces_scale} effort, lower = less effort)"
    )
    metrics = [
        Metric("nps", "NPS (−100 to 100)", "nps", "answers", True, "surveys"),
        Metric(
            "csat",
            f"CSAT (share answering {csat_scale - 1}–{csat_scale} of {csat_scale})",
            "proportion",
            "answers",
            True,
            "surveys",
            percent=True,
        ),
        Metric("ces", ces_label, "mean", "answers", ces_higher_is_better, "surveys"),
        Metric(
            "retention_rate",
            "Customer retention rate (bought again the next period)",
            "proportion",
            "customers",
            True,
            "orders",
            percent=True,
        ),
        Metric(
            "repeat_rate",
            "Repeat purchase rate (2+ orders in the period)",
            "proportion",
            "customers",
            True,
            "orders",
            percent=True,
        ),
        Metric(
            "cart_abandonment",
            f"Cart abandonment ({cart_unit} with a cart but no purchase)",
            "proportion",
            cart_unit,
            False,
            "events",
            percent=True,
        ),
        Metric(
            "aov",
            f"Average order value{money}",
            "ratio",
            "orders",
            True,
            "orders",
            money=True,
            currency=currency,
        ),
        Metric(
            "purchase_frequency",
            "Purchase frequency (orders per customer)",
            "mean",
            "customers",
            True,
            "orders",
        ),
        Metric(
            "revenue_per_customer",
            f"Revenue per customer{money}",
            "mean",
            "customers",
            True,
            "orders",
            money=True,
            currency=currency,
        ),
        Metric(
            "return_rate",
            "Return rate (share of orders returned)",
            "ratio",
            "orders",
            False,
            "orders",
            percent=True,
        ),
        Metric("delivery_days", "Delivery time (days)", "ratio", "orders", False, "orders"),
    ]
    return {m.name: m for m in metrics}
