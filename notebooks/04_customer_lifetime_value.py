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
# # Customer lifetime value
#
# **Question:** what is each customer worth over the coming months, who is still active, and
# how good is the forecast? Purchase models (BG/NBD and Pareto/NBD) and a spend model
# (Gamma-Gamma) are fitted to the order history; the purchase model with the smaller error in
# a holdout test values every customer. Model details are in the appendix at the end.

# %% tags=["parameters"]
data: str = "data/sample"  # folder or file with the shop tables; a relative path starts at the working directory (`cxlab sample` writes data/sample), then the cxlab checkout
engine: str = "duckdb"  # one of: duckdb, spark; spark also reads Parquet folders, URLs or tables
unit: str = "W"  # one of: W, D; time unit of the models (weeks or days)
holdout_weeks: str = "auto"  # one of: auto; range: 0..; weeks kept back to test the forecast; auto: a quarter of the span, leaving 12+ weeks to fit; 0: no test
horizon_months: int = 12  # range: 1..; months of future value to predict
discount_rate: float = 0.01  # range: 0..1; monthly discount rate (0.008 is about 10% a year)
margin: float = 1.0  # range: 0..1; share of revenue that is profit (1 means value in revenue)
segment: str = "auto"  # orders column (value on the first order); auto: first of channel, device, country, source with 2+ groups of min_n; empty: none
top_segments: int = 8  # range: 1..; segments shown by size, the others together as other
min_n: int = 30  # range: 1..; segments with fewer customers are not shown
currency: str = "EUR"  # label for money amounts; a currency column in the orders wins
timezone: str = ""  # IANA time zone of timestamps written without one; empty means reject them

# %%
# Load the orders, summarise each customer and fit the models
import pandas as pd
from IPython.display import display

import cxlib
from cxlib import defaults, ltv, viz
from cxlib.ltv import checks
from cxlib.reports import resolve_data, tables_read
from cxlib.skipping import require_tables

viz.apply_theme()  # the cxlab look for every chart in this notebook

shop = cxlib.open_shop(resolve_data(data, engine), engine=engine, on_error="drop", timezone=timezone or None)
require_tables(shop, ["orders"], what="Customer lifetime value")
chosen_currency = defaults.shop_currency(shop.orders, currency)
currency = chosen_currency.value
chosen_segment = defaults.resolve_segment(shop.orders, segment, table_name="orders", min_n=min_n)
segment = chosen_segment.value
lumped = defaults.lump_segment(shop.orders, segment, top=top_segments)
orders = lumped.value
notes = [c.note for c in (chosen_currency, chosen_segment, lumped) if c.note]
by = [segment] if segment else None
rfm = ltv.rfm_summary(orders, unit, by=by, currency=currency)
first_purchase, observation_end = rfm.table["first_purchase"].min(), rfm.observation_end
why_not = checks.modelling_blocker(rfm)  # None when there are enough repeat buyers to model
not_modelled = "Not estimated: the key findings above say why."  # the reason is said once, at the top
holdout = defaults.auto_holdout_weeks(first_purchase, observation_end, holdout_weeks)
comparison = cumulative = verdict = None
chosen_model = "BG/NBD"
if why_not is None and holdout.value > 0:
    calibration_end = observation_end - pd.Timedelta(weeks=holdout.value)
    rfm_cal = ltv.rfm_summary(orders, unit, calibration_end, observation_end, by=by)
    too_few = checks.modelling_blocker(rfm_cal)
    if too_few is not None:
        holdout = defaults.Choice(
            0, f"No holdout test: before the last {holdout.value} weeks, {too_few[0].lower()}{too_few[1:]}"
        )
    else:
        calibrated = [ltv.fit_bgnbd(rfm_cal), ltv.fit_pareto_nbd(rfm_cal)]
        comparison = ltv.compare_models(rfm_cal, calibrated)
        judged = comparison.verdict()  # among fits that worked, a winner only beyond 2% holdout error
        verdict, chosen_model = judged.sentence, judged.used or "BG/NBD"
        best = calibrated[[m.NAME for m in calibrated].index(chosen_model)]
        cumulative = ltv.repeat_transactions_over_time(best, orders, calibration_end, observation_end)
