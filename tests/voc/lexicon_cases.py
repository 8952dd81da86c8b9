"""Shared helper of the hand-written lexicon case tests."""

from __future__ import annotations

from cxlib.voc.lexicon import load_lexicon, score_text


def scored(text: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """The hand-written lexicon's label (``pos``/``neu``/``neg`` at ±0.05) and terms of ``text``."""
    s = score_text(text, load_lexicon(lang))
    label = "pos" if s.score >= 0.05 else "neg" if s.score <= -0.05 else "neu"
    return label, s.terms
