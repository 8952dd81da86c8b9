"""The lexicon sentiment backend: curated e-commerce terms, negation, intensifiers, contrast.

Each supported language has a hand-written YAML lexicon in ``cxlib/voc/lexicons/`` (``en``,
``pl``, ``nl``, ``sk``, ``cs``, ``zh``, ``ar``, ``de``, ``fr``, ``es``, ``it``, ``pt``) covering delivery,
returns, customer service, product quality, checkout, price, website, availability,
packaging and general praise or complaint, plus emoji shared by all languages. A language may
also have a generated public lexicon in ``cxlib/voc/lexicons/public/`` (written by
``benchmarks/import_public_lexicons.py`` from Pattern's and the German Polarity Lexicon's
word lists; source and licence in each file's header). ``load_lexicon(lang, public=True)``
adds its single words where the hand-written lexicon knows nothing of the word, so a
hand-written term, stem, negator, intensifier or contrast word always wins. Only the
``lexicon`` backend reads them (:func:`cxlib.voc.sentiment.sentiment` with
``backend="lexicon"``, and ``auto`` where it falls back to the lexicon): measured on the dev
splits, they lift the lexicon backend by up to 17.5 points per corpus, but in the lexicon
share and cap of the model backends they gained little or cost texts
(``benchmarks/voc_eval/RESULTS.md``, round 8), so those, the aspects and the trained model's
features read the hand-written lexicon alone.
A text is scored the way VADER scores English (Hutto & Gilbert 2014), with the rules made per
language:

* each matched term contributes its weight (−3 … +3);
* an intensifier right before the term multiplies it ("very", "bardzo", "很"); a post-intensifier
  right after it (Arabic "جدا"; adverbs of ease: "breaks easily", "se rompe con facilidad");
  words that are both ("strašne", "super", "easily") act as a term when they modify nothing;
* a stretched word ("sooooo", "ممتاااز") reads as the lexicon word it stands for;
* a negator up to ``negation_scope`` tokens before the term (not across a comma) multiplies it
  by −0.75 ("not good", "nie polecam", "不满意" is listed as a term); so do the negation
  prefixes of Polish, Slovak and Czech ("niezadowolony", "nefunguje");
* a wish or counterfactual ("should be faster", "hätte freundlicher sein können", "aurait pu
  être plus aimable", "mogłaby być milsza"; the language's ``wishes``) turns the praise in its
  part of the sentence (up to a comma) into a complaint: its positive terms count × −0.75,
  like negated ones, and are reported as ``wish:<term>``; a modal of ``wish_modals`` counts as
  a wish only with one of ``wish_verbs`` after it in the same part (German puts the infinitive
  last: "Die Lieferung sollte schneller sein" is a wish, "Jeder sollte dieses tolle Hotel
  besuchen" a recommendation);
* within a sentence, a contrast word ("but", "ale", "但是", "لكن") halves what comes before it
  and weighs what follows by 1.5; a sentence that opens with one halves the sentences before;
  a contrast adverb (the language's ``contrast_adverbs``: German "jedoch", Czech "však") acts
  from the start of its part of the sentence (up to a comma), wherever it stands in it ("Das
  Bad war jedoch schmutzig" is read as "Jedoch war das Bad schmutzig");
* a term that holds its own negation ("nie polecam", "jamais reçu", "不会再买") is not flipped
  by a negator before it (double negation in Polish, French, Chinese); nor is an emoji or
  emoticon ("nie polecam :(");
* Czech and Slovak negate twice for one negation (negative concord): a ``concord_negators``
  word ("nikdo", "nikdy", "nic", "žádný") before a word with the negation prefix agrees with it
  ("nikdo neodpověděl": nobody answered; "nikdy nesklamú": never disappoint);
* the sum ``s`` is mapped to ``score = s / sqrt(s² + 15)`` in (−1, 1) (VADER's normalisation);
  ``score ≥ 0.05`` is positive, ``≤ −0.05`` negative, otherwise neutral. A text without any
  term is neutral with score 0; the share of such texts is the lexicon's *coverage gap*.

References
----------
Hutto, C. J. & Gilbert, E. (2014). VADER: a parsimonious rule-based model for sentiment
analysis of social media text. *ICWSM* 8(1), 216–225.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cxlib.voc.matcher import (
    ASPECT,
    BLOCK,
    CONTRAST,
    INT,
    NEG,
    PUNCT,
    TERM,
    WISH,
    Entry,
    Matcher,
    Unit,
    parse_pattern,
)
from cxlib.voc.normalize import CJK_LANGS, normalize, sentences, stretched, tokens, unstretch

__all__ = [
    "ALPHA",
    "NEGATION_FACTOR",
    "Lexicon",
    "TextScore",
    "available_languages",
    "label_of",
    "load_lexicon",
    "read_yaml",
    "score_text",
]

#: VADER's normalisation constant: score = s / sqrt(s² + ALPHA).
ALPHA = 15.0
#: Multiplier of a negated term (VADER uses −0.74).
NEGATION_FACTOR = -0.75
#: Weight of the clauses before and after a contrast word.
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
#: Largest gap (in tokens or CJK characters) between an intensifier and its term.
INTENSIFIER_GAP = 1

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SPECIAL_FILES = {"aspects", "common"}


def read_yaml(source: str | Path | Any) -> dict[str, Any]:
    """Read a lexicon or taxonomy YAML file (a path or a package resource) into a dict."""
    text = source.read_text("utf-8") if hasattr(source, "read_text") else Path(source).read_text("utf-8")
    data = yaml.load(text, Loader=_Loader) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{source}: expected a mapping at the top level")
    return data


def _lexicon_dir() -> Any:
    return resources.files("cxlib.voc").joinpath("lexicons")


@functools.cache
def available_languages() -> tuple[str, ...]:
    """ISO 639-1 codes of the languages with a lexicon in the package."""
    names = (p.name for p in _lexicon_dir().iterdir() if p.name.endswith(".yaml"))
    return tuple(sorted(n[:-5] for n in names if n[:-5] not in _SPECIAL_FILES))


def _check_keys(mapping: Mapping[Any, Any], where: str) -> None:
    """YAML 1.1 reads bare ``no``/``on``/``yes`` as booleans: insist on strings."""
    for key in mapping:
        if not isinstance(key, str):
            raise ValueError(f'{where}: key {key!r} is not text (quote words such as "no" or "on")')


def _flat_terms(data: Mapping[str, Any], where: str) -> dict[str, float]:
    """Terms of a lexicon file: ``terms: {category: {pattern: weight}}`` flattened."""
    out: dict[str, float] = {}
    for category, terms in (data.get("terms") or {}).items():
        if not isinstance(terms, Mapping):
            raise ValueError(f"{where}: terms.{category} must map patterns to weights")
        _check_keys(terms, f"{where}: terms.{category}")
        for pattern, weight in terms.items():
            if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not -5 <= weight <= 5:
                raise ValueError(f"{where}: weight of {pattern!r} must be a number in [-5, 5]")
            out[pattern] = float(weight)
    return out


def _word_list(data: Mapping[str, Any], key: str, where: str) -> list[str]:
    values = data.get(key) or []
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f'{where}: {key} must be a list of text (quote words such as "no")')
    return list(values)


def _factors(data: Mapping[str, Any], key: str, where: str) -> dict[str, float]:
    values = data.get(key) or {}
    _check_keys(values, f"{where}: {key}")
    return {k: float(v) for k, v in values.items()}


@dataclass(frozen=True)
class Lexicon:
    """A compiled sentiment lexicon of one language.

    Attributes
    ----------
    lang : str
        ISO 639-1 code.
    matcher : Matcher
        Finds terms, negators, intensifiers, contrast words and guards.
    negation_scope : int
        Tokens (CJK: characters) after a negator that it negates.
    cjk : bool
        Matched as substrings.
    token_chars : str
        Single-character tokens (emoji) besides words.
    n_terms : int
        Number of sentiment terms (weights ≠ 0).
    """

    lang: str
    matcher: Matcher
    negation_scope: int
    cjk: bool
    token_chars: str
    n_terms: int

    def units(self, sentence: str) -> tuple[list[str] | str, list[Unit]]:
        """Tokens (or the string, for CJK) of a normalised sentence and the units found in it.

        A stretched word ("sooooo", "ممتاااز") reads as the word of the lexicon it stands for
        (:func:`cxlib.voc.normalize.unstretch`).
        """
        if self.cjk:
            return sentence, self.matcher.char_units(sentence)
        toks = tokens(sentence, self.token_chars)
        if stretched(sentence):
            toks = [unstretch(t, self._knows) for t in toks]
        return toks, self.matcher.token_units(toks)

    def _knows(self, word: str) -> bool:
        return bool(self.matcher.token_units([word]))


def _entries(patterns: Mapping[str, Any], lang: str, kind: int, make: Any) -> list[Entry]:
    """Entries of ``patterns``; an apostrophe separates words, as in texts ("à l'heure", "j'aime")."""
    out = []
    for raw, value in patterns.items():
        norm = normalize(raw, lang)
        words, prefix = (
            ((norm.replace("*", "").replace(" ", ""),), (False,))
            if lang in CJK_LANGS
            else parse_pattern(norm.replace("'", " "))
        )
        out.append(make(words, prefix, kind, value, norm))
    return out


def _public_entries(lang: str, known: Matcher) -> list[Entry]:
    """Terms of the generated public lexicon of ``lang`` that the hand-written one does not know.

    ``lexicons/public/<lang>.yaml`` (written by ``benchmarks/import_public_lexicons.py`` from a
    public lexicon; source and licence in its header) holds single words. A word that the
    hand-written lexicon already matches (a term, a stem, a negator, an intensifier, a contrast
    word, a guard) is skipped, so the hand-written entry always wins.
    """
    path = _lexicon_dir().joinpath("public", f"{lang}.yaml")
    if not path.is_file():
        return []
    where = f"lexicons/public/{lang}.yaml"
    out = []
    for pattern, weight in _flat_terms(read_yaml(path), where).items():
        word = normalize(pattern, lang)
        if weight != 0 and not known.token_units([word]):
            out.append(Entry(words=(word,), prefix=(False,), kind=TERM, value=weight, label=word))
    return out


@functools.cache
def load_lexicon(lang: str, extra: str | None = None, *, public: bool = False) -> Lexicon:
    """Load and compile the lexicon of ``lang`` (cached per argument set).

    Parameters
    ----------
    lang : str
        ISO 639-1 code; see :func:`available_languages`.
    extra : str, optional
        Path of a YAML file with more entries in the same format (``terms``, ``negators``,
        ``intensifiers``, ...); its entries are added, and override same patterns.
    public : bool, default False
        Also read the generated public lexicon ``lexicons/public/<lang>.yaml`` where there is
        one (:func:`_public_entries`; words the hand-written lexicon or ``extra`` already
        matches keep their reading). Only the ``lexicon`` backend passes ``True``: the lexicon
        reading inside the pretrained, embedding and blend backends (their lexicon share and
        cap), the aspects and the trained model's features use the hand-written lexicon
        alone, where the public terms were measured to add little or to cost texts.

    Returns
    -------
    Lexicon
    """
    if lang not in available_languages():
        raise KeyError(
            f"no sentiment lexicon for language {lang!r}; available: {', '.join(available_languages())}"
        )
    where = f"lexicons/{lang}.yaml"
    data = read_yaml(_lexicon_dir().joinpath(f"{lang}.yaml"))
    common = read_yaml(_lexicon_dir().joinpath("common.yaml"))
    sources = [(data, where), (common, "lexicons/common.yaml")]
    if extra is not None:
        sources.append((read_yaml(extra), str(extra)))
    terms: dict[str, float] = {}
    negators: list[str] = []
    concord: list[str] = _word_list(data, "concord_negators", where)
    contrast: list[str] = []
    adverbs: list[str] = []
    wishes: list[str] = []
    wish_modals: list[str] = []
    wish_verbs: list[str] = []
    pre: dict[str, float] = {}
    post: dict[str, float] = {}
    for source, name in sources:
        terms.update(_flat_terms(source, name))
        negators += _word_list(source, "negators", name)
        contrast += _word_list(source, "contrast", name)
        adverbs += _word_list(source, "contrast_adverbs", name)
        wishes += _word_list(source, "wishes", name)
        wish_modals += _word_list(source, "wish_modals", name)
        wish_verbs += _word_list(source, "wish_verbs", name)
        pre.update(_factors(source, "intensifiers", name))
        post.update(_factors(source, "post_intensifiers", name))

    cjk = lang in CJK_LANGS or data.get("script") == "cjk"

    def entry(words: tuple[str, ...], prefix: tuple[bool, ...], kind: int, value: float, label: str) -> Entry:
        return Entry(words=words, prefix=prefix, kind=kind, value=value, label=label)

    negator_forms = {normalize(n, lang).replace(" ", "" if cjk else " ") for n in [*negators, *concord]}
    prefixes = tuple(normalize(p, lang) for p in _word_list(data, "negation_prefixes", where))
    faces = set(_flat_terms(common, "lexicons/common.yaml"))

    def holds_negation(words: tuple[str, ...]) -> bool:
        if cjk:
            return any(words[0].startswith(n) for n in negator_forms)
        return any(w in negator_forms for w in words)

    def prefixed(words: tuple[str, ...]) -> bool:
        return not cjk and any(words[0].startswith(p) and len(words[0]) - len(p) >= 3 for p in prefixes)

    term_entries = [
        Entry(
            e.words,
            e.prefix,
            TERM,
            e.value,
            e.label,
            self_negated=holds_negation(e.words) or raw in faces,
            prefixed=prefixed(e.words),
        )
        if e.value != 0
        else Entry(e.words, e.prefix, BLOCK, 0.0, e.label)
        for raw, e in zip(terms, _entries(terms, lang, TERM, entry), strict=True)
    ]
    # An intensifier that is also a sentiment word keeps that weight as its fallback.
    only_terms = Matcher([e for e in term_entries if e.kind == TERM], cjk=cjk)
    modifiers: list[Entry] = []
    for pattern in dict.fromkeys([*pre, *post]):
        norm = normalize(pattern, lang)
        words: tuple[str, ...]
        prefix: tuple[bool, ...]
        if cjk:
            words, prefix = (norm,), (False,)
            hit = only_terms.char_units(norm)
            as_term = hit[0][0] if len(hit) == 1 and hit[0][2] == len(norm) else None
        else:
            words, prefix = parse_pattern(norm)
            hit = only_terms.token_units(list(words))
            as_term = hit[0][0] if len(hit) == 1 and hit[0][2] == len(words) and not hit[0][3] else None
        modifiers.append(
            Entry(
                words=words,
                prefix=prefix,
                kind=INT,
                value=pre.get(pattern, 1.0),
                label=norm,
                fallback=as_term.value if as_term is not None else 0.0,
                post=post.get(pattern, 0.0),
            )
        )
    modifier_keys = {m.words for m in modifiers}
    entries = [e for e in term_entries if e.words not in modifier_keys] + modifiers
    entries += _entries(dict.fromkeys(negators, 0.0), lang, NEG, entry)
    entries += [
        Entry(e.words, e.prefix, NEG, label=e.label, concord=True)
        for e in _entries(dict.fromkeys(concord, 0.0), lang, NEG, entry)
    ]
    entries += _entries(dict.fromkeys((w for w in contrast if w not in adverbs), 0.0), lang, CONTRAST, entry)
    entries += [
        Entry(e.words, e.prefix, CONTRAST, label=e.label, adverb=True)
        for e in _entries(dict.fromkeys(adverbs, 0.0), lang, CONTRAST, entry)
    ]
    entries += _entries(dict.fromkeys(wishes, 0.0), lang, WISH, entry)
    for part, forms in ((1, wish_modals), (2, wish_verbs)):
        entries += [
            Entry(e.words, e.prefix, WISH, label=e.label, wish_part=part)
            for e in _entries(dict.fromkeys(forms, 0.0), lang, WISH, entry)
        ]
    options = {
        key: tuple(normalize(p, lang) for p in _word_list(data, key, where))
        for key in ("negation_prefixes", "proclitics", "clause_prefixes")
    }
    matcher = Matcher(entries, cjk=cjk, **options)
    added = _public_entries(lang, matcher) if public and not cjk else []
    if added:
        matcher = Matcher(entries + added, cjk=cjk, **options)
    emoji = "".join(sorted({t for t in terms if len(t) == 1 and not t.isalpha()}))
    return Lexicon(
        lang=lang,
        matcher=matcher,
        negation_scope=int(data.get("negation_scope", 3)),
        cjk=cjk,
        token_chars=emoji,
        n_terms=sum(1 for e in term_entries if e.kind == TERM) + len(added),
    )


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Clause:
    """A sentence piece between contrast words, with its own sentiment."""

    start: int
    end: int
    raw: float
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TextScore:
    """Lexicon sentiment of one text.

    Attributes
    ----------
    raw : float
        Sum of the (modified) term weights.
    score : float
        ``raw / sqrt(raw² + 15)`` in (−1, 1).
    terms : tuple of str
        Matched terms as listed in the lexicon; negated ones prefixed by ``not:``.
    aspects : tuple of (aspect, clause score, keyword, clause terms)
        Aspect mentions with the sentiment of their clause (only when a taxonomy was given).
    """

    raw: float
    score: float
    terms: tuple[str, ...]
    aspects: tuple[tuple[str, float, str, tuple[str, ...]], ...] = ()


def normalized_score(raw: float) -> float:
    """VADER's map of a raw sum onto (−1, 1): ``raw / sqrt(raw² + 15)``."""
    return raw / math.sqrt(raw * raw + ALPHA)


