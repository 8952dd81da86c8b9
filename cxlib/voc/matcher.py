"""Longest-match lookup of lexicon entries in normalised text, for every script.

A lexicon (sentiment terms, negators, intensifiers, contrast words, wish markers, aspect
keywords) is a list of :class:`Entry`. :class:`Matcher` finds them in a sentence and returns
*units*: which entry matched where. Three ways of matching cover the languages cxlib ships:

* space-separated scripts (Latin, Arabic): tokens are words; an entry is one or more words, a
  word written with a trailing ``*`` matches every token that starts with it (stems of
  inflected forms). At each token the longest entry wins (most words, then an exact first word,
  then the longest stem), so "not as described" beats "not", and "nespokojný" beats "spokojn*".
  When nothing matches, a language's *proclitics* (Arabic و, ب, ال, ...) are stripped and the
  lookup repeated; a language's *negation prefixes* (Polish "nie", Slovak/Czech "ne") are
  stripped and a sentiment term found in the rest is marked as negated.
* Chinese (and other scripts without spaces): at each character the longest entry that
  starts there wins; no word segmentation is needed, and compounds listed in the lexicon
  (快递, 不错) keep their parts (快, 错) from matching.

Matching is a dictionary lookup per token (plus one per stem length), so it runs at tens of
thousands of sentences per second in pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["ASPECT", "BLOCK", "CONTRAST", "INT", "NEG", "PUNCT", "TERM", "WISH", "Entry", "Matcher", "Unit"]

#: Unit kinds.
TERM, NEG, INT, CONTRAST, BLOCK, ASPECT, PUNCT, WISH = range(8)

_PUNCT_CHARS = frozenset(',，、،:：()（）"“”«»')  # the characters of normalize.PUNCT_PATTERN


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry after normalisation.

    Attributes
    ----------
    words : tuple of str
        Normalised words (without the ``*``); one string for CJK entries.
    prefix : tuple of bool
        Whether each word is a stem (written with ``*``).
    kind : int
        ``TERM``, ``NEG``, ``INT``, ``CONTRAST``, ``BLOCK``, ``ASPECT`` or ``WISH``.
    value : float
        Sentiment weight of a term, factor of an intensifier.
    label : str
        The entry as written (normalised), reported as the matched term.
    fallback : float
        Weight used when an intensifier that is also a sentiment word modifies nothing
        ("strašne" in "bolo to strašné").
    post : float
        Factor when the intensifier follows the term it modifies (Arabic "جدا"); 0 if never.
    aspects : tuple of str
        Aspect names of an aspect keyword.
    self_negated : bool
        A negator before the term does not flip it: the term holds its own negation ("nie
        polecam", "jamais reçu", "不会再买"; Polish and French double negation, "并不"), or it
        is an emoji or emoticon (a face is not negated by a word: "nie polecam :(").
    prefixed : bool
        The term's first word begins with the language's negation prefix (Czech "nefunguje").
    concord : bool
        A negator of negative concord (Czech "nikdo", "nikdy", "nic"): before a word negated by
        its own prefix it agrees with that negation instead of flipping it ("nikdo
        neodpověděl" is "nobody answered").
    wish_part : int
        Of a ``WISH`` entry: 0 a wish marker on its own ("should be", "hätte"); 1 a modal that
        marks a wish only with a closing verb after it in the same part (German "sollte …
        sein"); 2 such a closing verb ("sein", "werden").
    adverb : bool
        A contrast adverb (German "jedoch", Czech "však"): it contrasts the clause it stands in,
        from that clause's start, rather than splitting the clause where it stands ("Das Bad
        war jedoch schmutzig" contrasts the whole sentence with the one before).
    """

    words: tuple[str, ...]
    prefix: tuple[bool, ...]
    kind: int
    value: float = 0.0
    label: str = ""
    fallback: float = 0.0
    post: float = 0.0
    aspects: tuple[str, ...] = ()
    self_negated: bool = False
    prefixed: bool = False
    concord: bool = False
    wish_part: int = 0
    adverb: bool = False

    @property
    def rank(self) -> tuple[int, int, int]:
        """Longest-match order: more words, exact first word, more characters."""
        return (len(self.words), 0 if self.prefix[0] else 1, sum(len(w) for w in self.words))


#: Distinct words whose candidate entries are remembered (then the memo starts afresh).
MEMO_SIZE = 200_000

#: A unit: (entry, start position, end position, negated by a prefix).
Unit = tuple[Entry, int, int, bool]

_PUNCT_ENTRY = Entry(words=(",",), prefix=(False,), kind=PUNCT, label=",")


