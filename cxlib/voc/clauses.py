"""The clause a contrast word puts the weight on, for the model backends.

"Looks good but tasted old" is negative: what follows "but" outweighs what comes before. The
lexicon backend weighs its clauses itself (:mod:`cxlib.voc.lexicon`); a model that reads the
whole text (the shipped character n-gram models, the embedding head) does not. This module
finds, per text, the raw text after its last contrast word — the contrast words of the
language's lexicon ("but", "ale", "mais", "pero", "但是", "لكن", ...), matched the same way
(after :func:`cxlib.voc.normalize.normalize`, as whole words, or as substrings in Chinese) —
and :func:`contrast_scores` mixes a model's score of that clause into its score of the whole
text: ``(1 − w) · score(text) + w · score(clause)``, where the clause's score has the sign of
the lexicon's score of the text.

A contrast word that opens the text ("But it works"), or that nothing follows ("not arrived
yet"), splits nothing. An interjection that looks like a contrast word (Polish "ale super!",
"what a great ...") starts the exclamation it belongs to, so the clause after it carries the
same sentiment as the exclamation.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Sequence

import numpy as np

from cxlib.voc.lexicon import Lexicon, load_lexicon
from cxlib.voc.matcher import CONTRAST, Entry
from cxlib.voc.normalize import normalize, token_regex

__all__ = ["CONTRAST_WEIGHT", "NOT_ADVERSATIVE", "after_contrast", "contrast_scores"]

#: Contrast words of the lexicons that do not mark the clause after them as the one that counts:
#: concessive conjunctions ("although X": the main clause is the other one), "except" (the
#: exception rarely outweighs the rule) and Chinese 就是/只是 (also "is", "only").
NOT_ADVERSATIVE: frozenset[str] = frozenset(
    normalize(w)
    for w in (
        *("although", "though", "except", "hoci", "aj keď", "chociaż", "choć", "aczkolwiek"),
        *("ačkoli", "ačkoliv", "přestože", "i když", "obwohl", "hoewel", "ofschoon", "behalve"),
        *("aunque", "excepto", "anche se", "embora", "apesar", "malgré", "sauf", "رغم", "مع ان"),
        *("بينما", "就是", "只是"),
    )
)
#: Weight ``w`` of the clause after the last contrast word in a model's score (chosen on the dev
#: splits of the 19 evaluation corpora with ``benchmarks/tune_contrast.py``,
#: ``benchmarks/voc_eval/RESULTS.md``, round 7; 0.5 in round 6).
CONTRAST_WEIGHT = 0.3


@functools.cache
def _fold_char(ch: str, lang: str) -> str:
    return normalize(ch, lang)


def _folded(text: str, lang: str) -> tuple[str, list[int]]:
    """``text`` normalised character by character, and where each raw character starts in it."""
    parts = [_fold_char(ch, lang) for ch in text]
    return "".join(parts), list(itertools.accumulate((len(p) for p in parts), initial=0))


@functools.cache
def _contrast_forms(lang: str, extra: str | None) -> tuple[str, ...]:
    """Normalised contrast words of a lexicon (a cheap substring test before matching)."""
    lex = load_lexicon(lang, extra)
    sep = "" if lex.cjk else " "
    forms = (sep.join(e.words) for e in lex.matcher.entries if e.kind == CONTRAST)
    return tuple(f for f in forms if f not in NOT_ADVERSATIVE)


def _splits(entry: Entry, start: int, lex: Lexicon) -> bool:
    """Whether a matched unit is an adversative contrast word that does not open the text."""
    return (
        entry.kind == CONTRAST
        and start > 0
        and ("" if lex.cjk else " ").join(entry.words) not in NOT_ADVERSATIVE
    )


def _split_at(text: str, lang: str, extra: str | None) -> int | None:
    """Raw index where the clause after the last contrast word starts, or None."""
    forms = _contrast_forms(lang, extra)
    quick = normalize(text, lang)
    if not any(f in quick for f in forms):
        return None
    lex = load_lexicon(lang, extra)
    folded, starts = _folded(text, lang)
    if lex.cjk:
        ends = [end for entry, start, end, _ in lex.matcher.char_units(folded) if _splits(entry, start, lex)]
    else:
        spans = [m.span() for m in token_regex(lex.token_chars).finditer(folded)]
        units = lex.matcher.token_units([folded[a:b] for a, b in spans])
        ends = [spans[end - 1][1] for entry, start, end, _ in units if _splits(entry, start, lex)]
    if not ends:
        return None
    cut = bisect.bisect_left(starts, ends[-1])
    rest = text[cut:]
    return cut if any(ch.isalnum() for ch in rest) else None


def after_contrast(texts: Sequence[str], lang: str, extra: str | None = None) -> list[str | None]:
    """Return the raw text after the last adversative contrast word of each text (None: no such clause).

    Parameters
    ----------
    texts : sequence of str
    lang : str
        ISO 639-1 code of a language with a lexicon (its ``contrast`` words are used).
    extra : str, optional
        Path of an extra lexicon YAML file (its ``contrast`` words are added).

    Returns
    -------
    list of str or None
        The clause (stripped of spaces and leading punctuation) where a contrast word that does
        not open the text is followed by a letter or digit; None elsewhere.

    Examples
    --------
    >>> after_contrast(["Looks good but tasted old", "But it works", "Great!"], "en")
    ['tasted old', None, None]
    """
    out: list[str | None] = []
    for text in texts:
        cut = _split_at(text, lang, extra)
        out.append(None if cut is None else text[cut:].lstrip(" ,;:-–—،，、").strip())
    return out


def contrast_scores(
    scores: np.ndarray,
    texts: Sequence[str],
    lang: str,
    score: Callable[[list[str]], np.ndarray],
    *,
    lexicon_scores: np.ndarray,
    weight: float = CONTRAST_WEIGHT,
    extra: str | None = None,
    clauses: Sequence[str | None] | None = None,
) -> np.ndarray:
    """Mix a model's score of the clause after a contrast word into its score of the whole text.

    ``(1 − weight) · scores + weight · score(clause)`` for a text with a clause after an
    adversative contrast word (:func:`after_contrast`) whose model score has the sign of the
    lexicon's score of the text (the lexicon weighs the clauses itself, so it confirms which
    way the contrast turns); ``scores`` elsewhere. Only the clauses are scored again.

    Parameters
    ----------
    scores : numpy.ndarray
        The model's scores in [−1, 1] of ``texts``.
    texts : sequence of str
    lang : str
        ISO 639-1 code of a language with a lexicon.
    score : callable
        The model: scores in [−1, 1] of a list of texts (one float per text).
    lexicon_scores : numpy.ndarray
        The lexicon's scores of ``texts`` (:func:`cxlib.voc.lexicon.score_text`).
    weight : float, default CONTRAST_WEIGHT
        Weight of the clause, in [0, 1].
    extra : str, optional
        Path of an extra lexicon YAML file.
    clauses : sequence of str or None, optional
        :func:`after_contrast` of ``texts``, when the caller has it already.

    Returns
    -------
    numpy.ndarray
        One score per text.
    """
    if not 0 <= weight <= 1:
        raise ValueError("weight must be in [0, 1]")
    out = np.array(scores, dtype=float)
    if weight == 0:
        return out
    if clauses is None:
        clauses = after_contrast(texts, lang, extra)
    rows = np.array([i for i, c in enumerate(clauses) if c is not None], dtype=np.int64)
    if len(rows) == 0:
        return out
    after = np.asarray(score([str(clauses[i]) for i in rows]), dtype=float)
    agree = np.sign(after) == np.sign(np.asarray(lexicon_scores, dtype=float)[rows])
    rows, after = rows[agree], after[agree]
    out[rows] = (1 - weight) * out[rows] + weight * after
    return out
