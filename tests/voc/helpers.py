"""Shared helpers of the VoC tests: the hand-written lexicon cases, the benchmark scripts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from cxlib.voc.lexicon import load_lexicon, score_text


def scored(text: str, lang: str) -> tuple[str, tuple[str, ...]]:
    """The hand-written lexicon's label (``pos``/``neu``/``neg`` at ±0.05) and terms of ``text``."""
    s = score_text(text, load_lexicon(lang))
    label = "pos" if s.score >= 0.05 else "neg" if s.score <= -0.05 else "neu"
    return label, s.terms


def load_script(path: Path, name: str) -> ModuleType:
    """Import the script at ``path`` (not a package) under ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
