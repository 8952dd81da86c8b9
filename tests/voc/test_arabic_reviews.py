"""Arabic review rules of round 8 (issue 21): negation forms, contrast words, words of shop reviews.

Hand-written sentences (not taken from any evaluation sample), in Modern Standard Arabic and
Gulf and Egyptian colloquial: each checks the label and the terms that decided it, plus the
traps the rules must avoid ("كما" as, "ما زال" still, participles such as "مغشوش").
"""

from __future__ import annotations

import pytest

from cxlib.voc.lexicon import load_lexicon, score_text
from cxlib.voc.normalize import normalize
from tests.voc.helpers import scored


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("الجهاز مايشتغلش", "الجهاز ما يشتغل"),  # Egyptian ما…ش around a verb
        ("مبيشتغلش خالص", "ما بيشتغل خالص"),  # م + present-tense ب … ش
        ("المنتج مغشوش", "المنتج مغشوش"),  # a participle, not a negation
        ("القماش مخدوش", "القماش مخدوش"),
        ("مدهش", "مدهش"),
    ],
)
def test_egyptian_negation_circumfix_is_split(text: str, folded: str) -> None:
    assert normalize(text, "ar") == folded


def test_circumfix_rule_is_arabic_only() -> None:
    assert normalize("مايشتغلش") == "مايشتغلش"


@pytest.mark.parametrize(
    ("text", "label", "terms"),
    [
        ("الجهاز مايشتغلش", "neg", ("ما يشتغل",)),
        ("مايستاهل سعره", "neg", ("not:يستاهل*",)),  # attached "ما" negates like attached "لا"
        ("ماني راضي عن المنتج", "neg", ("not:راضي",)),  # Gulf negators
        ("موب زين", "neg", ("not:زين",)),
        ("مفيش فايده منه وهو مش شغال", "neg", ("not:شغال",)),
        ("المنتج عديم الفائدة", "neg", ("not:فائده",)),
        ("لو كان اصغر لكان اجمل", "neg", ("not:اجمل",)),  # a wish the product does not meet
        ("انصح بعدم شرائه", "neg", ("انصح* بعدم*",)),  # "I advise against", not "I recommend"
        ("كنت اتمنى ان يكون اكبر", "neg", ("كنت اتمني",)),
        ("اللون مو نفس الصورة", "neg", ("not:نفس الصوره",)),
        ("نفس الصورة بالضبط", "pos", ("نفس الصوره",)),
    ],
)
def test_negation_forms(text: str, label: str, terms: tuple[str, ...]) -> None:
    assert scored(text, "ar") == (label, terms)


@pytest.mark.parametrize(
    ("text", "label", "terms"),
    [
        ("كما هو موضح المنتج ممتاز", "pos", ("ممتاز*",)),  # كما is "as", not ك + ما
        ("وصل كما في الوصف وممتع جدا", "pos", ("ممتع*",)),
        ("لما وصلني كان مكسور", "neg", ("مكسور*",)),  # لما is "when"
        ("ما زالت المشكلة موجودة", "neg", ("مشكله",)),  # ما زال is "still"
        ("لا يزال العطل موجودا", "neg", ("عطل",)),
        ("ماشين الحلاقة ممتازة", "pos", ("ممتاز*",)),
    ],
)
def test_words_that_look_like_negation(text: str, label: str, terms: tuple[str, ...]) -> None:
    assert scored(text, "ar") == (label, terms)


@pytest.mark.parametrize(
    "text",
    [
        "شكله جميل لاكن الجودة سيئة",  # a frequent misspelling of لكن
        "شكله جميل لكنه مكسور",  # لكن with a pronoun
        "الشكل جميل انما الخامة سيئة",
    ],
)
def test_contrast_words_weigh_the_second_clause(text: str) -> None:
    assert scored(text, "ar")[0] == "neg"


@pytest.mark.parametrize(
    ("text", "label", "term"),
    [
        ("من اجمل المنتجات", "pos", "اجمل"),
        ("جهاز مدهش", "pos", "مدهش*"),
        ("اذهلني بصراحة", "pos", "اذهل*"),
        ("سررت بالتعامل معهم", "pos", "سررت"),
        ("الساعة تحفة", "pos", "تحفه"),
        ("كريم فعال", "pos", "فعال*"),
        ("كتاب مفيد", "pos", "مفيد*"),
        ("شكرا على الامانة والمصداقية", "pos", "امانه"),
        ("وصل في وقت قياسي", "pos", "وقت قياسي"),
        ("يهبل", "pos", "يهبل"),
        ("اسوء منتج", "neg", "اسوء"),  # أسوأ without hamza
        ("رداءة التصنيع", "neg", "رداءه"),
        ("المنتج ردي", "neg", "ردي"),
        ("لعبة مملة", "neg", "ممل*"),
        ("الجهاز تعبان", "neg", "تعبان*"),
        ("الشاحن باظ بعد يومين", "neg", "باظ*"),
        ("الجهاز عطلان", "neg", "عطلان*"),
        ("الموبايل مضروب", "neg", "مضروب"),
        ("الساعة وحشة", "neg", "وحشه"),
        ("الكلام ده كدب", "neg", "كدب"),
        ("لا يصلح للاستخدام", "neg", "لا يصلح*"),
        ("لاتصلح للاستخدام", "neg", "لاتصلح*"),
        ("لا تجدي نفعا", "neg", "لا تجدي"),
        ("لا تساوي سعرها", "neg", "لا تساوي"),
        ("مو اصلي", "neg", "مو اصلي"),
        ("البطارية لا تشحن", "neg", "لا تشحن"),
        ("توقف عن العمل بعد شهر", "neg", "توقف عن العمل"),
        ("راي سلبي", "neg", "سلبي*"),
        ("يؤدي الغرض", "pos", "يؤدي الغرض"),
        ("لا يؤدي الغرض المطلوب", "neg", "not:يؤدي الغرض"),
        ("منتج غير مرغوب فيه", "neg", "غير مرغوب*"),
    ],
)
def test_review_words(text: str, label: str, term: str) -> None:
    got, terms = scored(text, "ar")
    assert got == label and term in terms


def test_intensifiers_of_the_dialects() -> None:
    plain = score_text("حلو", load_lexicon("ar")).raw
    assert score_text("حلو وايد", load_lexicon("ar")).raw == pytest.approx(plain * 1.4)  # Gulf
    assert score_text("كتير حلو", load_lexicon("ar")).raw == pytest.approx(plain * 1.3)  # Levantine
    assert score_text("قمة الروعة", load_lexicon("ar")).raw == pytest.approx(3.0 * 1.5)
    assert score_text("وحش خالص", load_lexicon("ar")).raw == pytest.approx(-2.0 * 1.5)  # Egyptian


def test_narrow_stem_of_sweet() -> None:
    """The forms of "حلو" (nice) are listed: its stem also took "حلول" (solutions)."""
    assert scored("عندهم حلول كثيرة", "ar") == ("neu", ())
    assert scored("الشكل حلوه", "ar") == ("pos", ("حلوه",))
