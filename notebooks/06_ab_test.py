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
experiment: str = ""  # experiment to analyse; empty: one page per experiment (cxlab run), alone the first
control: str = "control"  # control variant; when absent: a variant named control, baseline or A, else the first (the report says so)
method: str = "frequentist"  # one of: frequentist, bayesian, sequential; sequential stays valid when you peek
alpha: float = 0.05  # range: 0..1; one minus the confidence level; also the decision threshold
planned_split: str = ""  # planned share of units per variant, control first, e.g. 50/50; empty means equal
conversion: str = "converted"  # 0/1 outcome column; empty or absent skips conversion (with a note)
revenue: str = "revenue"  # revenue per unit column; empty or absent skips the revenue metrics
orders: str = "orders"  # orders per unit, the denominator of average order value; empty or absent skips it
covariate: str = "pre_revenue"  # pre-period column for CUPED and the balance check; empty or absent: neither
cuped: bool = True  # adjust conversion and revenue with the pre-period covariate
currency: str = "EUR"  # label for money amounts; a currency column in the experiments or orders wins
cap_quantile: float = 0.99  # range: 0..1; cap revenue per visitor at this quantile of all units; 0: no cap
guardrail_margin: float = 0.05  # range: 0..1; largest tolerated drop of average order value (non-inferiority)
n_star: int = 40000  # range: 1..; units the sequential test is tuned for (the planned sample size)
segment: str = "pre_period_buyer"  # column to split by (pre_period_buyer uses the covariate); empty: no split
min_n: int = 200  # range: 1..; segments with fewer units in an arm are not shown
target_power: float = 0.8  # range: 0..1; power used to plan the next test

# %%
# Load the experiment and run every analysis
from IPython.display import display

import cxlib
from cxlib import defaults, viz
from cxlib import experiments as ab
from cxlib.engine import to_narwhals
from cxlib.reports import resolve_data, tables_read
from cxlib.reports.report_headlines import experiment_headlines
from cxlib.skipping import require_tables, skip

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop")
require_tables(shop, ["experiments"], what="The A/B test analysis")
chosen = ab.choose_experiment(shop.experiments, experiment)
name, units, notes = chosen.name, chosen.units, list(chosen.notes)
columns = set(to_narwhals(units).columns)
chosen_currency = defaults.shop_currency(units if "currency" in columns else shop.orders, currency)
currency = chosen_currency.value
notes += [chosen_currency.note] if chosen_currency.note else []
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
primary = metrics[0].name
money = [m.name for m in metrics if m.column == revenue]
split = planned_split or None
use_cuped = bool(cuped and covariate)
variants = defaults.segment_sizes(units, "variant", key=None)["value"].tolist()
arm = defaults.choose_control(variants, control)
control = arm.value
notes += [arm.note] if arm.note else []
summary = ab.summarize(units, metrics, covariate=covariate, period="day" if timed else None)
exposure = ab.exposure(units, expected_shares=split, control=control) if timed else None
balance = ab.balance(summary, control=control) if covariate else None
options = dict(control=control, cuped=use_cuped, alpha=alpha, expected_shares=split)
result = ab.compare(
    summary,
    method=method,
    guardrails={"average order value": guardrail_margin} if "average order value" in money else None,
    n_star=n_star,
    **options,
)
decision = result.decision(balance=balance, currency=currency, money=money)
bayes = result if method == "bayesian" else ab.compare(summary, method="bayesian", **options)
over_time = (
    ab.effect_over_time(summary, control=control, cuped=use_cuped, alpha=alpha, n_star=n_star)
    if timed
    else None
)
segmented = None
if segment and (segment != "pre_period_buyer" or covariate):
    table = ab.with_pre_period_segment(units, covariate) if segment == "pre_period_buyer" else units
    segmented = ab.segment_effects(table, segment, control=control, metrics=metrics, alpha=alpha, min_n=min_n)
