"""Slovak review vocabulary and negators added in round 8 of issue 21.

Hand-written sentences (not taken from any evaluation sample): each checks the label and the
term that decided it, including the words' negated forms ("nepoteší", "nevyhovuje") and the
negators "nebude" and "nemusí".
"""

from __future__ import annotations

import pytest

from tests.voc.helpers import scored


@pytest.mark.parametrize(
    ("text", "label", "term"),
    [
        ("Hra je veľmi zábavná", "pos", "zabavn*"),
        ("Bola to veľká sranda", "pos", "sranda"),
        ("Pobyt sme si užili", "pos", "uzil*"),
        ("Tento film si užijete", "pos", "uzij*"),
        ("Veľmi užitočná aplikácia", "pos", "uzitocn*"),
        ("Určite oceníte veľký kufor", "pos", "oceni*"),
        ("Telefón splnil moje očakávania", "pos", "splnil*"),
        ("Hotel spĺňa všetky nároky", "pos", "splna"),
        ("Najzaujímavejšia kniha roka", "pos", "najzaujimavejs*"),
        ("Čarovné miesto", "pos", "carovn*"),
        ("Elegantné auto", "pos", "elegan*"),
        ("Výkon je dostačujúci", "pos", "dostacujuc*"),
        ("Veľkou výhodou je batéria", "pos", "vyhod*"),
        ("Jedinou nevýhodou je cena", "neg", "nevyhod*"),
        ("Má to však háčik", "neg", "hacik"),
        ("Personál na jednotku", "pos", "na jednotku"),
        ("Udržiavaný hotel so starostlivým personálom", "pos", "udrziavan*"),
        ("Izba nám plne vyhovovala", "pos", "vyhovoval*"),
        ("Izba nám nevyhovovala", "neg", "not:vyhovoval*"),
        ("Úspešné pokračovanie série", "pos", "uspesn*"),
        ("Film bol veľký neúspech", "neg", "neuspech*"),
        ("Pozitívne hodnotím displej", "pos", "pozitiv*"),
        ("Negatívne ma prekvapila výdrž", "neg", "negativ*"),
        ("Nezmyselný koniec", "neg", "nezmyseln*"),
        ("Nič extra", "neg", "nic extra"),
        ("Jedlo nič moc", "neg", "nic moc"),
        ("Pristupovali sme k nemu s obavami", "neg", "obav*"),
        ("Časté záseky systému", "neg", "zasek*"),
        ("Hra je plná bugov", "neg", "bugov"),
        ("Film je nuda", "neg", "nuda"),
        ("Čisté izby a milý personál", "pos", "ciste"),
        ("Raňajky by mohli byť lepšie", "neg", "by mohl* byt leps*"),
        ("Izby by mohli byť krajšie", "neg", "by mohl* byt krajs*"),
        ("Tá kniha ma poteší vždy", "pos", "potes*"),
        ("Nepoteší ani slabá batéria", "neg", "not:potes*"),
    ],
)
def test_slovak_review_words(text: str, label: str, term: str) -> None:
    got, terms = scored(text, "sk")
    assert got == label
    assert term in terms


@pytest.mark.parametrize(
    ("text", "label", "term"),
    [
        # "nebude"/"nemusí" negate the term after them ("chýbať" shares the stem "chyb*").
        ("Priestor na nohy vám nebude chýbať", "pos", "not:chyb*"),
        ("Nemusíte sa báť žiadnych problémov", "pos", "not:problem*"),
        # A negative-concord word without the "ne-" prefix still negates ("žiadne záseky").
        ("Nezaznamenal som žiadne záseky", "pos", "not:zasek*"),
    ],
)
def test_slovak_negators(text: str, label: str, term: str) -> None:
    got, terms = scored(text, "sk")
    assert got == label
    assert term in terms