def label_of(score: float, threshold: float = 0.05) -> str:
    """``pos`` if ``score ≥ threshold``, ``neg`` if ``score ≤ −threshold``, else ``neu``."""
    return "pos" if score >= threshold else "neg" if score <= -threshold else "neu"


def _modifies_next(units: Sequence[Unit], j: int) -> bool:
    """Whether the intensifier at ``j`` is followed closely by a sentiment word."""
    if j + 1 >= len(units):
        return False
    nxt = units[j + 1]
    return (
        nxt[0].kind in (TERM, INT)
        and (nxt[0].kind == TERM or nxt[0].fallback != 0)
        and nxt[1] - units[j][2] <= INTENSIFIER_GAP
    )


def _post_factor(units: Sequence[Unit], j: int) -> float:
    """Factor of the intensifier after the term at ``j`` (Arabic "جدا", "breaks (very) easily").

    Intensifiers without a post weight between them ("very") multiply it too; 1 when there is none.
    """
    factor, right = 1.0, units[j][2]
    for entry, start, end, _ in units[j + 1 :]:
        if entry.kind != INT or start - right > INTENSIFIER_GAP:
            break
        if entry.post:
            return factor * entry.post
        factor, right = factor * entry.value, end
    return 1.0


def _modifies_previous(units: Sequence[Unit], j: int) -> bool:
    """Whether the intensifier at ``j`` has a post weight and follows a sentiment term closely."""
    if not units[j][0].post:
        return False
    k, left = j - 1, units[j][1]
    while (
        k >= 0 and units[k][0].kind == INT and not units[k][0].post and left - units[k][2] <= INTENSIFIER_GAP
    ):
        left = units[k][1]
        k -= 1
    return k >= 0 and units[k][0].kind == TERM and left - units[k][2] <= INTENSIFIER_GAP


