"""Deterministic customer-feedback texts for the synthetic sample shop.

Product reviews, support tickets and survey comments in seven text variants (English,
Polish, Dutch, Slovak, Chinese Simplified, Chinese Traditional and Modern Standard Arabic)
whose sentiment agrees with a star rating and which talk about known customer-experience
aspects.  Texts are composed from 1-3 sentences.  Each sentence comes from a clause template
chosen per variant, per aspect and per polarity; clauses about two aspects can be joined in
one sentence ("fast delivery, but the quality is poor").  Templates contain fill-in slots:

``{name}``
    a slot filled per occurrence: ``p`` / ``p_gen`` (the product of the text, in the base
    and, for Polish and Slovak, the genitive form), ``very`` (an intensifier or nothing),
    ``days`` / ``few`` / ``long`` (2-14, 2-5 or 8-21 days), ``after`` / ``soon`` ("after N
    days", 2-14 or 2-5), ``mins``, ``price``, ``courier``, ``pay``, ``code`` (a discount
    code) and ``ticket`` (a ticket number);
``{a|b|c}``
    one of the alternatives, chosen at random;
``[m|f]``
    the masculine or feminine form of a word that agrees with the writer (Polish and
    Slovak past tense and adjectives); the writer's gender is drawn once per text.

A template starting with ``^`` (such as "my order never arrived") contradicts what other
aspects would say about the product and is used only in texts about a single aspect.

The output depends only on the state of the :class:`numpy.random.Generator` passed in and
on the arguments: the module keeps no state and draws every random choice from that
generator, in a fixed order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "ASPECTS",
    "LANGUAGES",
    "SENTIMENTS",
    "feedback_text",
    "iso_lang",
    "survey_comment",
    "template_count",
]

LANGUAGES: tuple[str, ...] = ("en", "pl", "nl", "sk", "zh-Hans", "zh-Hant", "ar")
ASPECTS: tuple[str, ...] = ("delivery", "returns", "service", "checkout", "quality", "price", "website")
SENTIMENTS: tuple[str, ...] = ("neg", "neu", "pos")

# How often each aspect is picked when the caller does not ask for any (order of ASPECTS).
_ASPECT_P = np.array([0.22, 0.10, 0.14, 0.08, 0.22, 0.12, 0.12])
_POLARITIES = SENTIMENTS
_GROUPS = (*ASPECTS, "general")

_Templates = Mapping[str, Mapping[str, Sequence[str]]]

# Clause templates: variant -> aspect (or "general") -> polarity -> templates.
# Aspect clauses are full clauses, starting in lower case, without final punctuation, so
# that they can stand alone as a sentence or be joined by a frame (see _FRAMES).

_EN: _Templates = {
    "delivery": {
        "neg": [
            "the parcel arrived {days} late and nobody could tell me why",
            "^my order never arrived, even though the tracking says it was delivered",
            (
                "the {courier} driver left the box outside in the rain and it was "
                "{damaged|soaked|completely crushed}"
            ),
            "delivery was {very}slow and I had to wait {long} for the {p}",
        ],
        "neu": ["delivery took {days}, which is about what the website {promised|said}"],
        "pos": [
            "delivery was {very}{fast|quick} and the {p} arrived the next day",
            "the {courier} courier was {friendly|polite} and the parcel arrived in perfect condition",
            "the tracking {was accurate|worked perfectly} and I always knew where my parcel was",
        ],
    },
    "returns": {
        "neg": [
            "I sent the {p} back {days} ago and still haven't received my refund",
            "the return process is {very}{complicated|confusing} and the return label didn't work",
            "my return was rejected without any explanation",
        ],
        "neu": ["the return was accepted, although the refund took {days}"],
        "pos": [
            "returning the {p} was {very}easy thanks to the prepaid return label",
            "I got my refund of {price} within {few}, no questions asked",
            "the exchange was quick and {free of charge|didn't cost me anything}",
        ],
    },
    "service": {
        "neg": [
            "customer service never {answered|replied to} my emails",
            "I waited {mins} on the hotline and then the call was cut off",
            "the support agent in the chat was {rude|dismissive} and not helpful at all",
            "my ticket #{ticket} has been open for {days} without a reply",
        ],
        "neu": ["customer service replied {after} with a {standard|generic} answer"],
        "pos": [
            "the support agent solved my problem in a few minutes",
            "customer service was {very}{helpful|friendly|patient}",
            "the chat support answered within {mins} and sorted everything out",
        ],
    },
    "checkout": {
        "neg": [
            "my card was declined at checkout {twice|three times}, although it works everywhere else",
            "the discount code {code} didn't work at checkout",
            "the payment with {pay} failed, but the money was still taken from my account",
        ],
        "neu": ["checkout is fairly standard and you can pay with {pay}"],
        "pos": [
            "checkout was {very}quick and paying with {pay} took seconds",
            "the discount code {code} was applied without any problems",
            "the whole checkout took less than a minute",
        ],
    },
    "quality": {
        "neg": [
            "the {p} broke {after}",
            "the material feels cheap and the seams are already coming apart",
            "the size is completely off and the {p} looked nothing like the photos",
            "the quality of the {p} is {very}{poor|bad}, I'm not happy with it at all",
        ],
        "neu": [
            "the quality of the {p} is okay, nothing more",
            "the quality is not bad, but not great either",
        ],
        "pos": [
            "the quality of the {p} is {very}{good|impressive}",
            "the material is {great|lovely|soft} and the size fits perfectly",
            "I've been using the {p} for {days} now and I'm {very}happy with it",
        ],
    },
    "price": {
        "neg": [
            "it is far too expensive for what you get",
            "I paid {price} and it's definitely not worth the money",
            "the same item is much cheaper in other shops",
        ],
        "neu": ["at {price} the price is fair, though it's no bargain"],
        "pos": [
            "it's great value for money",
            "for {price} you really can't complain",
            "the prices are {very}reasonable and there are often good deals",
        ],
    },
    "website": {
        "neg": [
            "the app crashed every time I tried to add something to my basket",
            "the website is {very}slow and the filters don't work",
            "the search never finds what I'm looking for",
        ],
        "neu": ["the website is easy enough to use, though the search could be better"],
        "pos": [
            "the website is clear and the filters make it easy to find the right product",
            "the app runs smoothly and is {very}easy to use",
            "the search found exactly what I needed in seconds",
        ],
    },
    "general": {
        "neg": [
            "I will never order from this shop again",
            "I {can't|cannot} recommend this shop",
            "the whole experience was {very}disappointing",
            "a complete waste of time",
        ],
        "neu": [
            "overall it was okay",
            "nothing special, but no major problems either",
            "an average experience",
        ],
        "pos": [
            "I will definitely order again",
            "{very}happy with my purchase",
            "I highly recommend this shop",
            "{excellent|great} shop, thank you",
        ],
    },
}

_PL: _Templates = {
    "delivery": {
        "neg": [
            "paczka przyszła dopiero {after}, choć obiecywano dostawę w 24 godziny",
            "^zamówienie w ogóle nie dotarło, mimo że w śledzeniu przesyłki widnieje jako doręczone",
            (
                "kurier {courier} zostawił paczkę pod drzwiami w deszczu i karton był "
                "{cały zgnieciony|całkiem przemoczony}"
            ),
            "dostawa trwała {very}długo, na {p} czekał[em|am] aż {long}",
        ],
        "neu": ["dostawa zajęła {days}, czyli tyle, ile podano w sklepie"],
        "pos": [
            "dostawa była {very}szybka – zamówił[em|am] wieczorem, a paczka była u mnie następnego dnia",
            "kurier {courier} był {bardzo miły|uprzejmy}, a paczka dotarła w idealnym stanie",
            "śledzenie przesyłki działało bez zarzutu i cały czas wiedział[em|am], gdzie jest paczka",
        ],
    },
    "returns": {
        "neg": [
            "odesłał[em|am] {p} {days} temu i nadal nie dostał[em|am] zwrotu pieniędzy",
            "procedura zwrotu jest {very}skomplikowana, a etykieta zwrotna nie działała",
            "sklep odrzucił mój zwrot bez żadnego uzasadnienia",
        ],
        "neu": ["zwrot został przyjęty, ale na pieniądze czekał[em|am] {days}"],
        "pos": [
            "zwrot {p_gen} był {very}prosty dzięki darmowej etykiecie zwrotnej",
            "zwrot {price} dostał[em|am] na konto już {soon}",
            "wymiana przebiegła szybko i {bez dodatkowych kosztów|nic mnie nie kosztowała}",
        ],
    },
    "service": {
        "neg": [
            "obsługa klienta w ogóle nie odpowiada na maile",
            "czekał[em|am] na infolinii {mins}, a potem rozmowa została przerwana",
            "konsultant na czacie był {niemiły|opryskliwy} i zupełnie nie pomógł",
            "zgłoszenie nr {ticket} czeka na odpowiedź już {days}",
        ],
        "neu": ["obsługa odpowiedziała {after}, choć odpowiedź była dość ogólna"],
        "pos": [
            "konsultantka rozwiązała mój problem w kilka minut",
            "obsługa klienta jest {very}{pomocna|uprzejma|cierpliwa}",
            "na czacie odpowiedzieli w ciągu {mins} i wszystko załatwili",
        ],
    },
    "checkout": {
        "neg": [
            "moja karta została odrzucona przy płatności {dwa|trzy} razy, choć wszędzie indziej działa",
            "kod rabatowy {code} nie działał przy składaniu zamówienia",
            "płatność przez BLIK nie przeszła, a pieniądze i tak zniknęły z konta",
        ],
        "neu": ["finalizacja zamówienia jest standardowa, można zapłacić m.in. przez {pay}"],
        "pos": [
            "płatność przez {pay} zajęła dosłownie kilka sekund",
            "kod rabatowy {code} zadziałał bez problemu",
            "cały proces zamawiania {jest szybki i wygodny|zajął mniej niż minutę}",
        ],
    },
    "quality": {
        "neg": [
            "produkt zepsuł się {after} używania",
            "materiał jest tandetny, a szwy puściły już {after}",
            "rozmiar jest źle opisany w tabeli, a produkt wygląda zupełnie inaczej niż na zdjęciach",
            "jakość {p_gen} jest {very}{słaba|kiepska}, nie polecam",
        ],
        "neu": [
            "jakość {p_gen} jest w porządku, ale bez rewelacji",
            "produkt nie jest zły, ale też nie zachwyca",
        ],
        "pos": [
            "jakość {p_gen} jest {very}dobra",
            "materiał jest {świetny|przyjemny w dotyku}, a rozmiar pasuje idealnie",
            "używam {p_gen} już od {days} i jestem {very}zadowolon[y|a]",
        ],
    },
    "price": {
        "neg": [
            "cena jest zdecydowanie za wysoka jak na to, co się dostaje",
            "zapłacił[em|am] {price} i to zdecydowanie nie jest warte tych pieniędzy",
            "w innych sklepach ten sam produkt jest dużo tańszy",
        ],
        "neu": ["cena {price} jest uczciwa, choć to żadna okazja"],
        "pos": [
            "stosunek jakości do ceny jest świetny",
            "za {price} naprawdę nie można narzekać",
            "ceny są {very}przystępne i często są dobre promocje",
        ],
    },
    "website": {
        "neg": [
            "aplikacja wysypywała się za każdym razem, gdy chciał[em|am] dodać coś do koszyka",
            "strona ładuje się {very}wolno, a filtry w ogóle nie działają",
            "wyszukiwarka nigdy nie znajduje tego, czego szukam",
        ],
        "neu": ["strona jest dość przejrzysta, choć wyszukiwarka mogłaby działać lepiej"],
        "pos": [
            "strona jest przejrzysta, a filtry ułatwiają znalezienie odpowiedniego produktu",
            "aplikacja działa płynnie i jest {very}intuicyjna",
            "wyszukiwarka od razu znalazła to, czego potrzebował[em|am]",
        ],
    },
    "general": {
        "neg": [
            "nigdy więcej nie zamówię w tym sklepie",
            "nie polecam tego sklepu",
            "{very}rozczarowujące zakupy",
            "szkoda czasu",
        ],
        "neu": [
            "ogólnie w porządku",
            "nic specjalnego, ale też bez większych problemów",
            "raczej przeciętnie",
        ],
        "pos": [
            "na pewno zamówię ponownie",
            "jestem {very}zadowolon[y|a] z zakupów",
            "polecam ten sklep każdemu",
            "{super|świetny} sklep, dziękuję",
        ],
    },
}

_NL: _Templates = {
    "delivery": {
        "neg": [
            "het pakket kwam {days} te laat en niemand kon me vertellen waarom",
            (
                "^mijn bestelling is nooit aangekomen, terwijl er in de track & trace staat dat "
                "het pakket bezorgd is"
            ),
            "de bezorger van {courier} liet de doos in de regen staan en alles was {beschadigd|doorweekt}",
            "de levering duurde {very}lang: ik heb {long} op {p} moeten wachten",
        ],
        "neu": ["de levering duurde {days}, precies zoals op de website stond"],
        "pos": [
            "de levering was {very}snel: 's avonds besteld en de volgende dag al in huis",
            "de bezorger van {courier} was {vriendelijk|behulpzaam} en het pakket kwam in perfecte staat aan",
            "dankzij de track & trace wist ik precies wanneer het pakket zou komen",
        ],
    },
    "returns": {
        "neg": [
            "ik heb {p} {days} geleden teruggestuurd en nog steeds geen geld teruggekregen",
            "het retourproces is {very}ingewikkeld en het retourlabel werkte niet",
            "mijn retourzending werd zonder enige uitleg geweigerd",
        ],
        "neu": ["de retourzending werd geaccepteerd, al duurde de terugbetaling {days}"],
        "pos": [
            "{p} terugsturen was {very}makkelijk dankzij het gratis retourlabel",
            "ik had mijn {price} binnen {few} terug op mijn rekening",
            "omruilen ging snel en {kostte niets extra|was helemaal gratis}",
        ],
    },
    "service": {
        "neg": [
            "de klantenservice reageert nooit op mijn e-mails",
            "ik heb {mins} bij de klantenservice in de wacht gestaan en toen werd de verbinding verbroken",
            "de medewerker in de chat was {onbeleefd|kortaf} en hielp me totaal niet",
            "mijn ticket #{ticket} staat al {days} open zonder enige reactie",
        ],
        "neu": ["de klantenservice antwoordde {after} met een {standaardmail|vrij algemeen antwoord}"],
        "pos": [
            "de medewerker van de klantenservice loste mijn probleem binnen een paar minuten op",
            "de klantenservice is {very}{behulpzaam|vriendelijk|geduldig}",
            "via de chat kreeg ik binnen {mins} antwoord en alles was meteen geregeld",
        ],
    },
    "checkout": {
        "neg": [
            (
                "mijn creditcard werd bij het afrekenen {twee|drie} keer geweigerd, terwijl "
                "hij overal anders werkt"
            ),
            "de kortingscode {code} werkte niet bij het afrekenen",
            "de betaling met iDEAL mislukte, maar het geld was wel van mijn rekening afgeschreven",
        ],
        "neu": ["afrekenen werkt zoals verwacht en je kunt onder andere met {pay} betalen"],
        "pos": [
            "afrekenen met {pay} ging {very}snel en zonder problemen",
            "de kortingscode {code} werd meteen verwerkt",
            "het hele bestelproces duurde nog geen minuut",
        ],
    },
    "quality": {
        "neg": [
            "{after} was er al iets kapot aan {p}",
            "het materiaal voelt goedkoop aan en de naden laten nu al los",
            "de maat klopt niet en het product lijkt in niets op de foto's",
            "de kwaliteit van {p} is {very}slecht, echt niet goed",
        ],
        "neu": [
            "de kwaliteit van {p} is oké, maar niet meer dan dat",
            "het product is niet slecht, maar ook niet geweldig",
        ],
        "pos": [
            "de kwaliteit van {p} is {very}goed",
            "het materiaal is {mooi|stevig|lekker zacht} en de maat valt precies goed",
            "ik gebruik {p} nu al {days} en ben er {very}tevreden over",
        ],
    },
    "price": {
        "neg": [
            "het is veel te duur voor wat je krijgt",
            "ik heb {price} betaald en het is zijn geld echt niet waard",
            "in andere webshops is hetzelfde product veel goedkoper",
        ],
        "neu": ["voor {price} is de prijs redelijk, al is het geen koopje"],
        "pos": [
            "je krijgt echt waar voor je geld",
            "voor {price} kun je echt niet klagen",
            "de prijzen zijn {very}scherp en er zijn vaak goede aanbiedingen",
        ],
    },
    "website": {
        "neg": [
            "de app crashte elke keer als ik iets in mijn winkelmandje wilde leggen",
            "de website is {very}traag en de filters werken niet",
            "de zoekfunctie vindt nooit wat ik zoek",
        ],
        "neu": ["de website is prima te gebruiken, al kan de zoekfunctie beter"],
        "pos": [
            "de website is overzichtelijk en met de filters vind je snel het juiste product",
            "de app werkt soepel en is {very}gebruiksvriendelijk",
            "met de zoekfunctie vond ik binnen een paar seconden wat ik nodig had",
        ],
    },
    "general": {
        "neg": [
            "ik bestel hier nooit meer",
            "niet aan te raden",
            "een {very}teleurstellende ervaring",
            "zonde van mijn tijd",
        ],
        "neu": [
            "over het algemeen redelijk",
            "niets bijzonders, maar ook geen grote problemen",
            "een gemiddelde ervaring",
        ],
        "pos": [
            "ik bestel hier zeker opnieuw",
            "{very}tevreden met mijn aankoop",
            "echt een aanrader",
            "{top|prima} webshop, bedankt",
        ],
    },
}

_SK: _Templates = {
    "delivery": {
        "neg": [
            "balík prišiel až {after}, hoci sľubovali doručenie do 24 hodín",
            "^objednávka vôbec neprišla, aj keď podľa sledovania zásielky bola doručená",
            (
                "kuriér {courier} nechal balík pred dverami v daždi a krabica bola "
                "{celá pomačkaná|úplne premočená}"
            ),
            "doručenie trvalo {very}dlho, na {p} som čakal[|a] {long}",
        ],
        "neu": ["doručenie trvalo {days}, presne ako uvádzali na stránke"],
        "pos": [
            "doručenie bolo {very}rýchle, objednal[|a] som večer a balík som mal[|a] doma hneď na druhý deň",
            "kuriér {courier} bol {milý|ochotný} a balík prišiel v perfektnom stave",
            "vďaka sledovaniu zásielky som presne vedel[|a], kedy balík príde",
        ],
    },
    "returns": {
        "neg": [
            "{p} som poslal[|a] späť už pred týždňom a peniaze mi stále nevrátili",
            "proces vrátenia je {very}{komplikovaný|zdĺhavý} a štítok na vrátenie nefungoval",
            "vrátenie tovaru mi zamietli bez akéhokoľvek vysvetlenia",
        ],
        "neu": ["vrátenie prijali, ale na peniaze som čakal[|a] {days}"],
        "pos": [
            "vrátenie {p_gen} bolo {very}jednoduché vďaka predplatenému štítku",
            "peniaze ({price}) mi vrátili na účet už {soon}",
            "výmena prebehla rýchlo a {bez poplatkov|nič ma nestála}",
        ],
    },
    "service": {
        "neg": [
            "zákaznícky servis vôbec neodpovedá na e-maily",
            "na infolinke som čakal[|a] {mins} a potom hovor spadol",
            "operátor v chate bol {nepríjemný|arogantný} a vôbec mi nepomohol",
            "moja požiadavka č. {ticket} je otvorená už {days} bez odpovede",
        ],
        "neu": ["zákaznícka podpora odpovedala {after}, ale len všeobecnou formulkou"],
        "pos": [
            "pracovníčka zákazníckej podpory vyriešila môj problém za pár minút",
            "zákaznícky servis je {very}{ochotný|milý|trpezlivý}",
            "cez chat mi odpovedali do {mins} a všetko hneď vybavili",
        ],
    },
    "checkout": {
        "neg": [
            "moju kartu pri platbe {dvakrát|trikrát} zamietli, hoci inde funguje bez problémov",
            "zľavový kód {code} pri objednávke nefungoval",
            "platba cez {pay} neprešla, ale peniaze mi z účtu aj tak strhli",
        ],
        "neu": ["pokladňa je štandardná, zaplatiť sa dá aj cez {pay}"],
        "pos": [
            "platba cez {pay} trvala doslova pár sekúnd",
            "zľavový kód {code} fungoval bez problémov",
            "celé objednávanie {je rýchle a pohodlné|trvalo menej ako minútu}",
        ],
    },
    "quality": {
        "neg": [
            "výrobok sa pokazil {after} používania",
            "materiál je lacný a švy sa začali párať už {after}",
            "veľkosť nesedí s tabuľkou a výrobok vyzerá úplne inak ako na fotkách",
            "kvalita {p_gen} nie je dobrá, je {very}slabá",
        ],
        "neu": ["kvalita {p_gen} je v poriadku, ale nič extra", "výrobok nie je zlý, ale ani ma nenadchol"],
        "pos": [
            "kvalita {p_gen} je {very}dobrá",
            "materiál je {skvelý|príjemný na dotyk} a veľkosť sedí presne",
            "{p} používam už {days} a som {very}spokojn[ý|á]",
        ],
    },
    "price": {
        "neg": [
            "cena je rozhodne privysoká na to, čo dostanete",
            "zaplatil[|a] som {price} a za tie peniaze to naozaj nestojí",
            "v iných obchodoch je ten istý výrobok oveľa lacnejší",
        ],
        "neu": ["cena {price} je férová, aj keď to nie je žiadna výhodná kúpa"],
        "pos": [
            "pomer cena/výkon je výborný",
            "za {price} sa naozaj nedá sťažovať",
            "ceny sú {very}prijateľné a často sú dobré akcie",
        ],
    },
    "website": {
        "neg": [
            "aplikácia spadla zakaždým, keď som chcel[|a] pridať niečo do košíka",
            "stránka je {very}pomalá a filtre nefungujú",
            "vyhľadávanie nikdy nenájde to, čo hľadám",
        ],
        "neu": ["stránka sa dá celkom dobre používať, aj keď vyhľadávanie by mohlo byť lepšie"],
        "pos": [
            "stránka je prehľadná a vďaka filtrom rýchlo nájdete správny produkt",
            "aplikácia funguje plynulo a je {very}intuitívna",
            "vyhľadávanie okamžite našlo presne to, čo som potreboval[|a]",
        ],
    },
    "general": {
        "neg": [
            "v tomto obchode si už nikdy nič neobjednám",
            "neodporúčam",
            "celkovo som {very}sklaman[ý|á]",
            "škoda času",
        ],
        "neu": ["celkovo v poriadku", "nič výnimočné, ale ani žiadne veľké problémy", "priemerná skúsenosť"],
        "pos": [
            "určite si objednám znova",
            "s nákupom som {very}spokojn[ý|á]",
            "tento obchod odporúčam každému",
            "{super|skvelý} obchod, ďakujem",
        ],
    },
}

_ZH_HANS: _Templates = {
    "delivery": {
        "neg": [
            "快递{very}慢，等了{long}才到",
            "^到现在都没有收到货，物流却显示已签收",
            "{courier}的快递员把包裹扔在门口，箱子都{压坏了|淋湿了}",
            "说好两天送到，结果拖了一个多星期",
        ],
        "neu": ["快递用了{days}，跟网站上写的时间差不多"],
        "pos": [
            "发货{very}快，下单第二天就收到了",
            "{courier}的快递小哥态度很好，包裹完好无损",
            "物流信息更新及时，随时知道包裹到哪儿了",
        ],
    },
    "returns": {
        "neg": [
            "{p}退回去已经{days}了，钱到现在还没退",
            "退货流程{very}麻烦，退货面单也一直生成不了",
            "商家没给任何理由就拒绝了我的退货申请",
        ],
        "neu": ["退货申请通过了，不过退款等了{days}"],
        "pos": [
            "退货{very}方便，还有免费上门取件",
            "{price}的退款{few}内就到账了",
            "换货很快，也没有额外收费",
        ],
    },
    "service": {
        "neg": [
            "客服一直不回消息",
            "打客服热线等了{mins}，结果电话直接断了",
            "在线客服态度{very}差，问什么都答非所问",
            "工单#{ticket}提交{days}了，一直没人处理",
            "客服说会处理，结果就没有下文了",
        ],
        "neu": ["客服{after}才回复，给的只是模板化的答案"],
        "pos": [
            "客服几分钟就帮我解决了问题",
            "客服{very}耐心，态度也好",
            "在线客服{mins}内就回复了，处理得很专业",
        ],
    },
    "checkout": {
        "neg": [
            "银行卡付款时被拒了好几次，可在别的地方都能用",
            "优惠码{code}结账时用不了",
            "用{pay}付款一直失败，钱却被扣了",
        ],
        "neu": ["结账流程中规中矩，支持{pay}付款"],
        "pos": ["用{pay}付款几秒钟就搞定了", "优惠码{code}直接就能用，很方便", "下单结账的流程{very}顺畅"],
    },
    "quality": {
        "neg": [
            "{p}用了{days}就坏了",
            "材质很廉价，做工粗糙，线头到处都是",
            "尺码不对，实物和图片完全不一样",
            "{p}质量{very}差，一点都不好",
        ],
        "neu": ["{p}的质量还行，但也没有特别出彩", "东西不算差，但也谈不上好"],
        "pos": [
            "{p}质量{very}好，做工很精细",
            "面料{很舒服|手感很好}，尺码也刚刚好",
            "{p}用了{days}了，{very}满意",
        ],
    },
    "price": {
        "neg": ["价格太贵了，根本不值这个钱", "花了{price}买的，{very}不值", "同样的东西别的店便宜很多"],
        "neu": ["{price}这个价格还算合理，但也不算便宜"],
        "pos": ["性价比{very}高", "{price}能买到这样的东西，没什么可抱怨的", "价格实惠，经常还有优惠活动"],
    },
    "website": {
        "neg": [
            "App一打开商品页面就闪退",
            "网站加载{very}慢，筛选功能也用不了",
            "搜索功能根本搜不到我要的东西",
        ],
        "neu": ["网站用起来还可以，就是搜索功能有待改进"],
        "pos": [
            "网站页面清晰，用筛选功能很快就能找到想要的{p}",
            "App运行流畅，操作{very}简单",
            "搜索功能很好用，几秒钟就找到了需要的东西",
        ],
    },
    "general": {
        "neg": ["再也不会在这家店买东西了", "不推荐", "这次购物体验{very}糟糕", "真是浪费时间"],
        "neu": ["总体来说还可以", "没什么特别的，但也没出大问题", "一般般吧"],
        "pos": ["下次还会再来买", "对这次购物{very}满意", "强烈推荐这家店", "{好店|良心店铺}，谢谢"],
    },
}

_ZH_HANT: _Templates = {
    "delivery": {
        "neg": [
            "宅配{very}慢，等了{long}才到貨",
            "^到現在都沒有收到貨，物流卻顯示已送達",
            "{courier}的快遞人員把包裹丟在門口，箱子都{壓壞了|淋濕了}",
            "說好兩天送到，結果拖了一個多禮拜",
        ],
        "neu": ["配送花了{days}，跟網站上寫的時間差不多"],
        "pos": [
            "出貨{very}快，下單隔天就收到了",
            "{courier}的司機態度很好，包裹完好無缺",
            "物流資訊更新得很即時，隨時知道包裹到哪裡了",
        ],
    },
    "returns": {
        "neg": [
            "{p}退回去已經{days}了，錢到現在還沒退",
            "退貨流程{very}麻煩，退貨單一直印不出來",
            "店家沒給任何理由就拒絕了我的退貨申請",
        ],
        "neu": ["退貨申請通過了，不過退款等了{days}"],
        "pos": [
            "退貨{very}方便，還有免費到府收件",
            "{price}的退款{few}內就入帳了",
            "換貨很快，也沒有額外收費",
        ],
    },
    "service": {
        "neg": [
            "客服一直不回訊息",
            "打客服專線等了{mins}，結果電話直接斷了",
            "線上客服態度{very}差，問什麼都答非所問",
            "客服單#{ticket}送出{days}了，一直沒人處理",
            "客服說會處理，結果就沒有下文了",
        ],
        "neu": ["客服{after}才回覆，給的只是制式的回答"],
        "pos": [
            "客服幾分鐘就幫我解決了問題",
            "客服{very}有耐心，態度也好",
            "線上客服{mins}內就回覆了，處理得很專業",
        ],
    },
    "checkout": {
        "neg": [
            "信用卡結帳時被拒絕了好幾次，明明在別的地方都能用",
            "折扣碼{code}結帳時不能用",
            "用{pay}付款一直失敗，錢卻被扣了",
        ],
        "neu": ["結帳流程中規中矩，可以用{pay}付款"],
        "pos": ["用{pay}付款幾秒鐘就搞定了", "折扣碼{code}直接就能用，很方便", "下單結帳的流程{very}順暢"],
    },
    "quality": {
        "neg": [
            "{p}用了{days}就壞了",
            "材質很廉價，做工粗糙，線頭到處都是",
            "尺寸不對，實品和圖片完全不一樣",
            "{p}品質{very}差，一點都不好",
        ],
        "neu": ["{p}的品質還可以，但也沒有特別出色", "東西不算差，但也稱不上好"],
        "pos": [
            "{p}品質{very}好，做工很精緻",
            "布料{很舒服|摸起來很舒服}，尺寸也剛剛好",
            "{p}用了{days}了，{very}滿意",
        ],
    },
    "price": {
        "neg": ["價格太貴了，根本不值這個錢", "花了{price}買的，{very}不值得", "同樣的東西別家便宜很多"],
        "neu": ["{price}這個價格還算合理，但也不算便宜"],
        "pos": ["CP值{very}高", "{price}能買到這樣的東西，沒什麼好抱怨的", "價格實惠，常常還有優惠活動"],
    },
    "website": {
        "neg": [
            "App一打開商品頁面就閃退",
            "網站載入{very}慢，篩選功能也不能用",
            "搜尋功能根本找不到我要的東西",
        ],
        "neu": ["網站用起來還可以，只是搜尋功能有待加強"],
        "pos": [
            "網站頁面清楚，用篩選功能很快就能找到想要的{p}",
            "App操作流暢，使用起來{very}簡單",
            "搜尋功能很好用，幾秒鐘就找到需要的東西",
        ],
    },
    "general": {
        "neg": ["再也不會在這家店買東西了", "不推薦", "這次購物體驗{very}糟糕", "真是浪費時間"],
        "neu": ["整體來說還可以", "沒什麼特別的，但也沒出什麼大問題", "普普通通吧"],
        "pos": ["下次還會再回購", "對這次購物{very}滿意", "大推這家店", "{好店|優質賣家}，謝謝"],
    },
}

# Arabic: {very} is placed after the adjective (" جدا", " للغاية" or nothing).
_AR: _Templates = {
    "delivery": {
        "neg": [
            "تأخر الطرد {days} عن الموعد المحدد ولم يشرح لي أحد السبب",
            "^الطلب لم يصل أبدا، مع أن التتبع يظهر أنه تم تسليمه",
            "ترك مندوب {courier} الطرد أمام الباب تحت المطر وكان الصندوق {تالفا|مبللا بالكامل}",
            "التوصيل كان بطيئا{very}، وانتظرت {p} {long}",
        ],
        "neu": ["استغرق التوصيل {days}، كما هو مذكور في الموقع"],
        "pos": [
            "التوصيل سريع{very}، طلبت في المساء ووصلني الطلب في اليوم التالي",
            "مندوب {courier} كان {لطيفا|محترما} ووصل الطرد بحالة ممتازة",
            "تتبع الشحنة كان دقيقا وكنت أعرف دائما أين طردي",
        ],
    },
    "returns": {
        "neg": [
            "أعدت {p} منذ {days} ولم أسترد أموالي حتى الآن",
            "عملية الإرجاع معقدة{very} وملصق الإرجاع لم يعمل",
            "رفض المتجر طلب الإرجاع دون أي توضيح",
        ],
        "neu": ["تم قبول الإرجاع، لكن استرداد المبلغ استغرق {days}"],
        "pos": [
            "إرجاع {p} كان سهلا{very} بفضل ملصق الإرجاع المجاني",
            "استرددت مبلغ {price} خلال {few}",
            "تم الاستبدال بسرعة {ودون أي رسوم إضافية|ومجانا}",
        ],
    },
    "service": {
        "neg": [
            "خدمة العملاء لا ترد على رسائلي أبدا",
            "انتظرت على خط خدمة العملاء {mins} ثم انقطع الاتصال",
            "موظف الدعم في المحادثة كان {وقحا|غير مهتم} ولم يساعدني إطلاقا",
            "التذكرة رقم {ticket} مفتوحة منذ {days} دون أي رد",
        ],
        "neu": ["ردت خدمة العملاء {after} بإجابة عامة"],
        "pos": [
            "حل موظف الدعم مشكلتي في دقائق",
            "خدمة العملاء {متعاونة|لطيفة|صبورة}{very}",
            "رد فريق الدعم عبر المحادثة خلال {mins} وحل كل شيء",
        ],
    },
    "checkout": {
        "neg": [
            "تم رفض بطاقتي عند إتمام الطلب {مرتين|ثلاث مرات} رغم أنها تعمل في كل مكان",
            "كود الخصم {code} لم يعمل عند الدفع",
            "فشل الدفع عبر {pay}، ومع ذلك تم خصم المبلغ من حسابي",
        ],
        "neu": ["عملية الدفع عادية، ويمكن الدفع عبر {pay}"],
        "pos": [
            "الدفع عبر {pay} استغرق بضع ثوان فقط",
            "تم تطبيق كود الخصم {code} دون أي مشكلة",
            "إتمام الطلب سهل{very} وسريع",
        ],
    },
    "quality": {
        "neg": [
            "تعطل المنتج {after} من الاستخدام",
            "الخامة رخيصة والخياطة بدأت تتفكك {after}",
            "المقاس غير مطابق والمنتج مختلف تماما عن الصور",
            "جودة {p} سيئة{very}، والمنتج ليس جيدا على الإطلاق",
        ],
        "neu": ["جودة {p} مقبولة، لكنها ليست مميزة", "المنتج ليس سيئا، لكنه ليس رائعا أيضا"],
        "pos": [
            "جودة {p} عالية{very}",
            "الخامة {رائعة|ناعمة} والمقاس مناسب تماما",
            "أستخدم {p} منذ {days} ولم أواجه أي مشكلة حتى الآن",
        ],
    },
    "price": {
        "neg": [
            "السعر مرتفع{very} مقارنة بما تحصل عليه",
            "دفعت {price} والمنتج لا يستحق هذا المبلغ إطلاقا",
            "نفس المنتج أرخص بكثير في متاجر أخرى",
        ],
        "neu": ["السعر معقول، لكنه ليس صفقة رابحة"],
        "pos": [
            "القيمة مقابل السعر ممتازة",
            "مقابل {price} لا مجال للشكوى",
            "الأسعار مناسبة{very} وهناك عروض جيدة باستمرار",
        ],
    },
    "website": {
        "neg": [
            "التطبيق يتوقف عن العمل كلما حاولت إضافة منتج إلى السلة",
            "الموقع بطيء{very} والفلاتر لا تعمل",
            "البحث لا يجد أبدا ما أبحث عنه",
        ],
        "neu": ["الموقع سهل الاستخدام إلى حد ما، لكن البحث يحتاج إلى تحسين"],
        "pos": [
            "الموقع واضح والفلاتر تسهل العثور على المنتج المناسب",
            "التطبيق يعمل بسلاسة وسهل الاستخدام{very}",
            "وجدت ما أحتاجه عبر البحث خلال ثوان",
        ],
    },
    "general": {
        "neg": ["لن أطلب من هذا المتجر مرة أخرى", "لا أنصح به", "تجربة مخيبة للآمال{very}", "مضيعة للوقت"],
        "neu": ["بشكل عام لا بأس", "لا شيء مميز، لكن لا توجد مشاكل كبيرة أيضا", "تجربة عادية"],
        "pos": [
            "سأطلب مرة أخرى بالتأكيد",
            "تجربة رائعة{very}",
            "أنصح بهذا المتجر بشدة",
            "{متجر ممتاز|متجر رائع}، شكرا لكم",
        ],
    },
}

_TEMPLATES: Mapping[str, _Templates] = {
    "en": _EN,
    "pl": _PL,
    "nl": _NL,
    "sk": _SK,
    "zh-Hans": _ZH_HANS,
    "zh-Hant": _ZH_HANT,
    "ar": _AR,
}

# Frames join two aspect clauses in one sentence.  "contrast" frames take a positive and a
# negative clause ({pos}, {neg}); "additive" frames take two clauses of the same polarity.
_FRAMES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "contrast": (
            "{pos}, but {neg}",
            "{pos}; however, {neg}",
            "{pos}, but unfortunately {neg}",
            "Pros: {pos}. Cons: {neg}",
            "{neg}, but at least {pos}",
        ),
        "additive": ("{a}, and {b}", "{a}; also, {b}"),
    },
    "pl": {
        "contrast": (
            "{pos}, ale {neg}",
            "{pos}, jednak {neg}",
            "{pos}, ale niestety {neg}",
            "Plusy: {pos}. Minusy: {neg}",
            "{neg}, ale przynajmniej {pos}",
        ),
        "additive": ("{a}, a do tego {b}", "{a}; poza tym {b}"),
    },
    "nl": {
        "contrast": (
            "{pos}, maar {neg}",
            "{pos}, maar helaas: {neg}",
            "Pluspunt: {pos}. Minpunt: {neg}",
            "{neg}. Wel positief: {pos}",
        ),
        "additive": ("{a}, en {b}", "{a}; {b}"),
    },
    "sk": {
        "contrast": (
            "{pos}, ale {neg}",
            "{pos}, no {neg}",
            "{pos}, bohužiaľ {neg}",
            "Plusy: {pos}. Mínusy: {neg}",
            "{neg}, ale aspoň {pos}",
        ),
        "additive": ("{a}, navyše {b}", "{a}; okrem toho {b}"),
    },
    "zh-Hans": {
        "contrast": (
            "{pos}，但是{neg}",
            "虽然{pos}，但是{neg}",
            "{pos}，可惜{neg}",
            "优点：{pos}；缺点：{neg}",
            "{neg}，不过好在{pos}",
        ),
        "additive": ("{a}，而且{b}", "{a}，另外{b}"),
    },
    "zh-Hant": {
        "contrast": (
            "{pos}，但是{neg}",
            "雖然{pos}，但是{neg}",
            "{pos}，可惜{neg}",
            "優點：{pos}；缺點：{neg}",
            "{neg}，不過還好{pos}",
        ),
        "additive": ("{a}，而且{b}", "{a}，另外{b}"),
    },
    "ar": {
        "contrast": (
            "{pos}، لكن {neg}",
            "{pos}، ولكن للأسف {neg}",
            "الإيجابيات: {pos}. السلبيات: {neg}",
            "{neg}، لكن على الأقل {pos}",
        ),
        "additive": ("{a}، و{b}", "{a}، وفوق ذلك {b}"),
    },
}

# Products: (base form, genitive form) for Polish and Slovak, one form otherwise.
_PRODUCTS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "en": tuple(
        (p,)
        for p in (
            "sneakers",
            "headphones",
            "jacket",
            "phone case",
            "coffee maker",
            "backpack",
            "desk lamp",
            "running shoes",
            "winter coat",
            "blender",
            "T-shirt",
            "smartwatch",
            "cordless drill",
        )
    ),
    "pl": (
        ("słuchawki", "słuchawek"),
        ("sneakersy", "sneakersów"),
        ("kurtkę", "kurtki"),
        ("etui na telefon", "etui na telefon"),
        ("ekspres do kawy", "ekspresu do kawy"),
        ("plecak", "plecaka"),
        ("lampkę biurkową", "lampki biurkowej"),
        ("buty do biegania", "butów do biegania"),
        ("płaszcz zimowy", "płaszcza zimowego"),
        ("blender", "blendera"),
        ("koszulkę", "koszulki"),
        ("smartwatch", "smartwatcha"),
        ("wiertarkę", "wiertarki"),
    ),
    "nl": tuple(
        (p,)
        for p in (
            "de sneakers",
            "de koptelefoon",
            "de jas",
            "het telefoonhoesje",
            "het koffiezetapparaat",
            "de rugzak",
            "de bureaulamp",
            "de hardloopschoenen",
            "de winterjas",
            "de blender",
            "het T-shirt",
            "de smartwatch",
            "de accuboormachine",
        )
    ),
    "sk": (
        ("slúchadlá", "slúchadiel"),
        ("tenisky", "teniesok"),
        ("bundu", "bundy"),
        ("kryt na telefón", "krytu na telefón"),
        ("kávovar", "kávovaru"),
        ("ruksak", "ruksaku"),
        ("stolovú lampu", "stolovej lampy"),
        ("bežecké topánky", "bežeckých topánok"),
        ("zimný kabát", "zimného kabáta"),
        ("mixér", "mixéra"),
        ("tričko", "trička"),
        ("smart hodinky", "smart hodiniek"),
        ("akumulátorovú vŕtačku", "akumulátorovej vŕtačky"),
    ),
    "zh-Hans": tuple(
        (p,)
        for p in (
            "耳机",
            "运动鞋",
            "外套",
            "手机壳",
            "咖啡机",
            "双肩包",
            "台灯",
            "跑鞋",
            "羽绒服",
            "榨汁机",
            "T恤",
            "智能手表",
            "电钻",
        )
    ),
    "zh-Hant": tuple(
        (p,)
        for p in (
            "耳機",
            "運動鞋",
            "外套",
            "手機殼",
            "咖啡機",
            "後背包",
            "檯燈",
            "跑鞋",
            "羽絨外套",
            "果汁機",
            "T恤",
            "智慧手錶",
            "電鑽",
        )
    ),
    "ar": tuple(
        (p,)
        for p in (
            "السماعات",
            "الحذاء الرياضي",
            "السترة",
            "غطاء الجوال",
            "ماكينة القهوة",
            "حقيبة الظهر",
            "المصباح المكتبي",
            "حذاء الجري",
            "المعطف الشتوي",
            "الخلاط",
            "التيشيرت",
            "الساعة الذكية",
            "المثقاب الكهربائي",
        )
    ),
}

# Simple slots: one value drawn per occurrence.  Repeated values weight the draw.
_CHOICES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "en": {
        "very": ("very ", "really ", "extremely ", "super ", "", ""),
        "courier": ("DPD", "UPS", "DHL", "Evri", "FedEx"),
        "pay": ("PayPal", "Apple Pay", "Google Pay", "Klarna", "Shop Pay"),
        "price": ("$19.99", "$34.50", "$49.99", "$79", "$129", "$249"),
    },
    "pl": {
        "very": ("bardzo ", "naprawdę ", "wyjątkowo ", "bardzo ", "", ""),
        "courier": ("DPD", "DHL", "GLS", "UPS", "InPost"),
        "pay": ("BLIK", "PayPal", "Google Pay", "Przelewy24"),
        "price": ("79 zł", "149 zł", "199,99 zł", "249 zł", "399 zł", "899 zł"),
    },
    "nl": {
        "very": ("heel ", "erg ", "echt ", "zeer ", "", ""),
        "courier": ("PostNL", "DHL", "DPD", "GLS"),
        "pay": ("iDEAL", "PayPal", "Klarna", "creditcard"),
        "price": ("€ 19,95", "€ 34,99", "€ 49,95", "€ 79", "€ 129", "€ 249"),
    },
    "sk": {
        "very": ("veľmi ", "naozaj ", "mimoriadne ", "veľmi ", "", ""),
        "courier": ("GLS", "DPD", "SPS", "DHL", "UPS"),
        "pay": ("Google Pay", "Apple Pay", "PayPal", "internetbanking"),
        "price": ("19,90 €", "34,90 €", "49,90 €", "79 €", "129 €", "249 €"),
    },
    "zh-Hans": {
        "very": ("非常", "很", "特别", "十分", "超级"),
        "courier": ("顺丰", "中通", "圆通", "京东"),
        "pay": ("支付宝", "微信支付", "云闪付", "信用卡"),
        "price": ("59元", "99元", "199元", "299元", "599元", "1299元"),
    },
    "zh-Hant": {
        "very": ("非常", "很", "特別", "十分", "超級"),
        "courier": ("黑貓", "新竹物流", "宅配通", "嘉里大榮"),
        "pay": ("LINE Pay", "街口支付", "Apple Pay", "信用卡"),
        "price": ("290元", "490元", "890元", "1290元", "2490元", "3990元"),
    },
    "ar": {
        "very": (" جدا", " للغاية", " جدا", ""),
        "courier": ("أرامكس", "سمسا", "DHL", "البريد السعودي"),
        "pay": ("مدى", "Apple Pay", "STC Pay", "البطاقة الائتمانية"),
        "price": ("49 ريال", "99 ريال", "149 ريال", "249 ريال", "399 ريال", "799 ريال"),
    },
}
_CODES = ("SAVE10", "WELCOME15", "SPRING20", "VIP5", "EXTRA25", "HELLO10")
_MINUTES = (5, 10, 15, 20, 30, 40, 45)
_DAY_RANGES = {"days": (2, 14), "few": (2, 5), "long": (8, 21), "after": (2, 14), "soon": (2, 5)}


def _ar_days(n: int) -> str:
    return "يومين" if n == 2 else f"{n} أيام" if n <= 10 else f"{n} يوما"


# Number phrases: (days, after N days, N minutes), each a function of the number.
_NUMBERS: Mapping[str, tuple[Callable[[int], str], Callable[[int], str], Callable[[int], str]]] = {
    "en": (lambda n: f"{n} days", lambda n: f"after {n} days", lambda m: f"{m} minutes"),
    "pl": (lambda n: f"{n} dni", lambda n: f"po {n} dniach", lambda m: f"{m} minut"),
    "nl": (lambda n: f"{n} dagen", lambda n: f"na {n} dagen", lambda m: f"{m} minuten"),
    "sk": (lambda n: f"{n} dni" if n < 5 else f"{n} dní", lambda n: f"po {n} dňoch", lambda m: f"{m} minút"),
    "zh-Hans": (lambda n: f"{n}天", lambda n: f"{n}天后", lambda m: f"{m}分钟"),
    "zh-Hant": (lambda n: f"{n}天", lambda n: f"{n}天後", lambda m: f"{m}分鐘"),
    "ar": (_ar_days, lambda n: f"بعد {_ar_days(n)}", lambda m: f"{m} دقائق" if m <= 10 else f"{m} دقيقة"),
}

# Punctuation: (full stop, exclamation mark, separator between sentences).
_PUNCT: Mapping[str, tuple[str, str, str]] = {
    v: (("。", "！", "") if v.startswith("zh") else (".", "!", " ")) for v in LANGUAGES
}

_FIELD = re.compile(r"\{([^{}]*)\}")
_GENDER = re.compile(r"\[([^\[\]|]*)\|([^\[\]|]*)\]")


# ------------------------------ Public API -------------------------------------------


def iso_lang(variant: str) -> str:
    """ISO 639-1 code of a text variant.

    Parameters
    ----------
    variant : str
        One of :data:`LANGUAGES`.

    Returns
    -------
    str
        ``"zh"`` for ``"zh-Hans"`` and ``"zh-Hant"``, the variant itself otherwise.

    Raises
    ------
    ValueError
        If `variant` is not one of :data:`LANGUAGES`.
    """
    _check_variant(variant)
    return "zh" if variant.startswith("zh-") else variant


def template_count(variant: str) -> int:
    """Count the distinct clause templates (sentence patterns) of a variant.

    Counts the aspect and general templates, not fill-in values, alternatives or the frames
    that join two clauses.

    Parameters
    ----------
    variant : str
        One of :data:`LANGUAGES`.

    Returns
    -------
    int
        Distinct templates over all aspects and polarities.
    """
    _check_variant(variant)
    spec = _TEMPLATES[variant]
    return len({t.lstrip("^") for g in _GROUPS for pol in _POLARITIES for t in spec[g][pol]})


def feedback_text(
    rng: np.random.Generator,
    variant: str,
    rating: int | np.integer,
    aspects: Sequence[str] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Write a review or support-ticket text whose sentiment agrees with a star rating.

    1-2 stars give clearly negative texts, 3 stars mixed ("fast delivery, but poor quality")
    or neutral ones, 4-5 stars positive ones.  Each requested aspect gets one clause; a
    general remark may be added, up to three sentences in all.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of every random choice.
    variant : str
        Text variant, one of :data:`LANGUAGES`.
    rating : int
        Star rating, 1-5.
    aspects : sequence of str, optional
        The customer-experience aspects the text should mention: 1-3 distinct values of
        :data:`ASPECTS`.  ``None`` (default) chooses one or two at random.

    Returns
    -------
    text : str
        The feedback text.
    aspects_mentioned : tuple of str
        Exactly the aspects the text talks about, in the order they were requested.

    Raises
    ------
    ValueError
        If `variant`, `rating` or `aspects` is not valid.

    Examples
    --------
    >>> rng = np.random.default_rng(7)
    >>> text, mentioned = feedback_text(rng, "en", 2, ["delivery"])
    >>> mentioned
    ('delivery',)
    """
    _check_variant(variant)
    if isinstance(rating, bool) or not isinstance(rating, (int, np.integer)) or not 1 <= rating <= 5:
        raise ValueError(f"rating must be an integer from 1 to 5, got {rating!r}")
    rating = int(rating)
    chosen = _resolve_aspects(rng, aspects, p_two=0.6 if rating == 3 else 0.4)
    w = _Writer(rng, variant, solo=len(chosen) == 1)
    sentences: list[str] = []
    if rating == 3:
        rest = chosen
        if len(chosen) >= 2 and rng.random() < 0.8:
            sentences.append(w.contrast(chosen[0], chosen[1]))
            rest = chosen[2:]
        sentences += [w.clause(a, "neu") for a in rest]
        general = "neu"
    else:
        main = "neg" if rating <= 2 else "pos"
        soft = rating in (2, 4)
        pols = [main] + ["neu" if soft and rng.random() < 0.3 else main for _ in chosen[1:]]
        i = 0
        if len(chosen) >= 2 and pols[0] == pols[1] and rng.random() < 0.3:
            sentences.append(w.additive(chosen[0], chosen[1], main))
            i = 2
        sentences += [w.clause(a, pol) for a, pol in zip(chosen[i:], pols[i:], strict=True)]
        general = main
    p_general = {1: 0.7, 2: 0.35, 3: 0.3, 4: 0.35, 5: 0.7}[rating]
    if len(sentences) < 3 and rng.random() < p_general:
        remark = w.clause("general", general)
        if rng.random() < 0.75:
            sentences.append(remark)
        else:
            sentences.insert(0, remark)
    p_bang = 0.3 if rating in (1, 5) else 0.0
    return w.join(sentences, p_bang), chosen


