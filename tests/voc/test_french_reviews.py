"""French review vocabulary, idioms and rules added in round 8 (issue 21).

Hand-written sentences (not taken from any evaluation sample): each checks the label and the
terms that decided it, including the entries written with an apostrophe ("à l'heure"), which
match texts typed with or without a space after it ("n' est", "j' ai"), the contrast words "par
contre" and "en revanche", and the traps of "mal" ("pas mal" is praise, "pas mal de" a
quantity).
"""

from __future__ import annotations

import pytest

from tests.voc.helpers import scored


@pytest.mark.parametrize(
    ("text", "label", "term"),
    [
        # entries written with an apostrophe, texts with or without a space after it
        ("Livré à l'heure", "pos", "a l'heure"),
        ("livré à l' heure", "pos", "a l'heure"),
        ("Un conseiller à l'écoute", "pos", "a l'ecoute"),
        ("rien d' original dans cette histoire", "neg", "rien d'original"),
        # everyday praise
        ("Une série vraiment réussie", "pos", "reussi*"),
        ("J'ai beaucoup apprécié le service", "pos", "appreci*"),
        ("Un site au top", "pos", "au top"),
        ("Produit extra", "pos", "extra"),
        ("Une vraie pépite", "pos", "pepite*"),
        ("Complètement addictive", "pos", "addict*"),
        ("C'est pas mal du tout", "pos", "pas mal"),
        ("Aucun regret", "pos", "aucun regret"),
        # everyday complaints
        ("Je déconseille ce site", "neg", "deconseill*"),
        ("Boutique à fuir", "neg", "a fuir"),
        ("Un film sans intérêt", "neg", "sans interet"),
        ("Des dialogues affligeants", "neg", "affligeant*"),
        ("Quelle daube", "neg", "daube"),
        ("J'en ai marre", "neg", "marre"),
        ("Ras le bol de ces retards", "neg", "ras le bol"),
        ("Bof", "neg", "bof"),
        ("Un scénario à dormir debout", "neg", "a dormir debout"),
        ("SAV inexistant", "neg", "inexistant*"),
        ("Je n'ai toujours rien reçu", "neg", "rien recu"),
        ("Ça risque de décevoir", "neg", "decev*"),
        ("Je n'ai pas apprécié", "neg", "not:appreci*"),
        ("C'est mal fait", "neg", "mal"),
    ],
)
def test_french_review_words(text: str, label: str, term: str) -> None:
    got, terms = scored(text, "fr")
    assert got == label
    assert term in terms


@pytest.mark.parametrize(
    "text",
    ["Bon sang, quelle journée", "Il y a pas mal de monde", "Une famille bien pensante"],
)
def test_french_phrases_without_sentiment(text: str) -> None:
    assert scored(text, "fr") == ("neu", ())


@pytest.mark.parametrize(
    "text",
    [
        "Livraison rapide, par contre le produit est cassé",
        "Le site est joli, en revanche le service est nul",
    ],
)
def test_french_contrast_words(text: str) -> None:
    """What follows "par contre" and "en revanche" outweighs what comes before."""
    assert scored(text, "fr")[0] == "neg"
