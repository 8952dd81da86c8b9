"""Every analysis result satisfies one protocol: ``.table``, ``.figure()``, ``.summary()``, HTML.

The results are built on the committed sample shop (one of each result class of the
scorecard, journey, cohorts, lifetime-value and experiments packages); the HTML of a result
whose table holds hostile customer text is escaped.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

import cxlib
from cxlib import cohorts, health, journey, ltv, scorecard, voc
from cxlib import experiments as ab
from cxlib.result import Display, Result, ResultBase
from cxlib.voc.overview import ratings

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def shop() -> Any:
    if not (SAMPLE / "orders.parquet").exists():
        pytest.skip("no sample shop in data/sample (run `make sample`)")
    return cxlib.open_shop(SAMPLE, on_error="drop")


@pytest.fixture(scope="module")
def events(shop: Any) -> pd.DataFrame:
    frame = shop.events.df() if hasattr(shop.events, "df") else shop.events
    first = frame["ts"].min()
    return frame[frame["ts"] < first + pd.Timedelta(days=21)].reset_index(drop=True)


@pytest.fixture(scope="module")
def lifetime(shop: Any) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ltv.FitWarning)
        rfm = ltv.rfm_summary(shop.orders, "W", by="channel")
        end = rfm.observation_end - pd.Timedelta(weeks=26)
        calibration = ltv.rfm_summary(shop.orders, "W", end, rfm.observation_end)
        models = [ltv.fit_bgnbd(calibration), ltv.fit_pareto_nbd(calibration)]
        purchases = ltv.fit_bgnbd(rfm)
        spend = ltv.fit_gamma_gamma(rfm)
    value = ltv.clv(purchases, spend, rfm, horizon_months=12, currency="EUR")
    return {
        "rfm": rfm,
        "bgnbd": purchases,
        "pareto": models[1],
        "gamma": spend,
        "clv": value,
        "holdout": ltv.holdout_validation(models[0], calibration),
        "compare": ltv.compare_models(calibration, models),
        "cumulative": ltv.repeat_transactions_over_time(models[0], shop.orders, end, rfm.observation_end),
        "segments": ltv.rfm_segments(rfm, clv=value),
        "nps": ltv.clv_by_nps(value, shop.surveys, currency="EUR"),
    }


@pytest.fixture(scope="module")
def experiment(shop: Any) -> dict[str, Any]:
    metrics = ab.commerce_metrics(conversion="converted", revenue="revenue", orders="orders")
    summary = ab.summarize(
        shop.experiments, metrics, experiment="checkout_redesign", covariate="pre_revenue", period="day"
    )
    result = ab.compare(summary, control="control")
    units = ab.with_pre_period_segment(shop.experiments, "pre_revenue")
    return {
        "summary": summary,
        "compare": result,
        "bayes": ab.compare(summary, control="control", method="bayesian"),
        "srm": result.srm,
        "exposure": ab.exposure(shop.experiments, experiment="checkout_redesign", control="control"),
        "balance": ab.balance(summary, control="control"),
        "sequential": ab.effect_over_time(summary, control="control", n_star=40000),
        "segments": ab.segment_effects(
            units, "pre_period_buyer", control="control", metrics=metrics, experiment="checkout_redesign"
        ),
        "plan": result.plan(summary.metrics[0], power=0.8),
    }


@pytest.fixture(scope="module")
def texts(shop: Any) -> dict[str, Any]:
    from cxlib.engine import to_pandas

    feedback = to_pandas(shop.feedback).iloc[::10].reset_index(drop=True)
    topics = voc.aspects(feedback, keep=["ts", "customer_id"], min_n=20)
    scored = voc.sentiment(feedback, keep=["ts"], min_n=20)
    comments = voc.survey_comments(to_pandas(shop.surveys), "nps")
    nps = voc.aspects(comments, text_col="comment", keep=["score"])
    return {
        "languages": voc.detect_language(feedback.head(300), ["en", "pl", "nl", "sk", "cs", "zh", "ar"]),
        "sentiment": scored,
        "aspects": topics,
        "drivers": nps.drivers("score", n_boot=20, outcome_label="NPS", scale="0–10 scale"),
        "trend": voc.sentiment_trend(scored, period="month"),
        "verbatims": voc.verbatims(topics, n=1, aspects=["delivery"]),
        "ratings": ratings(shop.feedback),
    }


BUILDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "Scorecard": lambda f: scorecard.scorecard(f["shop"], by="channel"),
    "Consistency": lambda f: scorecard.consistency(scorecard.scorecard(f["shop"], by="channel")),
    "CXValue": lambda f: scorecard.value_of_cx(f["shop"].surveys, f["shop"].orders, currency="EUR"),
    "FunnelResult": lambda f: journey.funnel(f["events"], ["product_view", "add_to_cart", "purchase"]),
    "FunnelDropouts": lambda f: journey.funnel(
        f["events"], ["product_view", "add_to_cart", "purchase"]
    ).dropouts(),
    "PathsResult": lambda f: journey.paths(f["events"], end="purchase", steps=4),
    "StepMatrixResult": lambda f: journey.step_matrix(f["events"], steps=4),
    "TransitionsResult": lambda f: journey.transitions(f["events"]),
    "CartAbandonmentResult": lambda f: journey.cart_abandonment(f["events"], by="device"),
    "AttributionResult": lambda f: journey.attribution(f["events"], "all"),
    "RetentionMatrix": lambda f: cohorts.retention_matrix(f["shop"].orders),
    "RetentionComparison": lambda f: cohorts.retention_matrix(f["shop"].orders, by="channel").compare(),
    "RevenueRetention": lambda f: cohorts.revenue_retention(f["shop"].orders, currency="EUR"),
    "TimeToRepeat": lambda f: cohorts.time_to_repeat(f["shop"].orders, by="channel"),
    "RetentionDefinitions": lambda f: cohorts.compare_definitions(
        {k: cohorts.retention_matrix(f["shop"].orders, kind=k) for k in cohorts.KINDS}
    ),
    "RFMSummary": lambda f: f["lifetime"]["rfm"],
    "BGNBDModel": lambda f: f["lifetime"]["bgnbd"],
    "ParetoNBDModel": lambda f: f["lifetime"]["pareto"],
    "GammaGammaModel": lambda f: f["lifetime"]["gamma"],
    "CLVResult": lambda f: f["lifetime"]["clv"],
    "CLVBreakdown": lambda f: f["lifetime"]["clv"].breakdown("channel"),
    "CLVBreakdown (cohort)": lambda f: f["lifetime"]["clv"].breakdown("cohort"),
    "CLVBreakdown (decile)": lambda f: f["lifetime"]["clv"].breakdown("decile"),
    "HoldoutValidation": lambda f: f["lifetime"]["holdout"],
    "ModelComparison": lambda f: f["lifetime"]["compare"],
    "CumulativeRepeats": lambda f: f["lifetime"]["cumulative"],
    "RFMSegments": lambda f: f["lifetime"]["segments"],
    "NPSValue": lambda f: f["lifetime"]["nps"],
    "ExperimentSummary": lambda f: f["experiment"]["summary"],
    "Comparison": lambda f: f["experiment"]["compare"],
    "Comparison (Bayesian)": lambda f: f["experiment"]["bayes"],
    "SRM": lambda f: f["experiment"]["srm"],
    "Exposure": lambda f: f["experiment"]["exposure"],
    "Balance": lambda f: f["experiment"]["balance"],
    "SequentialResult": lambda f: f["experiment"]["sequential"],
    "SegmentEffects": lambda f: f["experiment"]["segments"],
    "Plan": lambda f: f["experiment"]["plan"],
    "DataHealth": lambda f: health.data_health(f["shop"]),
    "LanguageResult": lambda f: f["texts"]["languages"],
    "LanguageMix": lambda f: voc.language_mix(f["texts"]["sentiment"].table, checked=f["texts"]["languages"]),
    "SentimentResult": lambda f: f["texts"]["sentiment"],
    "AspectResult": lambda f: f["texts"]["aspects"],
    "DriverResult": lambda f: f["texts"]["drivers"],
    "TrendResult": lambda f: f["texts"]["trend"],
    "VerbatimResult": lambda f: f["texts"]["verbatims"],
    "RatingResult": lambda f: f["texts"]["ratings"],
}


@pytest.fixture(scope="module")
def fixtures(
    shop: Any,
    events: pd.DataFrame,
    lifetime: dict[str, Any],
    experiment: dict[str, Any],
    texts: dict[str, Any],
) -> dict[str, Any]:
    return {"shop": shop, "events": events, "lifetime": lifetime, "experiment": experiment, "texts": texts}


def _result_classes() -> set[type]:
    """Every ResultBase subclass defined in the analysis packages (recursively)."""
    found: set[type] = set()
    todo = list(ResultBase.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return {
        c for c in found if not getattr(c, "__abstractmethods__", None) and c.__module__.startswith("cxlib.")
    }


def test_every_result_class_is_covered() -> None:
    names = {name.split(" ")[0] for name in BUILDERS}
    classes = {cls.__name__ for cls in _result_classes()} - {"FittedModel"}
    assert classes <= names, f"result classes without a protocol test: {sorted(classes - names)}"


@pytest.mark.parametrize("name", list(BUILDERS))
def test_result_satisfies_protocol(name: str, fixtures: dict[str, Any]) -> None:
    result = BUILDERS[name](fixtures)
    assert type(result).__name__ == name.split(" ")[0]
    assert isinstance(result, Result)
    assert isinstance(result.table, pd.DataFrame)
    assert not result.table.empty
    assert isinstance(result.figure(), go.Figure)
    sentences = result.summary()
    assert isinstance(sentences, list) and sentences
    assert all(isinstance(s, str) and s.strip() for s in sentences)
    settings = result.display_settings()
    assert isinstance(settings, Display)
    shown = set(result.table.columns)
    for column in settings.percent_cols:
        if column in shown:
            values = pd.to_numeric(result.table[column], errors="coerce").dropna()
            # Percent columns hold shares or relative changes (never e.g. counts).
            assert values.empty or float(values.abs().max()) <= 20.0, column
    page = result._repr_html_()
    assert page.startswith('<div class="cxlab-result">')
    assert "<table" in page and "plotly-graph-div" in page
    first_sentence = sentences[0].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert first_sentence.split(" ")[0] in page


@dataclass(frozen=True)
class _Hostile(ResultBase):
    table: pd.DataFrame
    currency: str = "EUR"

    DISPLAY = Display(percent_cols=("share",), currency_cols=("revenue",), labels={"text": "Comment"})

    def figure(self) -> go.Figure:
        return go.Figure(go.Bar(x=self.table["text"], y=self.table["share"]))

    def summary(self) -> list[str]:
        return [f"The worst comment is {self.table['text'].iloc[0]}."]


def test_repr_html_escapes_customer_text_and_applies_display_settings() -> None:
    hostile = "<script>alert('x')</script> & <b>bold</b>"
    result = _Hostile(
        pd.DataFrame({"text": [hostile, "fine"], "share": [0.125, 0.5], "revenue": [1234.5, 2.0]})
    )
    page = result._repr_html_()
    table_part = page[page.index("<table") :]
    assert "<script>alert" not in table_part
    assert "&lt;script&gt;" in table_part
    note_part = page[: page.index("plotly-graph-div")]
    assert "<script>alert" not in note_part and "<b>bold</b>" not in note_part
    assert "12.5%" in table_part and "50.0%" in table_part
    assert "1,234.50" in table_part and "revenue (EUR)" in table_part
    assert "Comment" in table_part


def test_show_displays_figure_table_and_note(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Any] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    monkeypatch.setattr(go.Figure, "show", lambda self, *a, **k: shown.append(self))
    result = _Hostile(pd.DataFrame({"text": ["a"], "share": [0.2], "revenue": [3.0]}))
    result.show()
    assert isinstance(shown[0], go.Figure)
    assert "20.0%" in shown[1].data
    assert "The worst comment is a." in shown[2].data


def test_scorecard_without_surveys_still_shows_itself(shop: Any) -> None:
    """The default chart is NPS when there is one, else the first metric of the table."""
    card = scorecard.scorecard({"orders": shop.orders})
    assert "nps" not in set(card.table["metric"])
    first = card.table["metric"].iloc[0]
    assert card.figure().layout.title.text == card.figure(first).layout.title.text
    assert "<table" in card._repr_html_()
    with_nps = scorecard.scorecard(shop)
    assert with_nps.figure().layout.title.text == with_nps.figure("nps").layout.title.text
