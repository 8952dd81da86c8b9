"""The ``blend`` sentiment backend (issue 21, round 6).

* its score is ``w`` × the pretrained backend's score + (1 − ``w``) × the embedding backend's,
  with ``w`` read here straight from ``cxlib/voc/models/blend.json``; checked by hand on planted
  embeddings (the embedding part recomputed from the head's closed form ``2·σ(x·coef + b) − 1``
  plus its lexicon weight × the lexicon), and ``w`` = 1 or 0 gives exactly one backend;
* its labels follow the score with the ±0.05 threshold, its terms are the pretrained backend's;
* languages without a shipped pretrained model are scored by the embedding backend, texts in an
  unsupported language stay unsupported.

No runtime is needed: the embeddings are planted.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pytest

from cxlib import voc
from cxlib.voc.embedding import load_head

#: The module (``cxlib.voc.sentiment`` as an attribute is the function of the same name).
SENTIMENT_MODULE = importlib.import_module("cxlib.voc.sentiment")
BLEND_FILE = Path(__file__).resolve().parents[2] / "cxlib" / "voc" / "models" / "blend.json"
TEXTS = ["great product, works well", "terrible, broke after a day", "the parcel came on tuesday"]
#: Planted embeddings along the head's direction (positive, negative, near zero).
STRENGTH = np.array([0.3, -0.3, 0.02])


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    """Plant one embedding per text of :data:`TEXTS` (whatever the batch, in order)."""
    head = load_head()
    direction = head.coef.astype(np.float64) / np.linalg.norm(head.coef.astype(np.float64))
    vectors = (STRENGTH[:, None] * direction[None, :]).astype(np.float32)
    monkeypatch.setattr(SENTIMENT_MODULE, "embed", lambda batch: vectors[: len(batch)])
    return vectors


def stored_weight() -> float:
    return float(json.loads(BLEND_FILE.read_text("utf-8"))["pretrained_weight"])


def test_stored_weight_is_a_proper_mix() -> None:
    w = stored_weight()
    assert 0.0 < w < 1.0
    assert SENTIMENT_MODULE.blend_weight() == w


def test_blend_is_the_weighted_mean_of_the_two_backends(planted: np.ndarray) -> None:
    w = stored_weight()
    head = load_head()
    pretrained = voc.sentiment(TEXTS, langs="en", backend="pretrained").table
    lexicon = voc.sentiment(TEXTS, langs="en", backend="lexicon").table["score"].to_numpy()
    z = planted.astype(np.float64) @ head.coef.astype(np.float64) + head.intercept
    embedding_by_hand = np.clip(2 / (1 + np.exp(-z)) - 1 + head.lexicon_weight * lexicon, -1, 1)
    embedding = voc.sentiment(TEXTS, langs="en", backend="embedding").table["score"].to_numpy()
    np.testing.assert_allclose(embedding, embedding_by_hand, rtol=1e-9)
    expected = w * pretrained["score"].to_numpy() + (1 - w) * embedding_by_hand
    got = voc.sentiment(TEXTS, langs="en", backend="blend").table
    np.testing.assert_allclose(got["score"].to_numpy(), expected, rtol=1e-9, atol=1e-12)
    assert got["backend"].tolist() == ["blend"] * 3
    assert got["label"].tolist() == ["pos" if s >= 0.05 else "neg" if s <= -0.05 else "neu" for s in expected]
    assert got["terms"].tolist() == pretrained["terms"].tolist()
    assert (got["score"].abs() <= 1).all()


@pytest.mark.parametrize(("weight", "single"), [(1.0, "pretrained"), (0.0, "embedding")])
def test_extreme_weights_give_one_backend(
    monkeypatch: pytest.MonkeyPatch, planted: np.ndarray, weight: float, single: str
) -> None:
    monkeypatch.setattr(SENTIMENT_MODULE, "blend_weight", lambda: weight)
    got = voc.sentiment(TEXTS, langs="en", backend="blend").table
    alone = voc.sentiment(TEXTS, langs="en", backend=single).table
    np.testing.assert_allclose(got["score"].to_numpy(), alone["score"].to_numpy(), rtol=1e-12, atol=1e-15)
    assert got["label"].tolist() == alone["label"].tolist()


def test_languages_without_a_pretrained_model_use_the_embedding(planted: np.ndarray) -> None:
    texts = ["great product, works well", "Produto excelente, recomendo", "A termék hibás volt"]
    got = voc.sentiment(texts, langs=["en", "pt", "hu"], backend="blend").table
    assert "pt" not in voc.available_pretrained()
    assert got["backend"].tolist() == ["blend", "embedding", "none"]
    assert got["label"].iat[2] == "unsupported"
    alone = voc.sentiment(texts[1:2], langs="pt", backend="embedding").table
    assert got["score"].iat[1] == pytest.approx(alone["score"].iat[0], rel=1e-12)
