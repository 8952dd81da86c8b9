"""Public lexicons: the converter, the merge under the hand-written lexicons, and who reads them."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from cxlib import voc
from cxlib.voc.embedding import DIM, EmbeddingHead
from cxlib.voc.lexicon import load_lexicon, read_yaml, score_text
from cxlib.voc.normalize import normalize, tokens

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
PUBLIC = REPO / "cxlib" / "voc" / "lexicons" / "public"
SENTIMENT_MODULE = importlib.import_module("cxlib.voc.sentiment")
#: A word of the public Italian lexicon that the hand-written one does not know ("gripping").
PUBLIC_WORD = "Una serie avvincente."


def test_converter_regenerates_the_committed_sample_byte_for_byte(
    converter: ModuleType, tmp_path: Path
) -> None:
    converter.main(["it=" + str(DATA / "it-sentiment-sample.xml"), "--out", str(tmp_path)])
    assert (tmp_path / "it.yaml").read_bytes() == (DATA / "it-sentiment-sample.yaml").read_bytes()


def test_converter_averages_senses_and_applies_the_thresholds(converter: ModuleType) -> None:
    xml = (DATA / "it-sentiment-sample.xml").read_bytes()
    terms = converter.convert(xml, "it", min_polarity=0.5, min_confidence=0.0, scale=2.0)
    assert terms["ottimo"] == 1.5  # "Ottimo" 1.0 and "ottimo" 0.5: one word, mean 0.75
    assert terms["mediocre"] == -1.2
    assert "tiepido" not in terms  # |0.2| < 0.5
    assert "ambiguo" not in terms  # senses +0.6 and -0.6 cancel out
    assert "per niente" not in terms  # phrases are not imported
    assert "piatto" not in terms  # excluded: "dish" in everyday Italian
    assert "buono" not in converter.convert(xml, "it", min_polarity=0.5, min_confidence=0.8, scale=2.0)


def test_committed_public_files_name_source_and_licence() -> None:
    for path in sorted(PUBLIC.glob("*.yaml")):
        text = path.read_text("utf-8")
        assert "GENERATED" in text and "# Licence: " in text and "# Input SHA-256: " in text
        terms = read_yaml(path)["terms"]["public"]
        assert f"; {len(terms)} terms." in text
        for word in terms:
            assert tokens(normalize(word, path.stem)) == [normalize(word, path.stem)]


def test_load_lexicon_reads_the_public_terms_only_when_asked() -> None:
    result = score_text(PUBLIC_WORD, load_lexicon("it", public=True))
    assert result.terms == ("avvincente",)
    assert result.score > 0
    assert score_text(PUBLIC_WORD, load_lexicon("it")).terms == ()
    assert load_lexicon("it", public=True).n_terms > load_lexicon("it").n_terms


def test_hand_written_stem_wins_over_the_public_word() -> None:
    public = read_yaml(PUBLIC / "it.yaml")["terms"]["public"]
    assert public["deluso"] == -1.3
    assert score_text("Sono deluso.", load_lexicon("it", public=True)).terms == ("delus*",)


def test_public_word_that_is_a_negator_or_an_intensifier_is_ignored(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("intensifiers:\n  avvincente: 1.5\n", "utf-8")
    lex = load_lexicon("it", str(extra), public=True)
    assert score_text(PUBLIC_WORD, lex).terms == ()


def test_lexicon_backend_and_auto_without_runtime_read_a_public_term() -> None:
    """Without the embedding runtime (switched off by conftest) ``auto`` uses the lexicon in Italian."""
    for backend in ("lexicon", "auto"):
        table = voc.sentiment([PUBLIC_WORD], langs="it", backend=backend).table
        assert table["backend"].tolist() == ["lexicon"]
        assert table["terms"].tolist() == [["avvincente"]]
        assert table["label"].tolist() == ["pos"]


def test_model_backends_read_the_hand_written_lexicon_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted head that scores 0: the embedding backend's score is its lexicon share alone."""
    head = EmbeddingHead(coef=np.zeros(DIM, dtype=np.float32), intercept=0.0, lexicon_weight=0.5)
    monkeypatch.setattr(SENTIMENT_MODULE, "load_head", lambda: head)
    monkeypatch.setattr(SENTIMENT_MODULE, "embed", lambda t: np.zeros((len(t), DIM), dtype=np.float32))
    reading = SENTIMENT_MODULE._read_lexicon([PUBLIC_WORD], "it", None)
    assert reading.terms == [[]]
    assert reading.scores.tolist() == [0.0]
    table = voc.sentiment([PUBLIC_WORD], langs="it", backend="embedding").table
    assert table["terms"].tolist() == [[]]
    assert table["score"].tolist() == [0.0]