def _clause_terms(units: Sequence[Unit], scope: int) -> tuple[float, list[str]]:
    """Sum of the modified term weights of one clause (no contrast words inside)."""
    total = 0.0
    found: list[str] = []
    wished = _wished_parts(units)
    part = 0
    for j, (entry, start, _end, prefix_negated) in enumerate(units):
        kind = entry.kind
        part += kind == PUNCT
        if kind == TERM:
            weight = entry.value
        elif (
            kind == INT
            and entry.fallback != 0
            and not _modifies_next(units, j)
            and not _modifies_previous(units, j)
        ):
            weight = entry.fallback
        else:
            continue
        # Intensifiers before the term (a chain such as "really very").
        k, left = j - 1, start
        while k >= 0:
            prev = units[k]
            if prev[0].kind == INT and left - prev[2] <= INTENSIFIER_GAP:
                weight *= prev[0].value
                left = prev[1]
                k -= 1
            else:
                break
        weight *= _post_factor(units, j)  # an intensifier after the term (Arabic "جدا", "easily")
        # A negator within scope before the term, not across punctuation; a term that holds
        # its own negation, and a word negated by its prefix after a negator of negative
        # concord ("nikdo neodpověděl"), are not flipped again.
        negated = prefix_negated
        k = -1 if entry.self_negated else j - 1
        while k >= 0:
            prev = units[k]
            if prev[0].kind == PUNCT or start - prev[2] > scope:
                break
            if prev[0].kind == NEG:
                negated = negated if prev[0].concord and (prefix_negated or entry.prefixed) else not negated
                break
            k -= 1
        if negated:
            weight *= NEGATION_FACTOR
            found.append(f"not:{entry.label}")
        elif weight > 0 and part in wished:
            weight *= NEGATION_FACTOR
            found.append(f"wish:{entry.label}")
        else:
            found.append(entry.label)
        total += weight
    return total, found