purchases = spend = value = experience = None
problems: list[str] = []
why_no_experience = None
flags: list[checks.Flag] = []  # outputs that failed a sanity check: warnings, never findings
if why_not is None:
    fit = ltv.fit_pareto_nbd if chosen_model == "Pareto/NBD" else ltv.fit_bgnbd
    purchases = fit(rfm)
    spend = ltv.fit_gamma_gamma(rfm)
    problems = checks.fit_problems(purchases) + checks.fit_problems(spend)
    value = ltv.clv(
        purchases,
        spend,
        rfm,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        margin=margin,
        currency=currency,
    )
    segments = ltv.rfm_segments(rfm, clv=value, min_n=min_n)
    flags = checks.sanity_warnings(value, segments)
    why_no_experience = defaults.absent(
        shop.surveys, ["customer_id"], table_name="surveys", purpose="value by NPS group"
    )
    experience = (
        ltv.clv_by_nps(value, shop.surveys, min_n=min_n, currency=currency)
        if why_no_experience is None
        else None
    )
else:
    segments = ltv.rfm_segments(rfm, min_n=min_n)
flagged = {flag.quantity for flag in flags}
trusted = value is not None and not problems and checks.VALUE not in flagged  # else never a headline

# %%
# Report header and key findings: the answer, its size in money and customers, where to look next
display(
    viz.report_header(
        period=(first_purchase, observation_end),
        shop=shop,
        tables=tables_read("04_customer_lifetime_value"),
    )
)
if why_not:
    findings = [why_not]
elif trusted:
    findings = value.summary(flags) + segments.summary()  # a flagged number is left out
    findings += experience.summary() if experience is not None else []
else:
    findings = (problems[:2] or value.summary(flags)) + segments.summary()[:1]
if verdict is not None:
    findings.append(verdict)
viz.key_findings(findings)

# %%
# What the report chose from the data, and warnings
for sentence in notes + ([holdout.note] if holdout.note and why_not is None else []):
    display(viz.note(sentence))
warnings_found = problems + [flag.sentence for flag in flags]
if warnings_found:
    display(viz.key_findings(warnings_found, title="Warnings: read these figures with care"))

# %%
# Headline numbers for the index (and the cards above the sections)
from cxlib.reports import headline, headlines
from cxlib.reports.report_headlines import clv_headlines

if trusted:  # a fit that did not work or a flagged value never makes a headline
    display(clv_headlines(value, flags))
else:
    display(headlines(headline("CLV", "not estimated", verdict="needs attention", note="see the warnings")))

# %% [markdown]
# ## Customers and their purchases
#
# Orders on the same day count as one purchase. *Repeat purchases* are purchase days after a
# customer's first; the models learn from how many there were and how recent the last one is.

# %%
# Chart the customers by number of repeat purchases
rfm.show(table=False)

# %% [markdown]
# ## How good is the forecast?
#
# Both purchase models are fitted on the data before the holdout period and predict each
# customer's purchases in it. The chart compares the mean prediction with what customers
# actually did, by how often they had bought before. Fit statistics are in the appendix.

# %%
# Compare the models on the holdout period
if comparison is None:
    display(viz.note(not_modelled if why_not else holdout.note or "The holdout test is switched off."))
else:
    comparison.show(table=False, sentences=False)  # the verdict is among the key findings
    comparison.validation(chosen_model).show(figure=False, table=False)

# %% [markdown]
# ### Repeat purchases over time
#
# Cumulative repeat purchases of the customers acquired before the holdout, week by week: what
# they did and what the model used expected, through the calibration period and the holdout.

# %%
# Chart cumulative repeat purchases, actual and expected
if cumulative is not None:
    cumulative.show(table=False)

# %% [markdown]
# ## Who is still active?
#
# The probability that a customer is still active, by number of repeat purchases (rows) and
# the customer's age at her last purchase (columns), for customers as old as the oldest. A
# frequent buyer who has not bought for a long time has probably left; rarely buying customers
# are not yet suspicious after the same silence.

