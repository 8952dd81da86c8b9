# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A/B test analysis
#
# **Question:** did the change work, and can we trust the answer? Is the experiment healthy
# (split, exposure, pre-period balance); how did conversion, revenue per visitor and average
# order value move, with honest uncertainty; how sure are we; was it safe to look early; do
# segments differ; and what should we decide?

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # duckdb reads files on this machine; spark reads Parquet folders, URLs or Spark tables (data may then name a table or database)
experiment: str = "checkout_redesign"  # experiment to analyse; empty means the only one in the table
control: str = "control"  # name of the control variant
method: str = "frequentist"  # frequentist, bayesian or sequential (always valid, safe to peek)
alpha: float = 0.05  # one minus the confidence level; also the decision threshold
planned_split: str = ""  # planned share of units per variant, control first, e.g. 50/50; empty means equal
conversion: str = "converted"  # 0/1 outcome column; empty skips conversion
revenue: str = "revenue"  # revenue per unit column; empty skips the revenue metrics
orders: str = "orders"  # orders per unit, the denominator of average order value; empty skips it
covariate: str = "pre_revenue"  # pre-period column for CUPED and the balance check; empty disables both
cuped: bool = True  # adjust conversion and revenue with the pre-period covariate
cap_quantile: float = 0.99  # cap revenue per visitor at this quantile of all units; 0 keeps it uncapped
guardrail_margin: float = 0.05  # average order value may drop by at most this share (non-inferiority)
n_star: int = 40000  # units the sequential test is tuned for (the planned sample size)
segment: str = "pre_period_buyer"  # column to split by; pre_period_buyer uses the covariate; empty skips
min_n: int = 200  # segments with fewer units in an arm are not shown
target_power: float = 0.8  # power used to plan the next test

# %%
# Load the experiment and run every analysis
from IPython.display import display

import cxlib
from cxlib import experiments as ab
from cxlib import viz
from cxlib.reports import resolve_data

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop")
if shop.experiments is None:
    raise ValueError("the data source has no experiments table")
units = shop.experiments
chosen = experiment or None
covariate = covariate or None
metrics = ab.commerce_metrics(
    conversion=conversion or None,
    revenue=revenue or None,
    orders=orders or None,
    cap_quantile=cap_quantile or None,
)
names = [m.name for m in metrics]
primary = names[0]
summary = ab.summarize(units, metrics, experiment=chosen, covariate=covariate, period="day")  # daily looks
split = planned_split or None
exposure = ab.exposure(units, experiment=chosen, expected_shares=split, control=control)
balance = ab.balance(summary, control=control) if covariate else None
use_cuped = bool(cuped and covariate)
guardrails = {"average order value": guardrail_margin} if "average order value" in names else None
result = ab.compare(
    summary,
    control=control,
    method=method,
    cuped=use_cuped,
    alpha=alpha,
    guardrails=guardrails,
    n_star=n_star,
    expected_shares=split,
)
decision = result.decision(balance=balance)
bayes = (
    result
    if method == "bayesian"
    else ab.compare(
        summary, control=control, method="bayesian", cuped=use_cuped, alpha=alpha, expected_shares=split
    )
)
over_time = ab.effect_over_time(summary, control=control, cuped=use_cuped, alpha=alpha, n_star=n_star)
segmented = None
if segment:
    table = (
        ab.with_pre_period_segment(units, covariate) if segment == "pre_period_buyer" and covariate else units
    )
    segmented = ab.segment_effects(
        table, segment, control=control, metrics=metrics, experiment=chosen, alpha=alpha, min_n=min_n
    )
plan = result.plan(primary, power=target_power)

# %%
# Report header and key findings
period = (exposure.table["period"].min(), exposure.table["period"].max())
display(
    viz.report_header(question=f"Experiment: {summary.experiment or 'unnamed'}", period=period, shop=shop)
)
viz.key_findings([decision.headline, *result.srm.summary(), *decision.reasons[:2]])

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import experiment_headlines

experiment_headlines(decision)

# %% [markdown]
# ## Is the experiment healthy?
#
# Check these before reading any result. A **sample-ratio mismatch** (the split differs from
# the plan at p < 0.001, chi-square test) means assignment or logging is broken and no metric
# can be trusted. Exposure should flow steadily to every variant, and pre-period behaviour —
# measured before anyone saw a variant — should not differ between arms.

# %%
# Sample-ratio check
result.srm.figure().show()
display(
    viz.format_table(
        result.srm.table,
        percent_cols=["share", "expected_share"],
        decimals={"expected_units": 0},
        labels={
            "variant": "Variant",
            "units": "Units",
            "share": "Share",
            "expected_share": "Planned share",
            "expected_units": "Planned units",
        },
    )
)
viz.note(result.srm.summary()[0])

# %%
# Exposure over time
exposure.figure().show()
exposure.share_figure().show()
viz.note(exposure.summary()[0])

# %%
# Pre-period balance
if balance is None:
    display(viz.note("No pre-period covariate given: balance not checked and CUPED not used."))
