"""Exact Markov-chain attribution: removal effects from the absorbing chain by linear algebra.

States are ``(start)``, the (order-k) channel states, and the absorbing ``(conversion)`` and
``(null)``. With Q the transient-to-transient transition probabilities and r the
probabilities of converting in one step, the probability of eventually converting from
each state solves (I − Q) x = r, so P(conversion) = x[start] (Anderl, Becker, von
Wangenheim & Schumann 2016, "Mapping the customer journey: lessons learned from graph-based
online attribution modeling", IJRM 33(3); docs/methods.md). Removing a channel sends every
state that contains it to ``(null)``; its removal effect is 1 − P(conversion | removed) /
P(conversion). No simulation is involved, so results are exact up to floating point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import spsolve

__all__ = ["MarkovFit", "fit_markov"]

START = "(start)"
CONVERSION = "(conversion)"
NULL = "(null)"


@dataclass(frozen=True)
class MarkovFit:
    """A fitted absorbing Markov chain and its removal effects.

    Attributes
    ----------
    channels : list of str
    removal_effect, removal_effect_value : numpy.ndarray
        Per channel: 1 − P(conversion | channel removed)/P(conversion), and the same for
        the expected conversion value.
    conversion_probability : float
        P(conversion) from ``(start)``.
    expected_value : float
        Expected conversion value per journey from ``(start)``.
    transitions : pandas.DataFrame
        ``from``, ``to`` (states as ``"a > b"`` for order > 1), ``count``, ``probability``.
    """

    channels: list[str]
    removal_effect: np.ndarray
    removal_effect_value: np.ndarray
    conversion_probability: float
    expected_value: float
    transitions: pd.DataFrame


def _state_sequences(paths: list[tuple[str, ...]], order: int) -> list[list[tuple[str, ...]]]:
    """Collapse repeated consecutive channels, then states = the last ``order`` channels."""
    out = []
    for path in paths:
        collapsed = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
        out.append([tuple(collapsed[max(0, i - order + 1) : i + 1]) for i in range(len(collapsed))])
    return out


def fit_markov(
    paths: list[tuple[str, ...]],
    conversions: np.ndarray,
    nulls: np.ndarray,
    values: np.ndarray,
    *,
    order: int = 1,
) -> MarkovFit:
    """Fit the order-``order`` chain on weighted paths and compute exact removal effects.

    Parameters
    ----------
    paths : list of tuple of str
        Channel sequences (repeated consecutive channels are collapsed, as in
        ChannelAttribution).
    conversions, nulls, values : array_like
        Per path: number of journeys that converted, that did not, and the converting
        journeys' total value. A path's transitions are weighted by conversions + nulls.
    order : int, default 1
        Markov order: a state is the last ``order`` channels.

    Returns
    -------
    MarkovFit

    Notes
    -----
    The value of a conversion is modelled by the state it converts from: each state's mean
    conversion value (its converting journeys' value over their number). The expected
    value from ``(start)`` is then y[start] with (I − Q) y = r ∘ v̄, and the value removal
    effect is 1 − E[value | removed]/E[value].
    """
    if order < 1:
        raise ValueError(f"order must be at least 1, not {order}")
    conversions = np.asarray(conversions, dtype="float64")
    nulls = np.asarray(nulls, dtype="float64")
    values = np.asarray(values, dtype="float64")
    sequences = _state_sequences(paths, order)
    index: dict[tuple[str, ...], int] = {}
    src: list[int] = []
    dst: list[int] = []
    wts: list[float] = []
    ends: list[int] = []
    for seq, conv, null in zip(sequences, conversions, nulls, strict=True):
        weight = conv + null
        if not seq or weight <= 0:
            ends.append(-1)
            continue
        ids = [index.setdefault(state, len(index) + 1) for state in seq]  # 0 is (start)
        src += [0, *ids[:-1]]
        dst += ids
        wts += [weight] * len(ids)
        ends.append(ids[-1])
    n = len(index) + 1
    counts = sparse.coo_matrix((wts, (src, dst)), shape=(n, n)).tocsr()
    ends_arr = np.asarray(ends, dtype="int64")
    used = ends_arr >= 0
    conv_counts = np.bincount(ends_arr[used], weights=conversions[used], minlength=n)
    null_counts = np.bincount(ends_arr[used], weights=nulls[used], minlength=n)
    value_sums = np.bincount(ends_arr[used], weights=values[used], minlength=n)
    totals = np.asarray(counts.sum(axis=1)).ravel() + conv_counts + null_counts
    safe = np.where(totals > 0, totals, 1.0)
    q = sparse.diags(1.0 / safe) @ counts
    r = conv_counts / safe
    mean_value = np.divide(value_sums, conv_counts, out=np.zeros(n), where=conv_counts > 0)

    states = [(START,), *list(index)]
    channels = sorted({c for state in index for c in state})
    p_conv, e_value = _absorb(q, r, mean_value, keep=np.ones(n, dtype=bool))
    effects = np.zeros(len(channels))
    value_effects = np.zeros(len(channels))
    for i, channel in enumerate(channels):
        keep = np.array([channel not in state for state in states])
        p, v = _absorb(q, r, mean_value, keep=keep)
        effects[i] = 1.0 - p / p_conv if p_conv > 0 else 0.0
        value_effects[i] = 1.0 - v / e_value if e_value > 0 else 0.0
    return MarkovFit(
        channels=channels,
        removal_effect=effects,
        removal_effect_value=value_effects,
        conversion_probability=p_conv,
        expected_value=e_value,
        transitions=_transition_table(states, counts, conv_counts, null_counts, totals),
    )


def _absorb(
    q: sparse.csr_matrix, r: np.ndarray, mean_value: np.ndarray, keep: np.ndarray
) -> tuple[float, float]:
    """P(conversion) and E[value] from (start) when states with ``keep == False`` lead to (null)."""
    mask = sparse.diags(keep.astype("float64"))
    q_kept = mask @ q  # removed states' rows become empty: they absorb into (null)
    r_kept = np.where(keep, r, 0.0)
    system = (sparse.identity(q.shape[0], format="csc") - q_kept).tocsc()
    rhs = np.column_stack([r_kept, r_kept * mean_value])
    solution = np.asarray(spsolve(system, rhs)).reshape(q.shape[0], 2)
    return float(solution[0, 0]), float(solution[0, 1])


def _transition_table(
    states: list[tuple[str, ...]],
    counts: sparse.csr_matrix,
    conv_counts: np.ndarray,
    null_counts: np.ndarray,
    totals: np.ndarray,
) -> pd.DataFrame:
    names = [" > ".join(s) for s in states]
    coo = counts.tocoo()
    frm = (
        [names[i] for i in coo.row]
        + [names[i] for i in np.flatnonzero(conv_counts)]
        + [names[i] for i in np.flatnonzero(null_counts)]
    )
    to = (
        [names[j] for j in coo.col]
        + [CONVERSION] * int(np.count_nonzero(conv_counts))
        + [NULL] * int(np.count_nonzero(null_counts))
    )
    cnt = np.concatenate([coo.data, conv_counts[conv_counts > 0], null_counts[null_counts > 0]])
    row_total = np.concatenate([totals[coo.row], totals[conv_counts > 0], totals[null_counts > 0]])
    table = pd.DataFrame({"from": frm, "to": to, "count": cnt, "probability": cnt / row_total})
    table = table.sort_values(["from", "probability", "to"], ascending=[True, False, True], kind="stable")
    table = table.astype({"from": "str", "to": "str", "count": "float64", "probability": "float64"})
    return table.reset_index(drop=True)