# %%
# Chart P(alive) and expected purchases over frequency and recency
if purchases is None:
    display(viz.note(not_modelled))
else:
    purchases.show(table=False, sentences=False)  # parameters and their meaning: appendix
    purchases.figure(
        "expected_purchases", horizon=horizon_months * 365.25 / 12 / (7 if unit == "W" else 1)
    ).show()
    gone = value.table["p_alive"] < 0.3
    if checks.ACTIVITY in flagged:  # the share would be a flagged number: the warning states it
        display(viz.note("How many customers have probably left is not given: the warnings above say why."))
    else:
        display(
            viz.note(
                f"{viz.format_percent(gone.mean(), 0)} of customers ({viz.format_count(gone.sum())}) have a "
                "probability below 30% of still being active; they are expected to make "
                f"{viz.format_count(value.table.loc[gone, 'expected_purchases'].sum())} of the "
                f"{viz.format_count(value.table['expected_purchases'].sum())} purchases of the next "
                f"{horizon_months} months; they are the customers a win-back campaign would address."
            )
        )

# %% [markdown]
# ## What are customers worth?
#
# Predicted value of the next months per customer: expected purchases × expected spend per
# purchase × margin, discounted monthly. Intervals reflect how well the models' parameters are
# known, not how much one customer's future can vary. The table ranks customers into tenths
# (deciles) by predicted value.

# %%
# Chart the CLV distribution and its concentration
if value is None:
    display(viz.note(not_modelled))
else:
    value.show(table=False, sentences=False)  # its sentences are the key findings
    value.breakdown("decile").show(figure=False, sentences=False)

# %% [markdown]
# ## Value by segment and cohort
#
# Total predicted value by the segment of each customer's first order and by the month of
# the first purchase (cohort), with 95% intervals. Segments with fewer than `min_n` customers
# are not shown.

# %%
# Chart value by segment and by cohort
if value is None:
    display(viz.note(not_modelled))
else:
    if not segment:
        display(viz.note(chosen_segment.note or "No segment split (the segment parameter is empty)."))
    else:
        by_segment = value.breakdown(segment, min_n=min_n)
        by_segment.show(figure=not by_segment.shown.empty, table=not by_segment.shown.empty)
    cohorts = value.breakdown("cohort", min_n=min_n)
    cohorts.show(figure=len(cohorts.shown) >= 2, table=False)

# %% [markdown]
# ## RFM segments
#
# Customers scored on recency (R) and frequency (F) and placed on the usual R × F grid:
# champions bought recently and often, hibernating customers neither. The predicted value shows
# which segments matter most.

# %%
# Chart and list the RFM segments
segments.show(sentences=not trusted)  # with a trusted CLV its sentences are key findings

# %% [markdown]
# ## Value and experience
#
# Mean predicted value of customers by their latest NPS answer (promoters 9–10, passives 7–8,
# detractors 0–6) and of customers who never answered. This is an association: unhappy
# customers may also be the ones who would buy less anyway.

# %%
# Chart predicted value by NPS group
if experience is None:
    display(viz.note(not_modelled if why_not else why_no_experience))
elif not trusted:
    display(viz.note("Not shown: the predicted values are not reliable (see the warnings above)."))
else:
    experience.show(sentences=False)  # its sentences are key findings

# %% [markdown]
# ## Appendix: model details
#
# For analysts: the fit statistics of both purchase models on the calibration period, and the
# parameters of the models that value the customers, with standard errors and 95% intervals.
# Purchase model: purchase rates vary across customers as Gamma(r, α) and dropout as
# Beta(a, b) (BG/NBD) or Gamma(s, β) (Pareto/NBD); spend model: the mean spend per purchase
# varies as in Gamma-Gamma (p, q, v).

# %%
# Model comparison table and the parameters of the fitted models
if comparison is not None:
    comparison.show(figure=False, sentences=False)  # the verdict and the holdout check are above
    display(viz.note(comparison.summary()[0]))  # each model's holdout error
if value is None:
    display(viz.note(not_modelled))
else:
    purchases.show(figure=False)
    spend.show(figure=False)
    if problems:
        display(viz.key_findings(problems, title="Fit problems"))
