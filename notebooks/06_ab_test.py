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
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
experiment: str = ""  # experiment to analyse; empty: every experiment in the table, one after the other
control: str = "control"  # control variant; when absent: a variant named control, baseline or A, else the first (the report says so)
method: str = "frequentist"  # one of: frequentist, bayesian, sequential; sequential stays valid when you peek
alpha: float = 0.05  # range: 0..1; one minus the confidence level; also the decision threshold
planned_split: str = ""  # planned share of units per variant, control first, e.g. 50/50; empty means equal
conversion: str = "converted"  # 0/1 outcome column; empty or absent skips conversion (with a note)
revenue: str = "revenue"  # revenue per unit column; empty or absent skips the revenue metrics
orders: str = "orders"  # orders per unit, the denominator of average order value; empty or absent skips it
covariate: str = "pre_revenue"  # pre-period column for CUPED and the balance check; empty or absent: neither
cuped: bool = True  # adjust conversion and revenue with the pre-period covariate
cap_quantile: float = 0.99  # range: 0..1; cap revenue per visitor at this quantile of all units; 0: no cap
guardrail_margin: float = 0.05  # range: 0..1; largest tolerated drop of average order value (non-inferiority)
n_star: int = 40000  # range: 1..; units the sequential test is tuned for (the planned sample size)
segment: str = "pre_period_buyer"  # column to split by (pre_period_buyer uses the covariate); empty: no split
min_n: int = 200  # range: 1..; segments with fewer units in an arm are not shown
target_power: float = 0.8  # range: 0..1; power used to plan the next test

# %%
# Load the experiments and run every analysis
import narwhals.stable.v2 as nw
from IPython.display import Markdown, display

import cxlib
from cxlib import defaults, viz
from cxlib import experiments as ab
from cxlib.engine import to_narwhals
from cxlib.reports import resolve_data
from cxlib.skipping import require_tables, skip

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop")
require_tables(shop, ["experiments"], what="The A/B test analysis")
units = shop.experiments
columns = set(to_narwhals(units).columns)
listed = (
    defaults.segment_sizes(units, "experiment", key=None)["value"].tolist() if "experiment" in columns else []
)
if experiment and listed and experiment not in listed:
    raise cxlib.DataError(
        f"has no experiment '{experiment}'; experiments found: {', '.join(listed)}",
        table="experiments",
        column="experiment",
        rule="unknown_experiment",
    )
chosen = [experiment] if experiment else (listed or [None])  # None: the table holds one unnamed experiment
notes = []
given = {
    "conversion is left out": conversion,
    "revenue per visitor is left out": revenue,
    "average order value is left out": orders,
    "CUPED and the balance check are left out": covariate,
}
for left_out, column in given.items():
    if column and column not in columns:
        notes.append(f"The experiments table has no {column} column, so {left_out}.")
conversion, revenue, orders, covariate = (c if c and c in columns else None for c in given.values())
if not (conversion or revenue):
    skip(
        "The experiments table has no outcome column (conversion or revenue), so there is nothing to compare.",
        add="add a 0/1 converted column or a revenue column per unit to the experiments table.",
    )
timed = "exposed_ts" in columns
if not timed:
    notes.append(
        "The experiments table has no exposed_ts column, so exposure and effect over time are left out."
    )
if segment and segment != "pre_period_buyer" and segment not in columns:
    notes.append(f"The experiments table has no {segment} column, so effects are not split by segment.")
    segment = ""
metrics = ab.commerce_metrics(
    conversion=conversion, revenue=revenue, orders=orders, cap_quantile=cap_quantile or None
)
names = [m.name for m in metrics]
primary = names[0]
split = planned_split or None
use_cuped = bool(cuped and covariate)
guardrails = {"average order value": guardrail_margin} if "average order value" in names else None


def analyse(name):
    """Every analysis of one experiment, by name (a dict of results for the sections below)."""
    found = {"name": name}
    rows = units if name is None else to_narwhals(units).filter(nw.col("experiment") == name).to_native()
    variants = defaults.segment_sizes(rows, "variant", key=None)["value"].tolist()
    arm = defaults.choose_control(variants, control)
    found["control"] = ctl = arm.value
    found["notes"] = [arm.note] if arm.note else []
    summary = ab.summarize(
        units, metrics, experiment=name, covariate=covariate, period="day" if timed else None
    )
    found["exposure"] = (
        ab.exposure(units, experiment=name, expected_shares=split, control=ctl) if timed else None
    )
    found["balance"] = balance = ab.balance(summary, control=ctl) if covariate else None
    found["result"] = result = ab.compare(
        summary,
        control=ctl,
        method=method,
        cuped=use_cuped,
        alpha=alpha,
        guardrails=guardrails,
        n_star=n_star,
        expected_shares=split,
    )
    found["summary"] = summary
    found["decision"] = result.decision(balance=balance)
    found["bayes"] = (
        result
        if method == "bayesian"
        else ab.compare(
            summary, control=ctl, method="bayesian", cuped=use_cuped, alpha=alpha, expected_shares=split
        )
    )
    found["over_time"] = (
        ab.effect_over_time(summary, control=ctl, cuped=use_cuped, alpha=alpha, n_star=n_star)
        if timed
        else None
    )
    found["segmented"] = None
    if segment and (segment != "pre_period_buyer" or covariate):
        table = ab.with_pre_period_segment(units, covariate) if segment == "pre_period_buyer" else units
        found["segmented"] = ab.segment_effects(
            table, segment, control=ctl, metrics=metrics, experiment=name, alpha=alpha, min_n=min_n
        )
    try:  # planning needs a control rate strictly between 0 and 1 and some spread
        found["plan"], found["why_no_plan"] = result.plan(primary, power=target_power), None
    except ValueError as reason:
        found["plan"], found["why_no_plan"] = (
            None,
            f"The next test cannot be planned from these data: {reason}.",
        )
    return found