def _adverbs_moved(units: list[Unit]) -> list[Unit]:
    """Units with each contrast adverb moved to the start of its comma-separated part.

    "Das Zimmer war schön. Das Bad war jedoch schmutzig." contrasts the second sentence as a
    whole with the first, as if it opened with "Aber"; "Das Zimmer war schön, das Bad jedoch
    schmutzig" contrasts the part after the comma with the part before it.
    """
    if not any(u[0].adverb for u in units):
        return units
    out: list[Unit] = []
    part_start = 0  # index in ``out`` where the current part starts
    for unit in units:
        entry = unit[0]
        if entry.kind == PUNCT:
            out.append(unit)
            part_start = len(out)
        elif entry.adverb:
            at = out[part_start - 1][2] if part_start else 0
            out.insert(part_start, (entry, at, at, False))
        else:
            out.append(unit)
    return out


def _wished_parts(units: Sequence[Unit]) -> set[int]:
    """Return the indices of the comma-separated parts of a clause that hold a wish.

    A wish marker makes its part a wish; a wish modal does so only when a wish verb follows it
    in the same part.
    """
    parts: set[int] = set()
    modal_parts: set[int] = set()
    part = 0
    for entry, *_ in units:
        part += entry.kind == PUNCT
        if entry.kind != WISH:
            continue
        if entry.wish_part == 0 or (entry.wish_part == 2 and part in modal_parts):
            parts.add(part)
        elif entry.wish_part == 1:
            modal_parts.add(part)
    return parts