try:  # planning needs a control rate strictly between 0 and 1 and some spread
    plan, why_no_plan = result.plan(primary, power=target_power), None
except ValueError as reason:
    plan, why_no_plan = None, f"The next test cannot be planned from these data: {reason}."

# %%
# Report header and key findings
period = (exposure.table["period"].min(), exposure.table["period"].max()) if exposure is not None else None
display(
    viz.report_header(
        question=f"Experiment: {name}", period=period, shop=shop, tables=tables_read("06_ab_test")
    )
)
viz.key_findings([decision.headline, *result.srm.summary(), *decision.reasons[:2], *notes])

# %%
# Headline numbers for the index (and the cards above the sections)
experiment_headlines(decision, result)

# %% [markdown]
# ## Is the experiment healthy?
#
# Check these before reading any result. A **sample-ratio mismatch** (the split differs from
# the plan at p < 0.001, chi-square test) means assignment or logging is broken and no metric
# can be trusted. Exposure should flow steadily to every variant, and pre-period behaviour —
# measured before anyone saw a variant — should not differ between arms.

# %%
# Sample-ratio check and exposure over time (the test in numbers is in the appendix)
result.srm.show(table=False)
if exposure is None:
    display(viz.note("Exposure over time is left out: the experiments table has no exposed_ts column."))
else:
    exposure.show(table=False)
    exposure.share_figure().show()

# %%
# Pre-period balance
if balance is None:
    display(viz.note("No pre-period covariate: balance not checked and CUPED not used."))
else:
    balance.show()

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
result.show(table=False, sentences=False)
display(viz.format_table(result.formatted(currency=currency, money=money), max_rows=None))
display(viz.note(result.cuped_note()))

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
    display(viz.format_table(result.guardrail_table(), max_rows=None))
    display(viz.note(result.guardrail_note()))

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
    segmented.show()

# %% [markdown]
# ## Planning the next test
#
# With the same traffic and split, the smallest lift in the primary metric a follow-up test
# would detect with the target power — with and without CUPED.

# %%
# Minimum detectable effect with and without CUPED
if plan is None:
    display(viz.note(why_no_plan))
else:
    plan.show()

# %% [markdown]
# ## Decision

# %%
# The decision and what to keep in mind (the headline and reasons in the key findings are not repeated)
said = {decision.headline, *decision.reasons[:2]}
rest = [s for s in decision.summary() if s not in said]
if rest:
    display(viz.key_findings(rest, title=f"Decision: {decision.verdict}"))
else:
    display(viz.note(f"Decision: {decision.verdict}. The key findings above say why."))

# %% [markdown]
# ## Appendix
#
# For analysts. **Was it safe to look early?** Daily dashboards invite peeking, and stopping
# at the first significant look inflates false positives. The shaded band is an
# **always-valid** confidence sequence (mixture SPRT), which stays valid at every look; the
# dotted lines are the naive fixed-horizon interval; a dashed vertical line marks when a result
# became conclusive. Below it: the sample-ratio test in numbers, and the Bayesian view — the
# chance that each variant beats the control and the **risk**, the lift you expect to lose if
# you ship the variant and it is in fact worse (exact beta–binomial posterior for conversion,
# a normal approximation with a flat prior for the other metrics).

# %%
# Effect over time with always-valid intervals, per look
if over_time is None:
    display(viz.note("The effect over time is left out: the experiments table has no exposed_ts column."))
else:
    over_time.show(table=False, sentences=False)
    display(viz.note(" ".join(over_time.summary())))
    display(viz.format_table(over_time.looks_table(primary), max_rows=None))

# %%
# Sample-ratio test in numbers
result.srm.show(figure=False, sentences=False)

# %%
# Bayesian view: chance to win and risk
display(viz.format_table(bayes.formatted(currency=currency, money=money), max_rows=None))
display(viz.note(bayes.chance_note(primary)))
