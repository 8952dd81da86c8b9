"""Round 7's head grid scores candidates through the real embedding backend
(benchmarks/train_voc_models.py ``backend_labels``, ``head_of``): a planted head, planted
embeddings, and the labels compared with ``voc.sentiment(..., backend="embedding")`` run directly.
"""

from __future__ import annotations

import hashlib
import importlib
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from cxlib import voc
from cxlib.voc.embedding import DIM, EmbeddingHead

SENTIMENT_MODULE = importlib.import_module("cxlib.voc.sentiment")


def planted_embed(texts: list[str]) -> np.ndarray:
    """A fixed unit vector per text (from its SHA-1), so the head's score differs between texts."""
    rows = []
    for text in texts:
        seed = int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).normal(size=DIM)
        rows.append(v / np.linalg.norm(v))
    return np.asarray(rows, dtype=np.float32).reshape(len(texts), DIM)


DEV = pd.DataFrame(
    {
        "text": [
            "great product, fast delivery",
            "it broke after two days",
            "looks nice but the quality is poor",
            "sooooo good",
            "Produkt super, polecam",
            "nie polecam, zepsuł się",
        ],
        "label": ["pos", "neg", "neg", "pos", "pos", "neg"],
        "lang": ["en", "en", "en", "en", "pl", "pl"],
        "corpus": ["a", "a", "b", "b", "c", "c"],
    }
)


def test_backend_labels_equal_the_backend_with_that_head(
    train: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    coef = np.random.default_rng(1).normal(size=DIM) * 3
    head = train.head_of(coef, 0.2, 2.0, 0.25)
    monkeypatch.setattr(train, "cached_embeddings", planted_embed)
    got = train.backend_labels(head, DEV)
    # restored afterwards: the shipped head and the real embed function
    assert SENTIMENT_MODULE.load_head is importlib.import_module("cxlib.voc.embedding").load_head
    assert SENTIMENT_MODULE.embed is importlib.import_module("cxlib.voc.embedding").embed
    monkeypatch.setattr(SENTIMENT_MODULE, "load_head", lambda: head)
    monkeypatch.setattr(SENTIMENT_MODULE, "embed", planted_embed)
    expected = np.concatenate(
        [
            voc.sentiment(part["text"].tolist(), langs=lang, backend="embedding").table["label"].to_numpy(str)
            for (lang, _), part in DEV.groupby(["lang", "corpus"], sort=True)
        ]
    )
    order = np.concatenate([part.index.to_numpy() for _, part in DEV.groupby(["lang", "corpus"], sort=True)])
    assert got[order].tolist() == expected.tolist()
    assert set(got) <= {"pos", "neg", "neu"}


def test_head_of_folds_the_temperature_into_float16_weights(train: ModuleType) -> None:
    coef = np.array([0.1234567, -2.5, 1e-3] + [0.0] * (DIM - 3))
    head = train.head_of(coef, -0.75, 2.0, 0.25)
    assert head.coef.dtype == np.float32
    np.testing.assert_array_equal(head.coef, (2.0 * coef).astype(np.float16).astype(np.float32))
    assert head.intercept == -1.5 and head.lexicon_weight == 0.25
    x = np.zeros((1, DIM))
    x[0, 1] = 0.2  # x·w + b = 0.2 × −5 − 1.5 = −2.5
    np.testing.assert_allclose(head.predict(x), [2 / (1 + np.exp(2.5)) - 1], atol=1e-6)
    assert isinstance(head, EmbeddingHead)


def test_the_training_settings_are_those_of_the_shipped_head(train: ModuleType) -> None:
    from cxlib.voc.embedding import load_head

    shipped = load_head()
    assert train.HEAD_SETTINGS["lexicon_weight"] == shipped.lexicon_weight
    assert train.HEAD_SETTINGS["temperature"] == 2.0