def parse_pattern(pattern: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """Split a normalised lexicon pattern into words and stem flags (``"deliver* late"``)."""
    words, flags = [], []
    for word in pattern.split():
        stem = word.endswith("*") and len(word) > 1
        words.append(word[:-1] if stem else word)
        flags.append(stem)
    if not words:
        raise ValueError("empty lexicon entry")
    return tuple(words), tuple(flags)


@dataclass
class Matcher:
    """Finds lexicon entries in normalised sentences (see the module docstring).

    Parameters
    ----------
    entries : iterable of Entry
    cjk : bool
        Match as substrings (scripts without spaces).
    negation_prefixes : sequence of str
        Word prefixes that negate a sentiment term ("nie", "ne").
    proclitics : sequence of str
        Attached particles stripped when a whole word does not match (Arabic).
    clause_prefixes : sequence of str
        Attached conjunctions that start a new clause (Arabic و "and"): a word that begins
        with one, followed by the article ال or by at least four more letters, ends the scope
        of a negation before it ("غير عملية والخامة سيئة": "not practical, and the material
        is bad").
    """

    entries: Iterable[Entry]
    cjk: bool = False
    negation_prefixes: Sequence[str] = ()
    proclitics: Sequence[str] = ()
    clause_prefixes: Sequence[str] = ()
    _exact: dict[str, list[Entry]] = field(init=False, default_factory=dict)
    _stems: dict[str, list[Entry]] = field(init=False, default_factory=dict)
    _stem_lengths: tuple[int, ...] = field(init=False, default=())
    _cjk: dict[str, Entry] = field(init=False, default_factory=dict)
    _cjk_max: int = field(init=False, default=1)
    _memo: dict[str, list[Entry]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.entries = list(self.entries)
        if self.cjk:
            for entry in self.entries:
                key = "".join(entry.words)
                old = self._cjk.get(key)
                if old is None or entry.kind != BLOCK:
                    self._cjk[key] = entry
            self._cjk_max = max((len(k) for k in self._cjk), default=1)
            return
        for entry in self.entries:
            target = self._stems if entry.prefix[0] else self._exact
            target.setdefault(entry.words[0], []).append(entry)
        for bucket in (*self._exact.values(), *self._stems.values()):
            bucket.sort(key=lambda e: e.rank, reverse=True)
        self._stem_lengths = tuple(sorted({len(k) for k in self._stems}, reverse=True))

    # ------------------------------------------------------------------ space-separated

    def _candidates(self, first: str) -> list[Entry]:
        """Entries whose first word matches ``first`` (memoised: customer vocabulary repeats)."""
        found = self._memo.get(first)
        if found is not None:
            return found
        found = list(self._exact.get(first, ()))
        size = len(first)
        stems = self._stems
        for length in self._stem_lengths:
            if length <= size:
                bucket = stems.get(first[:length])
                if bucket:
                    found.extend(bucket)
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[first] = found
        return found

    def _match_at(self, toks: Sequence[str], i: int, first: str) -> Entry | None:
        candidates = self._candidates(first)
        if not candidates:
            return None
        best: Entry | None = None
        n = len(toks)
        for entry in candidates:
            words = entry.words
            if len(words) > 1:
                if i + len(words) > n:
                    continue
                ok = True
                for k in range(1, len(words)):
                    tok = toks[i + k]
                    if not (tok.startswith(words[k]) if entry.prefix[k] else tok == words[k]):
                        ok = False
                        break
                if not ok:
                    continue
            if best is None or entry.rank > best.rank:
                best = entry
        return best

    def token_units(self, toks: Sequence[str]) -> list[Unit]:
        """Units found in a token list (see :func:`cxlib.voc.normalize.tokens`)."""
        out: list[Unit] = []
        i, n = 0, len(toks)
        while i < n:
            tok = toks[i]
            if tok in _PUNCT_CHARS:
                out.append((_PUNCT_ENTRY, i, i + 1, False))
                i += 1
                continue
            for conj in self.clause_prefixes:
                rest = tok[len(conj) :]
                if tok.startswith(conj) and (rest.startswith("ال") or len(rest) >= 4):
                    out.append((_PUNCT_ENTRY, i, i, False))
                    break
            entry = self._match_at(toks, i, tok)
            negated = False
            if entry is None and self.proclitics:
                for clitic in self.proclitics:
                    if tok.startswith(clitic) and len(tok) - len(clitic) >= 2:
                        entry = self._match_at(toks, i, tok[len(clitic) :])
                        if entry is not None:
                            break
            if entry is None and self.negation_prefixes:
                for neg in self.negation_prefixes:
                    if tok.startswith(neg) and len(tok) - len(neg) >= 3:
                        inner = self._match_at(toks, i, tok[len(neg) :])
                        if inner is not None and inner.kind == TERM and inner.value != 0:
                            entry, negated = inner, True
                            break
            if entry is None:
                i += 1
                continue
            width = len(entry.words)
            out.append((entry, i, i + width, negated))
            i += width
        return out

    # ------------------------------------------------------------------ CJK

    def char_units(self, text: str) -> list[Unit]:
        """Units found in a string without word spaces (longest entry at each character)."""
        out: list[Unit] = []
        table, longest = self._cjk, self._cjk_max
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch in _PUNCT_CHARS or ch == " ":  # a space separates clauses in Chinese text
                out.append((_PUNCT_ENTRY, i, i + 1, False))
                i += 1
                continue
            for length in range(min(longest, n - i), 0, -1):
                entry = table.get(text[i : i + length])
                if entry is not None:
                    out.append((entry, i, i + length, False))
                    i += length
                    break
            else:
                i += 1
        return out
