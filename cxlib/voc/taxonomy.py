"""The aspect taxonomy: what customers talk about, with keywords per language.

The package ships ``lexicons/aspects.yaml`` with nine e-commerce aspects (delivery, returns
and refunds, customer service, checkout and payment, product quality, price and value,
website and app, availability, packaging) and keywords in the lexicon languages. A user YAML
file of the same shape extends it: new aspects are added, keywords of existing aspects are
appended, and ``replace: true`` at the top level starts from an empty taxonomy instead.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cxlib.voc.lexicon import available_languages, load_lexicon, read_yaml
from cxlib.voc.matcher import ASPECT, BLOCK, Entry, Matcher, parse_pattern
from cxlib.voc.normalize import CJK_LANGS, normalize

__all__ = ["Taxonomy", "load_taxonomy"]


@dataclass(frozen=True)
class Taxonomy:
    """Aspects, their display labels and keywords per language.

    Attributes
    ----------
    aspects : tuple of str
        Aspect names in display order.
    labels : mapping
        Display label of each aspect ("Returns & refunds").
    keywords : mapping
        ``{aspect: {lang: (pattern, ...)}}`` as written.
    ignore : mapping
        ``{lang: (phrase, ...)}``: phrases that contain a keyword but are not about an aspect.
    """

    aspects: tuple[str, ...]
    labels: Mapping[str, str]
    keywords: Mapping[str, Mapping[str, tuple[str, ...]]]
    ignore: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    _matchers: dict[str, Matcher] = field(default_factory=dict, compare=False, repr=False)

    def matcher(self, lang: str) -> Matcher:
        """Compiled keyword matcher of one language (empty if the language has no keywords)."""
        if lang not in self._matchers:
            targets: dict[str, list[str]] = {}
            for aspect in self.aspects:
                for pattern in self.keywords[aspect].get(lang, ()):
                    norm = normalize(pattern, lang)
                    targets.setdefault(norm, [])
                    if aspect not in targets[norm]:
                        targets[norm].append(aspect)
            cjk = lang in CJK_LANGS
            entries = [self._entry(norm, cjk, ASPECT, tuple(aspects)) for norm, aspects in targets.items()]
            entries += [self._entry(normalize(p, lang), cjk, BLOCK, ()) for p in self.ignore.get(lang, ())]
            # Attached particles (Arabic و, ب, ال, ...) as the language's sentiment lexicon has them.
            proclitics = tuple(load_lexicon(lang).matcher.proclitics) if lang in available_languages() else ()
            self._matchers[lang] = Matcher(entries, cjk=cjk, proclitics=proclitics)
        return self._matchers[lang]

    @staticmethod
    def _entry(norm: str, cjk: bool, kind: int, aspects: tuple[str, ...]) -> Entry:
        words: tuple[str, ...]
        prefix: tuple[bool, ...]
        if cjk:
            words, prefix = (norm.replace("*", "").replace(" ", ""),), (False,)
        else:
            words, prefix = parse_pattern(norm)
        return Entry(words=words, prefix=prefix, kind=kind, label=norm, aspects=aspects)


def _merge(base: dict[str, Any], extra: Mapping[str, Any], where: str) -> None:
    """Merge a taxonomy mapping ``extra`` into ``base`` (in place)."""
    aspects = extra.get("aspects") or {}
    if not isinstance(aspects, Mapping):
        raise ValueError(f"{where}: 'aspects' must map aspect names to definitions")
    for name, spec in aspects.items():
        if not isinstance(name, str) or not isinstance(spec, Mapping):
            raise ValueError(f"{where}: aspect {name!r} must be a name with 'label' and 'keywords'")
        target = base["aspects"].setdefault(name, {"label": spec.get("label", name), "keywords": {}})
        if "label" in spec:
            target["label"] = str(spec["label"])
        for lang, words in (spec.get("keywords") or {}).items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ValueError(f"{where}: keywords of {name!r} in {lang!r} must be a list of text")
            target["keywords"].setdefault(str(lang), []).extend(words)
    for lang, words in (extra.get("ignore") or {}).items():
        base["ignore"].setdefault(str(lang), []).extend(str(w) for w in words)


@functools.cache
def _package_taxonomy() -> dict[str, Any]:
    return read_yaml(resources.files("cxlib.voc").joinpath("lexicons", "aspects.yaml"))


def load_taxonomy(extra: str | Path | Mapping[str, Any] | None = None) -> Taxonomy:
    """Load the package taxonomy, optionally extended by a YAML file or a mapping.

    Parameters
    ----------
    extra : path or mapping, optional
        Same shape as ``lexicons/aspects.yaml``::

            aspects:
              sustainability:
                label: Sustainability
                keywords:
                  en: [plastic, recycl*, eco*]
                  pl: [plastik*, ekolog*]
            ignore:
              en: [plastic card]

        With ``replace: true`` at the top level the package taxonomy is not used.

    Returns
    -------
    Taxonomy
    """
    data: dict[str, Any] = {"aspects": {}, "ignore": {}}
    added: Mapping[str, Any] | None = None
    if extra is not None:
        added = extra if isinstance(extra, Mapping) else read_yaml(extra)
    if not (added and added.get("replace")):
        _merge(data, _package_taxonomy(), "lexicons/aspects.yaml")
    if added:
        _merge(data, added, str(extra) if not isinstance(extra, Mapping) else "taxonomy mapping")
    if not data["aspects"]:
        raise ValueError("the taxonomy has no aspects")
    return Taxonomy(
        aspects=tuple(data["aspects"]),
        labels={k: v["label"] for k, v in data["aspects"].items()},
        keywords={
            k: {lang: tuple(ws) for lang, ws in v["keywords"].items()} for k, v in data["aspects"].items()
        },
        ignore={lang: tuple(ws) for lang, ws in data["ignore"].items()},
    )