else:
    display(
        viz.format_table(
            balance.table.drop(columns=["imbalanced"]),
            decimals={"smd": 3, "p_value": 3},
            labels={
                "covariate": "Covariate",
                "variant": "Variant",
                "control_mean": "Control mean",
                "variant_mean": "Variant mean",
                "difference": "Difference",
                "ci_low": "CI low",
                "ci_high": "CI high",
                "smd": "Standardised difference",
                "p_value": "p-value",
            },
        )
    )
    display(viz.note(balance.summary()[0]))

# %% [markdown]
# ## What changed
#
# Each variant against the control: relative lift with its interval (delta method), p-values
# adjusted for the number of metrics × variants (Holm). Conversion is a proportion (z test),
# revenue per visitor a mean (Welch, capped at a high quantile of all units so that a few huge
# orders cannot decide the test), average order value a ratio (revenue / orders, delta
# method). CUPED removes the part of each metric that pre-period behaviour predicts.

# %%
# Effect of each variant on each metric
result.figure().show()
display(viz.format_table(result.formatted(), max_rows=None))
reduced = result.table[result.table["cuped"]]
viz.note(
    "CUPED reduced the variance by "
    + ", ".join(
        f"{r.variance_reduction:.0%} for {r.metric}" for r in reduced.drop_duplicates("metric").itertuples()
    )
    + ", which is like running the test on that many more units."
    if len(reduced)
    else "CUPED was not used."
)

# %% [markdown]
# ## How sure are we? (Bayesian view)
#
# The chance that each variant beats the control, and the **risk**: the lift you expect to
# lose if you ship the variant and it is in fact worse. Conversion uses the exact beta–binomial
# posterior; the other metrics a normal approximation with a flat prior.

# %%
# Chance to win and risk
display(viz.format_table(bayes.formatted(), max_rows=None))
first = bayes.table[bayes.table["metric"] == primary].iloc[0]
viz.note(
    f"{first['variant']} has a {first['chance_to_win']:.1%} chance to beat {control} on {primary}; "
    f"shipping it risks an expected loss of {100 * first['risk']:.2g}% of the control's {primary}."
)

# %% [markdown]
# ## Was it safe to look early?
#
# Daily dashboards invite peeking, and stopping at the first significant look inflates false
# positives. The shaded band is an **always-valid** confidence sequence (mixture SPRT), which
# stays valid at every look; the dotted lines are the naive fixed-horizon interval. The dashed
# vertical line marks when the result became conclusive.

# %%
# Effect over time with always-valid intervals
over_time.figure(primary).show()
for sentence in over_time.summary():
    display(viz.note(sentence))

# %% [markdown]
# ## Guardrails
#
# A change that lifts conversion should not quietly shrink baskets. Average order value must
# not drop by more than the margin (non-inferiority test at one-sided level α).

# %%
# Guardrail metrics
if result.guardrails is None:
    display(viz.note("No guardrail metric available (needs revenue and orders)."))
else:
    display(
        viz.format_table(
            result.guardrails,
            percent_cols=["margin", "estimate", "bound"],
            decimals={"p_value": 3},
            labels={
                "metric": "Metric",
                "variant": "Variant",
                "margin": "Tolerated drop",
                "estimate": "Lift",
                "bound": "Worst plausible lift",
                "p_value": "p (worse than margin)",
                "status": "Status",
            },
        )
    )
    status = result.guardrails["status"]
    display(
        viz.note(
            f"{int((status == 'fail').sum())} guardrail(s) failed: the metric dropped by more than its margin."
            if (status == "fail").any()
            else "Every guardrail passed: the data rule out a drop beyond the margin."
            if (status == "pass").all()
            else "Some guardrails are inconclusive: the data cannot rule out a drop beyond the margin."
        )
    )

# %% [markdown]
# ## Segments
#
# Effects within each segment, with a test of whether they differ at all (interaction).
# Every segment is one more look at the data: read single significant segments as hypotheses.

# %%
# Effects by segment
if segmented is None:
    display(viz.note("Set the segment parameter to split the effects."))
else:
    segmented.figure(primary).show()
    display(
        viz.format_table(
            segmented.interaction,
            decimals={"q": 2, "p_value": 3},
            labels={
                "metric": "Metric",
                "variant": "Variant",
                "segments": "Segments shown",
                "q": "Cochran's Q",
                "df": "df",
                "p_value": "Interaction p-value",
            },
        )
    )
    for sentence in segmented.summary():
        display(viz.note(sentence))

# %% [markdown]
# ## Planning the next test
#
# With the same traffic and split, the smallest lift in the primary metric a follow-up test
# would detect with the target power — with and without CUPED.

# %%
# Minimum detectable effect with and without CUPED
plan.figure().show()
display(
    viz.format_table(
        plan.table,
        percent_cols=["relative_effect", "power", "variance_reduction"],
        decimals={"effect": 4},
        labels={
            "scenario": "Scenario",
            "n_control": "Control units",
            "n_variant": "Variant units",
            "n_total": "Total units",
            "effect": "Detectable change (absolute)",
            "relative_effect": "Detectable change (relative)",
            "power": "Power",
            "variance_reduction": "Variance reduction",
        },
    )
)
for sentence in plan.summary():
    display(viz.note(sentence))

# %% [markdown]
# ## Decision

# %%
# The decision, its reasons and caveats
viz.key_findings(decision.summary(), title=f"Decision: {decision.verdict}")