runs = {name or "experiment": analyse(name) for name in chosen}


SHOWN = ("result", "exposure", "balance", "decision", "bayes", "over_time", "segmented", "plan", "control")


def start(name, run):
    """Name the experiment when the report holds several; return its results in the order of SHOWN."""
    if len(runs) > 1:
        display(Markdown(f"### {name}"))
    return tuple(run[key] for key in SHOWN)


# %%
# Report header and key findings
periods = [run["exposure"].table["period"] for run in runs.values() if run["exposure"] is not None]
period = (min(p.min() for p in periods), max(p.max() for p in periods)) if periods else None
named = [run["summary"].experiment or "unnamed" for run in runs.values()]
title = f"Experiment: {named[0]}" if len(runs) == 1 else f"Experiments: {', '.join(named)}"
display(viz.report_header(question=title, period=period, shop=shop))
findings = []
for name, run in runs.items():
    head = f"{name}: " if len(runs) > 1 else ""
    findings += [head + run["decision"].headline, *run["result"].srm.summary()]
    findings += run["decision"].reasons[:2] if len(runs) == 1 else []
viz.key_findings(findings + notes + [n for run in runs.values() for n in run["notes"]])

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports.report_headlines import experiment_headlines

experiment_headlines(runs)

# %% [markdown]
# ## Is the experiment healthy?
#
# Check these before reading any result. A **sample-ratio mismatch** (the split differs from
# the plan at p < 0.001, chi-square test) means assignment or logging is broken and no metric
# can be trusted. Exposure should flow steadily to every variant, and pre-period behaviour —
# measured before anyone saw a variant — should not differ between arms.

# %%
# Sample-ratio check
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
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
    display(viz.note(result.srm.summary()[0]))

# %%
# Exposure over time
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
    if exposure is None:
        display(viz.note("Exposure over time is left out: the experiments table has no exposed_ts column."))
    else:
        exposure.figure().show()
        exposure.share_figure().show()
        display(viz.note(exposure.summary()[0]))

# %%
# Pre-period balance
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
    if balance is None:
        display(viz.note("No pre-period covariate: balance not checked and CUPED not used."))
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
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
    result.figure().show()
    display(viz.format_table(result.formatted(), max_rows=None))
    reduced = result.table[result.table["cuped"]]
    display(
        viz.note(
            "CUPED reduced the variance by "
            + ", ".join(
                f"{r.variance_reduction:.0%} for {r.metric}"
                for r in reduced.drop_duplicates("metric").itertuples()
            )
            + ", which is like running the test on that many more units."
            if len(reduced)
            else "CUPED was not used."
        )
    )

# %% [markdown]
# ## How sure are we? (Bayesian view)
#
# The chance that each variant beats the control, and the **risk**: the lift you expect to
# lose if you ship the variant and it is in fact worse. Conversion uses the exact beta–binomial
# posterior; the other metrics a normal approximation with a flat prior.

# %%
# Chance to win and risk
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
    display(viz.format_table(bayes.formatted(), max_rows=None))
    first = bayes.table[bayes.table["metric"] == primary].iloc[0]
    display(
        viz.note(
            f"{first['variant']} has a {first['chance_to_win']:.1%} chance to beat {control} on {primary}; "
            f"shipping it risks an expected loss of {100 * first['risk']:.2g}% of the control's {primary}."
        )
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
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
    if over_time is None:
        display(viz.note("The effect over time is left out: the experiments table has no exposed_ts column."))
    else:
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
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
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
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
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
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
    if plan is None:
        display(viz.note(run["why_no_plan"]))
    else:
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
for name, run in runs.items():
    result, exposure, balance, decision, bayes, over_time, segmented, plan, control = start(name, run)
    display(viz.key_findings(decision.summary(), title=f"Decision: {decision.verdict}"))
