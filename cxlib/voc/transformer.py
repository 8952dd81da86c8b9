"""The optional transformers backend: a sentiment model in a local directory, never downloaded.

The user points ``model_dir`` at a Hugging Face text-classification model saved on disk
(``config.json``, weights, tokenizer files). cxlib sets the Hugging Face offline switches and
loads with ``local_files_only=True``, so a missing file is an error, not a download. Needs the
optional packages ``transformers`` and ``torch``.

Label names are mapped onto cxlib's three labels: names containing "neg"/"pos"/"neu" (any
case), star labels ("1 star" … "5 stars"), or ``LABEL_0`` … (two labels: negative, positive;
three: negative, neutral, positive — the convention of the widely used sentiment models).
The score is P(positive) − P(negative); for star models (E[stars] − 3) / 2.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["label_polarity", "transformer_scores"]

_STARS = re.compile(r"^\s*([1-5])\s*stars?\s*$", re.IGNORECASE)


def label_polarity(name: str, n_labels: int) -> tuple[str, float]:
    """Map a model label to (``neg``/``neu``/``pos`` or ``stars``, value).

    For star labels the value is the number of stars; otherwise it is +1, 0 or −1.
    """
    lowered = name.lower()
    star = _STARS.match(name)
    if star:
        return "stars", float(star.group(1))
    if "neg" in lowered:
        return "neg", -1.0
    if "pos" in lowered:
        return "pos", 1.0
    if "neu" in lowered:
        return "neu", 0.0
    generic = re.fullmatch(r"label_(\d+)", lowered)
    if generic and n_labels in (2, 3):
        order = ("neg", "pos") if n_labels == 2 else ("neg", "neu", "pos")
        k = int(generic.group(1))
        if k < n_labels:
            label = order[k]
            return label, {"neg": -1.0, "neu": 0.0, "pos": 1.0}[label]
    raise ValueError(f"cannot tell the sentiment of model label {name!r}; rename the labels in config.json")


def _score(ranked: Sequence[Mapping[str, Any]]) -> tuple[float, str]:
    """Score in [−1, 1] and the top label from one text's label probabilities."""
    n = len(ranked)
    total, stars = 0.0, 0.0
    is_stars = False
    for item in ranked:
        kind, value = label_polarity(str(item["label"]), n)
        if kind == "stars":
            is_stars = True
            stars += value * float(item["score"])
        else:
            total += value * float(item["score"])
    score = (stars - 3.0) / 2.0 if is_stars else total
    top = max(ranked, key=lambda item: float(item["score"]))
    return float(np.clip(score, -1.0, 1.0)), str(top["label"])


def transformer_scores(
    texts: Sequence[str], model_dir: str | Path, *, batch_size: int = 32
) -> tuple[np.ndarray, list[list[str]]]:
    """Score texts with a local text-classification model.

    Parameters
    ----------
    texts : sequence of str
    model_dir : path
        Directory of a saved Hugging Face model (must contain ``config.json``).
    batch_size : int, default 32

    Returns
    -------
    scores : numpy.ndarray
        P(positive) − P(negative), in [−1, 1].
    terms : list of list of str
        ``["model:<top label>"]`` per text (the model gives no term-level reasons).
    """
    path = Path(model_dir).expanduser()
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"{path} is not a saved model directory (no config.json); cxlib never downloads models"
        )
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import transformers
    except ImportError as exc:
        raise ImportError("the transformers backend needs `pip install transformers torch`") from exc
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(str(path), local_files_only=True)
    classify = transformers.pipeline("text-classification", model=model, tokenizer=tokenizer, top_k=None)
    outputs = classify(list(texts), batch_size=batch_size, truncation=True)
    scores = np.zeros(len(texts))
    terms: list[list[str]] = []
    for i, ranked in enumerate(outputs):
        scores[i], top = _score(ranked)
        terms.append([f"model:{top}"])
    return scores, terms