def survey_comment(
    rng: np.random.Generator,
    variant: str,
    sentiment: str,
    aspects: Sequence[str] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """Write a short free-text survey comment (NPS or CSAT follow-up question).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of every random choice.
    variant : str
        Text variant, one of :data:`LANGUAGES`.
    sentiment : {'neg', 'neu', 'pos'}
        Sentiment of the comment; a neutral comment may weigh a good and a bad aspect.
    aspects : sequence of str, optional
        1-3 distinct values of :data:`ASPECTS`; ``None`` (default) chooses one (most often)
        or two at random.

    Returns
    -------
    text : str
        The comment, usually one sentence; the final full stop is sometimes left out.
    aspects_mentioned : tuple of str
        Exactly the aspects the comment talks about.

    Raises
    ------
    ValueError
        If `variant`, `sentiment` or `aspects` is not valid.
    """
    _check_variant(variant)
    if sentiment not in SENTIMENTS:
        raise ValueError(f"sentiment must be one of {SENTIMENTS}, got {sentiment!r}")
    chosen = _resolve_aspects(rng, aspects, p_two=0.3)
    w = _Writer(rng, variant, solo=len(chosen) == 1)
    sentences: list[str] = []
    rest = chosen
    if len(chosen) >= 2:
        if sentiment == "neu" and rng.random() < 0.6:
            sentences.append(w.contrast(chosen[0], chosen[1]))
        else:
            sentences.append(w.additive(chosen[0], chosen[1], sentiment))
        rest = chosen[2:]
    sentences += [w.clause(a, sentiment) for a in rest]
    text = w.join(sentences, 0.15 if sentiment != "neu" else 0.0)
    if rng.random() < 0.2 and text[-1] in ".。":
        text = text[:-1]
    return text, chosen


# ------------------------------ Internals --------------------------------------------


def _check_variant(variant: str) -> None:
    if variant not in _TEMPLATES:
        raise ValueError(f"variant must be one of {LANGUAGES}, got {variant!r}")


def _resolve_aspects(
    rng: np.random.Generator, aspects: Sequence[str] | None, p_two: float
) -> tuple[str, ...]:
    """Return the requested aspects, checked and deduplicated, or one or two random ones."""
    if aspects is None:
        k = 2 if rng.random() < p_two else 1
        idx = rng.choice(len(ASPECTS), size=k, replace=False, p=_ASPECT_P)
        return tuple(ASPECTS[int(i)] for i in idx)
    if isinstance(aspects, str):
        aspects = (aspects,)
    chosen = tuple(dict.fromkeys(str(a) for a in aspects))
    unknown = [a for a in chosen if a not in ASPECTS]
    if unknown:
        raise ValueError(f"unknown aspects {unknown}; expected values of {ASPECTS}")
    if not 1 <= len(chosen) <= 3:
        raise ValueError(f"between 1 and 3 distinct aspects are needed, got {len(chosen)}")
    return chosen


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


class _Writer:
    """Fills templates for one text: fixes its product and its writer's gender."""

    def __init__(self, rng: np.random.Generator, variant: str, solo: bool) -> None:
        self.rng = rng
        self.variant = variant
        self.solo = solo
        products = _PRODUCTS[variant]
        self.product = products[int(rng.integers(len(products)))]
        self.gender = int(rng.integers(2))

    def _slot(self, name: str) -> str:
        rng, v = self.rng, self.variant
        if name == "p":
            return self.product[0]
        if name == "p_gen":
            return self.product[-1]
        if name == "code":
            return _pick(rng, _CODES)
        if name == "ticket":
            return str(int(rng.integers(100_000, 1_000_000)))
        days, after, minutes = _NUMBERS[v]
        if name in _DAY_RANGES:
            lo, hi = _DAY_RANGES[name]
            return (after if name in ("after", "soon") else days)(int(rng.integers(lo, hi + 1)))
        if name == "mins":
            return minutes(_MINUTES[int(rng.integers(len(_MINUTES)))])
        return _pick(rng, _CHOICES[v][name])

    def fill(self, template: str) -> str:
        """Fill slots and alternatives left to right, then the writer's gender forms."""

        def field(m: re.Match[str]) -> str:
            body = m.group(1)
            return _pick(self.rng, body.split("|")) if "|" in body else self._slot(body)

        text = _FIELD.sub(field, template)
        return _GENDER.sub(lambda m: m.group(1 + self.gender), text)

    def clause(self, group: str, polarity: str) -> str:
        options = _TEMPLATES[self.variant][group][polarity]
        if not self.solo:
            options = [t for t in options if not t.startswith("^")]
        return self.fill(_pick(self.rng, options).lstrip("^"))

    def contrast(self, first: str, second: str) -> str:
        """One sentence praising one aspect and criticising the other (random roles)."""
        good, bad = (first, second) if self.rng.random() < 0.5 else (second, first)
        pos, neg = self.clause(good, "pos"), self.clause(bad, "neg")
        frame = _pick(self.rng, _FRAMES[self.variant]["contrast"])
        return frame.replace("{pos}", pos).replace("{neg}", neg)

    def additive(self, first: str, second: str, polarity: str) -> str:
        a, b = self.clause(first, polarity), self.clause(second, polarity)
        frame = _pick(self.rng, _FRAMES[self.variant]["additive"])
        return frame.replace("{a}", a).replace("{b}", b)

    def join(self, sentences: Sequence[str], p_bang: float) -> str:
        stop, bang, sep = _PUNCT[self.variant]
        out = []
        for s in sentences:
            end = bang if p_bang and self.rng.random() < p_bang else stop
            out.append(s[:1].upper() + s[1:] + end)
        return sep.join(out)
