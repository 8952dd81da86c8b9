"""Text normalisation shared by the lexicons, the aspect taxonomy and the trained backend.

Matching must not depend on how a customer typed: case, diacritics ("zle" for "źle"), Arabic
short vowels and letter variants, traditional or simplified Chinese characters, curly
apostrophes. :func:`normalize` folds all of these with one ``str.translate`` table (fast, in C)
after ``str.casefold``. The same function is applied to lexicon entries when they are loaded,
so entries and texts always meet in the same form.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from importlib import resources

import yaml

__all__ = [
    "CJK_LANGS",
    "fold_table",
    "normalize",
    "sentences",
    "split_pairs",
    "squeeze",
    "tokens",
    "unstretch",
]

#: Languages written without spaces between words: matched as substrings, not tokens.
CJK_LANGS: frozenset[str] = frozenset({"zh", "ja"})

# Latin letters that Unicode decomposition leaves alone.
_LATIN_EXTRA = {"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"}
# Arabic: alef variants → bare alef, alef maqsura → yeh, teh marbuta → heh, Persian keh/yeh.
_ARABIC = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك"}
_ARABIC_DROP = [*range(0x064B, 0x0653), 0x0670, 0x0640]  # harakat, superscript alef, tatweel
_APOSTROPHES = {"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"}
_DROP = [*range(0x0300, 0x0370), 0xFE0F, 0xFE0E, 0x200D, 0x200C, 0x200B]  # combining marks, VS, ZW


def split_pairs(text: str) -> dict[str, str]:
    """Parse ``"遞递 質质"`` (pairs of characters separated by spaces) into a mapping."""
    pairs = {}
    for pair in text.split():
        if len(pair) != 2:
            raise ValueError(f"character pair {pair!r} must be exactly two characters")
        pairs[pair[0]] = pair[1]
    return pairs


@functools.cache
def fold_table() -> dict[int, str | None]:
    """Return the ``str.translate`` table applied after ``casefold`` (built once)."""
    table: dict[int, str | None] = {}
    for cp in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp).casefold()
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii() and base:
            table[cp] = base
    for src, dst in {**_LATIN_EXTRA, **_ARABIC, **_APOSTROPHES}.items():
        table[ord(src)] = dst
    for cp in [*_DROP, *_ARABIC_DROP]:
        table[cp] = None
    zh = yaml.load(
        resources.files("cxlib.voc").joinpath("lexicons", "zh.yaml").read_text("utf-8"), Loader=_Loader
    )
    for src, dst in split_pairs(zh.get("traditional", "")).items():
        table[ord(src)] = dst
    return table


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# English negative contractions, with or without the apostrophe: "didn't", "didnt" → "did not".
_EN_NOT = re.compile(
    r"\b(do|does|did|is|was|were|are|have|has|had|could|would|should|ca|wo|ai|must|need|might)n'?t\b"
)
_EN_CANNOT = re.compile(r"\bcannot\b")
# Egyptian negation around a verb: "ما" before it and "ش" after it ("مايشتغلش" doesn't work) →
# "ما يشتغل", so the negator and the verb match apart; "م" alone only before the present-tense
# "ب" ("مبيشتغلش"): a bare "م…ش" is mostly a participle ("مغشوش" fake, "مخدوش" scratched).
_AR_NEG_CIRCUMFIX = re.compile(r"\b(?:ما(\w{3,})|م(ب\w{2,}))ش\b")
# German umlauts are spelled out (ö → oe) instead of dropped: dropping them merges words
# ("schön" beautiful and "schon" already, "zählen" and "zahlen").
_DE_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def normalize(text: str, lang: str | None = None) -> str:
    """Fold ``text`` for matching: casefold, strip diacritics and Arabic vowels, map variants.

    Parameters
    ----------
    text : str
    lang : str, optional
        ISO 639-1 code. English contractions (``didn't``, ``dont``) are expanded to ``... not``;
        German umlauts become ``ae``, ``oe``, ``ue`` (so "schön" stays apart from "schon");
        Egyptian Arabic "ما…ش" around a verb becomes "ما" + the verb.

    Returns
    -------
    str

    Examples
    --------
    >>> normalize("Przesyłka dotarła USZKODZONA")
    'przesylka dotarla uszkodzona'
    >>> normalize("質量很好")
    '质量很好'
    >>> normalize("Ganz schön nervig", "de")
    'ganz schoen nervig'
    >>> normalize("الجهاز مايشتغلش", "ar")
    'الجهاز ما يشتغل'
    """
    folded = text.casefold()
    if lang == "de":
        folded = folded.translate(_DE_UMLAUTS)
    folded = folded.translate(fold_table())
    if lang == "en":
        folded = _EN_CANNOT.sub("can not", _EN_NOT.sub(r"\1 not", folded))
    elif lang == "ar":
        folded = _AR_NEG_CIRCUMFIX.sub(lambda m: "ما " + (m[1] or m[2]), folded)
    return folded


# A letter typed three times or more in a row ("sooooo", "ممتاااز", "superrrr").
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")
# The same with digits and "_" too: a faster first check (most texts have no run at all).
_CHAR_RUN = re.compile(r"(\w)\1\1")
# Arabic letters: no word spells one twice in a row (a doubled consonant is written once, with shadda).
_ARABIC_LETTERS = re.compile(r"[\u0620-\u064A\u066E-\u06D3]")
# Tatweel (the Arabic stretching stroke) and Arabic short vowels, shadda, sukun, superscript alef.
_ARABIC_MARKS = re.compile("[\u0640\u064b-\u0652\u0670]")


def _short(run: re.Match[str]) -> str:
    return run[1] if _ARABIC_LETTERS.match(run[1]) else run[1] * 2


def squeeze(text: str) -> str:
    """Undo the stretching of informal writing, keeping the words, their case and punctuation.

    A letter typed three times or more in a row becomes two ("sooooo" → "soo", "superrrr" →
    "superr"; doubled letters are spelling in most alphabets) and one in Arabic ("ممتاااز" →
    "ممتاز", "جدااااا" → "جدا"); tatweel and Arabic diacritics are dropped. What the model
    backends of :func:`cxlib.voc.sentiment` read (not what the result shows).

    Examples
    --------
    >>> squeeze("Sooooo goooood!!!")
    'Soo good!!!'
    >>> squeeze("ممتاااااز جداً")
    'ممتاز جدا'
    """
    return _LETTER_RUN.sub(_short, _ARABIC_MARKS.sub("", text))


def stretched(text: str) -> bool:
    """Whether ``text`` has a letter typed three times or more in a row."""
    return _CHAR_RUN.search(text) is not None and _LETTER_RUN.search(text) is not None


def unstretch(word: str, known: Callable[[str], bool]) -> str:
    """Return the word a stretched ``word`` stands for: runs of 3+ letters as two, else as one.

    The form with two letters is kept when ``known`` accepts it or the form with one is not
    known either ("goooood" → "good", "superrrr" → "super", "sooooo" → "so" for a lexicon
    that knows "so"); a word without such a run comes back as it is. Arabic runs become one
    letter (see :func:`squeeze`).
    """
    if not stretched(word):
        return word
    two = _LETTER_RUN.sub(_short, word)
    if known(two):
        return two
    one = _LETTER_RUN.sub(r"\1", word)
    return one if known(one) else two


# Sentence ends: Latin, CJK and Arabic punctuation, line breaks.
_SENTENCE_END = re.compile(r"(?:[.!?;…。！？；؟؛\n\r]+|\s-\s|\s–\s)")


def sentences(text: str) -> list[str]:
    """Split (normalised) text into sentences; empty pieces are dropped."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


#: Token pattern for space-separated scripts: words (letters only), commas and similar clause
#: marks (they stop negation scope) and emoticons. Emoji are added per lexicon.
WORD_PATTERN = r"[^\W\d_]+"
PUNCT_PATTERN = r"[,，、،:：()（）\"“”«»]"
EMOTICON_PATTERN = r":-?\)|:-?\(|:-?d\b|:-?p\b|:-?\*|:-?/(?!/)"


@functools.cache
def token_regex(extra_chars: str = "") -> re.Pattern[str]:
    """Compiled token pattern; ``extra_chars`` are single characters (emoji) kept as tokens."""
    parts = [EMOTICON_PATTERN, WORD_PATTERN]
    if extra_chars:
        parts.append("[" + re.escape(extra_chars) + "]")
    parts.append(PUNCT_PATTERN)
    return re.compile("|".join(parts))


def tokens(text: str, extra_chars: str = "") -> list[str]:
    """Tokens of a normalised sentence (words, punctuation marks, emoticons, emoji)."""
    return token_regex(extra_chars).findall(text)
