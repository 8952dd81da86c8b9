"""Fixtures of the voice-of-the-customer tests: the sample shop's texts (loaded once)."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from tests.voc.helpers import load_script

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


def _benchmark_script(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` (a script, not a package) under its own name."""
    return load_script(REPO / "benchmarks" / f"{name}.py", name)


@pytest.fixture(scope="session")
def train() -> ModuleType:
    """``benchmarks/train_voc_models.py``, imported once."""
    return _benchmark_script("train_voc_models")


@pytest.fixture(scope="session")
def converter() -> ModuleType:
    """``benchmarks/import_public_lexicons.py``, imported once."""
    return _benchmark_script("import_public_lexicons")


def _sample_or_skip() -> Path:
    if (SAMPLE / "feedback.parquet").is_file() and (SAMPLE / "surveys.parquet").is_file():
        return SAMPLE
    if os.environ.get("CI") == "true":
        pytest.fail(f"the sample shop is missing in {SAMPLE}: run `make sample`")
    pytest.skip(f"no sample shop in {SAMPLE} (run `make sample`)")


@pytest.fixture(scope="session")
def sample_shop():
    """The committed sample shop, opened and validated."""
    import cxlib

    return cxlib.open_shop(_sample_or_skip())


@pytest.fixture(scope="session")
def sample_feedback(sample_shop) -> pd.DataFrame:
    """The sample feedback table as pandas."""
    from cxlib.engine import to_pandas

    return to_pandas(sample_shop.feedback)


@pytest.fixture(scope="session")
def sample_model(sample_shop):
    """Sentiment models trained on the sample shop's rated reviews (5-fold CV)."""
    from cxlib import voc

    return voc.train_sentiment(sample_shop.feedback, embeddings=False)  # no embedding: fast tests


@pytest.fixture(autouse=True)
def _no_embedding_runtime_for_auto(monkeypatch):
    """``auto`` as without the optional embedding runtime, whether or not it is installed here.

    With the runtime, ``auto`` embeds in most languages (``cxlib.voc.sentiment.auto_backends``);
    the tests of that path (``test_sentiment_auto.py``) set ``available`` themselves.
    """
    from cxlib.voc import embedding

    monkeypatch.setattr(embedding, "available", lambda: False)
