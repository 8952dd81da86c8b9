"""Key-driver analysis: which experience drivers move NPS, CSAT or any score.

Three views of the same question, as the field does it (docs/methods.md, "Key drivers"):

* **OLS** of the score on the drivers, with heteroscedasticity-robust (HC3) intervals:
  points of score per unit of a driver;
* **ordinal logit** (statsmodels ``OrderedModel``): the score treated as ordered categories,
  which respects the bounded 0–10 or 1–5 scale (``distr="probit"`` gives the ordered probit,
  whose coefficients are on the latent-normal scale);
* **relative weights** (Johnson 2000): each driver's share of the model R², which stays
  meaningful when drivers are correlated (unlike raw coefficients); bootstrap percentile
  intervals as proposed by Tonidandel, LeBreton & Johnson (2009).

The importance-versus-performance chart (Martilla & James 1977) puts each driver's importance
against how well the shop does on it, e.g. the mean sentiment when customers mention an aspect.

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
variables in multiple regression. *Multivariate Behavioral Research* 35(1), 1–19.
Tonidandel, S., LeBreton, J. M. & Johnson, J. W. (2009). Determining the statistical
significance of relative weights. *Psychological Methods* 14(4), 387–399.
Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of
Marketing* 41(1), 77–79.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxlib import viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.errors import DataError
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_interval, format_signed

__all__ = ["DriverResult", "drivers", "relative_weights"]


def relative_weights(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's (2000) raw relative weights; they sum to the OLS R².

    With ``R = P Δ Pᵀ`` the predictors' correlation matrix, ``Λ = P Δ^½ Pᵀ`` holds the
    correlations of the predictors with their closest orthonormal counterparts Z, ``β = Λ⁻¹ r``
    regresses y on Z (``r`` = correlations of the predictors with y), and predictor j's weight
    is ``Σ_k Λ_jk² β_k²``.

    Parameters
    ----------
    X : array (n, p)
        Predictors (no constant column; none may be constant).
    y : array (n,)

    Returns
    -------
    numpy.ndarray (p,)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError("X must be (n, p) and y (n,)")
    Xs = (X - X.mean(0)) / X.std(0)
    ys = (y - y.mean()) / y.std()
    n = X.shape[0]
    R = Xs.T @ Xs / n
    r = Xs.T @ ys / n
    evals, evecs = np.linalg.eigh(R)
    evals = np.clip(evals, 0.0, None)
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.lstsq(lam, r, rcond=None)[0]
    return (lam**2) @ (beta**2)


@dataclass(frozen=True)
class DriverResult(ResultBase):
    """Key drivers of a score.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per driver, most important first: ``driver`` (str), ``label`` (str),
        ``n_nonzero`` (int, responses where the driver is not 0), ``ols_coef``,
        ``ols_ci_low``, ``ols_ci_high``, ``ols_p`` (OLS, HC3), ``ordinal_coef``,
        ``ordinal_ci_low``, ``ordinal_ci_high``, ``ordinal_p`` (ordinal logit/probit; missing
        when not fitted), ``weight`` (Johnson's raw relative weight), ``weight_ci_low``,
        ``weight_ci_high`` (bootstrap percentile), ``importance`` (weight / R², shares summing
        to 1), ``performance`` (float; see :func:`drivers`), ``rank`` (int, 1 = most
        important). All floats.
    n : int
        Responses used.
    r2 : float
        OLS R² (= the sum of the relative weights).
    outcome : str
    distr : str
        ``logit`` or ``probit`` (the ordinal model), or ``none`` when it was not fitted.
    dropped : tuple of str
        Drivers left out because they never vary in the data.
    alpha : float
    notes : tuple of str
        Anything the reader should know (a model that did not converge, ...).
    outcome_label : str
        Display name of the outcome ("NPS").
    unit : str
        What one unit of a driver is, for sentences ("a negative mention").
    scale : str
        The outcome's scale, for sentences and headings ("0–10 scale"): effects are points
        of it ("1.8 points lower on the 0–10 scale"); empty to say points of the outcome.
    min_n : int
        Drivers with fewer responses where they are not 0 are left out of the displayed table.
    """

    table: pd.DataFrame
    n: int
    r2: float
    outcome: str
    distr: str
    dropped: tuple[str, ...] = ()
    alpha: float = 0.05
    notes: tuple[str, ...] = field(default_factory=tuple)
    outcome_label: str = ""
    unit: str = "one unit"
    scale: str = ""
    min_n: int = 0

    def display_settings(self) -> Display:
        """Columns of the report table; the effect heading names the scale of its points."""
        level = round(100 * (1 - self.alpha))
        points = f"Points on the {self.scale}" if self.scale else f"Points of {self.name}"
        return Display(
            columns=("label", "n_nonzero", "importance", "ols_coef", "ols_ci_low", "ols_ci_high"),
            percent_cols=("importance",),
            decimals={"ols_coef": 2, "ols_ci_low": 2, "ols_ci_high": 2},
            labels={
                "label": "Driver",
                "n_nonzero": f"Responses with {self.unit}",
                "importance": "Importance",
                "ols_coef": points,
                "ols_ci_low": f"{level}% CI from",
                "ols_ci_high": "to",
            },
        )

    def display_table(self) -> pd.DataFrame:
        """Return the drivers present in at least ``min_n`` responses, most important first."""
        return self.table[self.table["n_nonzero"] >= self.min_n].reset_index(drop=True)

    def effect_words(self, coef: float) -> str:
        """Describe an OLS effect in words that carry its sign ("1.85 points lower on the 0–10 scale")."""
        direction = "higher" if coef >= 0 else "lower"
        where = f"on the {self.scale}" if self.scale else self.name
        return f"{abs(coef):.2f} points {direction} {where}"

    @property
    def name(self) -> str:
        """Display name of the outcome."""
        return self.outcome_label or self.outcome

    def figure(self, performance_label: str = "Performance") -> go.Figure:
        """Importance-versus-performance quadrant chart (Martilla & James 1977).

        Drivers above the mean importance and left of the mean performance are where an
        improvement moves the score most ("fix first").
        """
        t = self.table.dropna(subset=["performance"])
        fig = go.Figure()
        if t.empty:
            fig.update_layout(template="cxlab", title=dict(text="No driver has a performance value"))
            return fig
        x_mid, y_mid = float(t["performance"].mean()), float(t["importance"].mean())
        fig.add_trace(
            go.Scatter(
                x=t["performance"],
                y=t["importance"],
                mode="markers+text",
                text=t["label"],
                textposition="top center",
                marker=dict(size=12, color="#0072B2"),
                showlegend=False,
                customdata=np.stack(
                    [t["n_nonzero"], t["weight_ci_low"] / self.r2, t["weight_ci_high"] / self.r2], axis=1
                )
                if self.r2 > 0
                else None,
                hovertemplate=(
                    "%{text}<br>importance %{y:.1%}<br>performance %{x:.2f}"
                    "<br>n %{customdata[0]:,}<extra></extra>"
                ),
            )
        )
        fig.add_hline(y=y_mid, line_dash="dot", line_color="#9aa5b1")
        fig.add_vline(x=x_mid, line_dash="dot", line_color="#9aa5b1")
        x_lo, x_hi = float(t["performance"].min()), float(t["performance"].max())
        y_hi = float(t["importance"].max())
        pad = 0.05 * (x_hi - x_lo or 1.0)
        for text, x, anchor in (("Fix first", x_lo - pad, "left"), ("Keep it up", x_hi + pad, "right")):
            fig.add_annotation(
                x=x, y=y_hi * 1.12, text=text, showarrow=False, xanchor=anchor, font=dict(color="#52606d")
            )
        fig.update_layout(
            template="cxlab",
            hovermode="closest",
            title=dict(text=f"What moves {self.name}: importance vs performance"),
            xaxis=dict(title=dict(text=performance_label), range=[x_lo - 2 * pad, x_hi + 2 * pad]),
            yaxis=dict(
                title=dict(text="Importance (share of explained variance)"),
                tickformat=".0%",
                range=[0, y_hi * 1.25],
            ),
        )
        return fig

    def importance_figure(self) -> go.Figure:
        """Horizontal bars of each driver's importance with bootstrap intervals."""
        t = self.table
        fig = viz.bar(
            t,
            "label",
            "importance",
            horizontal=True,
            percent=True,
            title=f"Key drivers of {self.name} (share of R² = {self.r2:.2f})",
            labels={"label": "", "importance": "Importance"},
            height=max(320, 60 + 34 * len(t)),
        )
        if self.r2 > 0:
            fig.data[0].error_x = dict(
                type="data",
                visible=True,
                array=((t["weight_ci_high"] - t["weight"]) / self.r2).tolist(),
                arrayminus=((t["weight"] - t["weight_ci_low"]) / self.r2).tolist(),
            )
        return fig

    def summary(self) -> list[str]:
        """Sentences naming the strongest drivers with their effects."""
        t = self.table
        if t.empty:
            return ["No driver could be estimated."]
        # NPS is a share of a sample, not a per-response value: the variance is the answers'
        answers = f"the {self.name} answers on the {self.scale}" if self.scale else self.name
        out = [f"The drivers explain {self.r2:.0%} of the variance of {answers} across {self.n:,} responses."]
        level = 1 - self.alpha
        out.extend(
            f"{r.label}: {r.importance:.0%} of the explained variance; "
            f"{self.unit} goes with {self.effect_words(r.ols_coef)} "
            f"({format_interval(r.ols_ci_low, r.ols_ci_high, _two_decimals, level=level)})."
            for r in t.head(3).itertuples()
        )
        return out


def _ordinal(
    y: np.ndarray, X: pd.DataFrame, distr: str, alpha: float
) -> tuple[pd.DataFrame | None, str | None]:
    """Ordinal logit/probit coefficients of the drivers, or a note on why there are none."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.unique(y)
    if len(levels) < 3:
        return None, "the score has fewer than three distinct values, so no ordinal model was fitted"
    codes = pd.Series(pd.Categorical(y, categories=levels, ordered=True))
    fitted = OrderedModel(codes, X, distr=distr).fit(method="bfgs", disp=False, maxiter=2000)
    names = list(X.columns)
    ci = np.asarray(fitted.conf_int(alpha))[: len(names)]
    out = pd.DataFrame(
        {
            "ordinal_coef": np.asarray(fitted.params)[: len(names)],
            "ordinal_ci_low": ci[:, 0],
            "ordinal_ci_high": ci[:, 1],
            "ordinal_p": np.asarray(fitted.pvalues)[: len(names)],
        },
        index=names,
    )
    converged = bool(fitted.mle_retvals.get("converged", True))
    return (
        out,
        None if converged else "the ordinal model did not fully converge; read its coefficients with care",
    )


def drivers(
    data: Frame,
    outcome: str = "score",
    features: Sequence[str] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    performance: Mapping[str, float] | None = None,
    distr: str = "logit",
    n_boot: int = 200,
    alpha: float = 0.05,
    min_n: int = 30,
    seed: int = 0,
    outcome_label: str | None = None,
    unit: str = "one unit",
    scale: str = "",
) -> DriverResult:
    """Which drivers move a score: OLS, ordinal logit and relative weights.

    Parameters
    ----------
    data : table
        One row per response (any supported frame, e.g. :meth:`AspectResult.wide` with the
        survey score kept). Required columns: ``outcome`` and ``features``.
    outcome : str, default "score"
        The score (NPS 0–10, CSAT 1–5, ...). Rows where it or a driver is missing are left out.
    features : sequence of str, optional
        Driver columns (numeric or boolean). Default: every other numeric column except
        ``row``. Drivers that never vary are dropped (and listed in ``dropped``).
    labels : mapping, optional
        Display names of the drivers.
    performance : mapping, optional
        How well the shop does on each driver, for the quadrant chart. Default: the mean of
        the driver over responses where it is not 0 (for aspect sentiment scores: the mean
        sentiment when customers mention the aspect).
    distr : {"logit", "probit"}, default "logit"
        Link of the ordinal model.
    n_boot : int, default 200
        Bootstrap resamples for the relative-weight intervals (0: none).
    alpha : float, default 0.05
        Intervals are at level 1 − alpha.
    min_n : int, default 30
        Fewer usable responses raise :class:`~cxlib.DataError`.
    seed : int
    outcome_label : str, optional
        Display name of the outcome in charts and sentences (default: ``outcome``).
    unit : str, default "one unit"
        What one unit of a driver is, for sentences ("a negative mention").
    scale : str, optional
        The outcome's scale ("0–10 scale"), so effects read "points on the 0–10 scale".

    Returns
    -------
    DriverResult

    Examples
    --------
    >>> nps = cxlib.voc.aspects(shop.surveys, text_col="comment", keep=["score"])  # doctest: +SKIP
    >>> kda = cxlib.voc.drivers(nps.wide(), "score", nps.aspect_names)  # doctest: +SKIP
    >>> kda.figure()  # doctest: +SKIP
    """
    import statsmodels.api as sm

    if distr not in ("logit", "probit"):
        raise ValueError("distr must be 'logit' or 'probit'")
    require_columns(data, [outcome, *(features or [])], "surveys", purpose="key-driver analysis")
    if features is None:
        frame = to_narwhals(data)
        features = [
            c
            for c, dtype in frame.collect_schema().items()
            if c not in (outcome, "row") and (dtype.is_numeric() or dtype == nw.Boolean)
        ]
    features = list(dict.fromkeys(features))
    if not features:
        raise DataError("no driver columns to analyse", table="surveys", rule="no_features")
    df = to_pandas(to_narwhals(data).select([outcome, *features]))
    df = df.apply(pd.to_numeric, errors="coerce").astype(float).dropna()
    if len(df) < min_n:
        raise DataError(
            f"only {len(df):,} complete responses; key-driver analysis needs at least {min_n}",
            table="surveys",
            column=outcome,
            rule="too_few_rows",
            n_rows=len(df),
        )
    varying = [f for f in features if df[f].std() > 0]
    dropped = tuple(f for f in features if f not in varying)
    if not varying:
        raise DataError("no driver varies in the data", table="surveys", rule="constant_features")
    y = df[outcome].to_numpy()
    X = df[varying]
    notes: list[str] = []
    ols = sm.OLS(y, sm.add_constant(X, has_constant="add")).fit(cov_type="HC3")
    ci = ols.conf_int(alpha)
    table = pd.DataFrame(
        {
            "driver": varying,
            "ols_coef": ols.params[varying].to_numpy(),
            "ols_ci_low": ci.loc[varying, 0].to_numpy(),
            "ols_ci_high": ci.loc[varying, 1].to_numpy(),
            "ols_p": ols.pvalues[varying].to_numpy(),
        }
    )
    ordinal, note = _ordinal(y, X, distr, alpha)
    if ordinal is None:
        table[["ordinal_coef", "ordinal_ci_low", "ordinal_ci_high", "ordinal_p"]] = np.nan
    else:
        table = table.join(ordinal, on="driver")
    if note:
        notes.append(note)
    weights = relative_weights(X.to_numpy(), y)
    table["weight"] = weights
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        Xa, boot = X.to_numpy(), []
        for _ in range(n_boot):
            pick = rng.integers(0, len(y), len(y))
            Xb = Xa[pick]
            if (Xb.std(0) > 0).all() and y[pick].std() > 0:
                boot.append(relative_weights(Xb, y[pick]))
        boot_arr = np.array(boot)
        table["weight_ci_low"] = np.quantile(boot_arr, alpha / 2, axis=0)
        table["weight_ci_high"] = np.quantile(boot_arr, 1 - alpha / 2, axis=0)
    else:
        table["weight_ci_low"] = np.nan
        table["weight_ci_high"] = np.nan
    r2 = float(weights.sum())
    table["importance"] = weights / r2 if r2 > 0 else np.nan
    perf = dict(performance or {})
    table["performance"] = [
        float(perf[f]) if f in perf else float(df.loc[df[f] != 0, f].mean()) for f in varying
    ]
    table["n_nonzero"] = [int((df[f] != 0).sum()) for f in varying]
    names = dict(labels or {})
    table["label"] = pd.Series([names.get(f, f) for f in varying], dtype="str")
    table["driver"] = table["driver"].astype("str")
    table = table.sort_values("weight", ascending=False, ignore_index=True)
    table["rank"] = np.arange(1, len(table) + 1, dtype="int64")
    table = table[
        [
            "driver",
            "label",
            "n_nonzero",
            "ols_coef",
            "ols_ci_low",
            "ols_ci_high",
            "ols_p",
            "ordinal_coef",
            "ordinal_ci_low",
            "ordinal_ci_high",
            "ordinal_p",
            "weight",
            "weight_ci_low",
            "weight_ci_high",
            "importance",
            "performance",
            "rank",
        ]
    ]
    return DriverResult(
        table=table,
        n=len(df),
        r2=r2,
        outcome=outcome,
        distr=distr if ordinal is not None else "none",
        dropped=dropped,
        alpha=alpha,
        notes=tuple(notes),
        outcome_label=outcome_label or outcome,
        unit=unit,
        scale=scale,
        min_n=min_n,
    )


def _two_decimals(value: float) -> str:
    """One end of an effect's interval: two decimals with the minus sign (``−2.81``)."""
    return format_signed(value, 2).lstrip("+")