def _clauses(units: Sequence[Unit], scope: int, length: int) -> list[tuple[Clause, float]]:
    """Split a sentence's units at contrast words; each clause with its contrast weight."""
    pieces: list[tuple[int, int, list[Unit]]] = []
    current: list[Unit] = []
    start = 0
    for unit in units:
        if unit[0].kind == CONTRAST:
            pieces.append((start, unit[1], current))
            current, start = [], unit[2]
        else:
            current.append(unit)
    pieces.append((start, length, current))
    out = []
    last = len(pieces) - 1
    for i, (a, b, part) in enumerate(pieces):
        raw, found = _clause_terms(part, scope)
        weight = 1.0 if last == 0 else (AFTER_CONTRAST if i == last else BEFORE_CONTRAST)
        out.append((Clause(a, b, raw, tuple(found)), weight))
    return out


def score_text(text: str, lexicon: Lexicon, taxonomy: Matcher | None = None) -> TextScore:
    """Lexicon sentiment of one text, and aspect mentions when ``taxonomy`` is given.

    Parameters
    ----------
    text : str
        Raw customer text.
    lexicon : Lexicon
        From :func:`load_lexicon`.
    taxonomy : Matcher, optional
        Aspect keyword matcher of the same language (see :mod:`cxlib.voc.aspects`).

    Returns
    -------
    TextScore
    """
    total = 0.0
    terms: list[str] = []
    aspects: list[tuple[str, float, str, tuple[str, ...]]] = []
    scope = lexicon.negation_scope
    for sentence in sentences(normalize(text, lexicon.lang)):
        toks, units = lexicon.units(sentence)
        units = _adverbs_moved(units)
        length = len(toks)
        if units and units[0][0].kind == CONTRAST and units[0][1] == 0:
            # A sentence that opens with "But ..." outweighs the sentences before it.
            total *= BEFORE_CONTRAST
        clauses = _clauses(units, scope, length)
        for clause, weight in clauses:
            total += clause.raw * weight
            terms.extend(clause.terms)
        if taxonomy is None:
            continue
        # ``units`` gives the sentence string exactly for CJK lexicons, a token list otherwise.
        hits = taxonomy.char_units(toks) if isinstance(toks, str) else taxonomy.token_units(toks)
        for entry, start, _, _ in hits:
            if entry.kind != ASPECT:
                continue
            clause = next((c for c, _ in clauses if c.start <= start < c.end), clauses[-1][0])
            aspects.extend(
                (aspect, normalized_score(clause.raw), entry.label, clause.terms) for aspect in entry.aspects
            )
    return TextScore(raw=total, score=normalized_score(total), terms=tuple(terms), aspects=tuple(aspects))
