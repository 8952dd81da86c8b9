"""Every supported language finds every aspect, and common false friends are not matched.

The sentences are hand-written unit cases (one clear mention each), not accuracy evidence; the
measured precision and recall on real reviews are in benchmarks/voc_eval/RESULTS.md.
"""

from __future__ import annotations

import pytest

from cxlib import voc
from cxlib.voc.lexicon import available_languages
from cxlib.voc.taxonomy import load_taxonomy

LANGUAGES = ("en", "pl", "nl", "sk", "cs", "de", "fr", "es", "it", "pt", "zh", "ar")
ASPECTS = (
    "delivery",
    "returns",
    "service",
    "checkout",
    "quality",
    "price",
    "website",
    "packaging",
    "availability",
)

#: One sentence per language and aspect, in ASPECTS order; each mentions that aspect only.
SENTENCES = {
    "en": [
        "The parcel arrived two days late.",
        "I asked for a refund.",
        "Customer service never replied.",
        "Payment by card failed at checkout.",
        "The material is flimsy.",
        "Far too expensive for what it is.",
        "The website keeps crashing.",
        "The box was crushed.",
        "The blue one is out of stock.",
    ],
    "pl": [
        "Przesyłka dotarła po tygodniu.",
        "Zwrot pieniędzy trwał miesiąc.",
        "Obsługa klienta nie odpisała.",
        "Płatność BLIKiem nie przeszła.",
        "Materiał jest słabej jakości.",
        "Cena jest za wysoka.",
        "Strona internetowa ciągle się zawiesza.",
        "Wszystko było starannie zapakowane.",
        "Niestety wszystko wyprzedane.",
    ],
    "nl": [
        "Het pakket werd een dag te laat bezorgd.",
        "Het retourneren ging eenvoudig.",
        "De klantenservice reageerde snel.",
        "Betalen met iDEAL lukte niet.",
        "De kwaliteit valt tegen.",
        "Veel te duur.",
        "De webshop is onoverzichtelijk.",
        "De doos was gedeukt.",
        "Helaas uitverkocht.",
    ],
    "sk": [
        "Zásielka dorazila neskoro.",
        "Vrátenie peňazí trvalo mesiac.",
        "Zákaznícka podpora neodpovedala.",
        "Platba kartou neprešla.",
        "Kvalita je výborná.",
        "Cena je príliš vysoká.",
        "Webová stránka je neprehľadná.",
        "Všetko bolo dobre zabalené.",
        "Momentálne nie je skladom.",
    ],
    "cs": [
        "Zásilka dorazila pozdě.",
        "Vrácení peněz trvalo měsíc.",
        "Zákaznická podpora neodpověděla.",
        "Platba kartou neprošla.",
        "Kvalita je skvělá.",
        "Cena je příliš vysoká.",
        "Webová stránka je nepřehledná.",
        "Vše bylo pečlivě zabaleno.",
        "Momentálně není skladem.",
    ],
    "de": [
        "Die Lieferung kam zu spät.",
        "Die Rücksendung war einfach.",
        "Der Kundenservice hat nie geantwortet.",
        "Die Zahlung mit PayPal hat nicht geklappt.",
        "Die Qualität ist schlecht.",
        "Viel zu teuer.",
        "Die Webseite ist unübersichtlich.",
        "Die Verpackung war zerrissen.",
        "Leider ausverkauft.",
    ],
    "fr": [
        "La livraison a pris deux semaines.",
        "J'attends toujours le remboursement.",
        "Le service client ne répond pas.",
        "Le paiement par carte bancaire a échoué.",
        "La qualité est décevante.",
        "Beaucoup trop cher.",
        "Le site internet est lent.",
        "L'emballage était soigné.",
        "Malheureusement en rupture de stock.",
    ],
    "es": [
        "El envío tardó dos semanas.",
        "La devolución fue rápida.",
        "La atención al cliente fue pésima.",
        "El pago con tarjeta falló.",
        "La calidad es muy mala.",
        "Demasiado caro.",
        "La página web es muy lenta.",
        "El embalaje era muy bueno.",
        "Está agotado desde hace meses.",
    ],
    "it": [
        "La spedizione è stata lenta.",
        "Aspetto ancora il rimborso.",
        "L'assistenza clienti non risponde.",
        "Il pagamento con PayPal non è andato a buon fine.",
        "La qualità è scarsa.",
        "Il prezzo è troppo alto.",
        "Il sito è difficile da usare.",
        "L'imballaggio era curato.",
        "Purtroppo esaurito.",
    ],
    "pt": [
        "A entrega atrasou.",
        "Pedi a devolução.",
        "O atendimento foi péssimo.",
        "O pagamento pelo boleto não foi processado.",
        "A qualidade é ruim.",
        "Muito caro.",
        "O site é confuso.",
        "A embalagem veio amassada.",
        "Infelizmente esgotado.",
    ],
    "zh": [
        "快递太慢了",
        "退货很麻烦",
        "客服不理人",
        "付款失败",
        "质量很差",
        "价格太贵",
        "网站打不开",
        "包装破了",
        "一直缺货",
    ],
    # Traditional characters are folded to Simplified before matching.
    "zh-Hant": [
        "送貨很慢",
        "退貨很麻煩",
        "客服態度很差",
        "付款失敗",
        "質量很差",
        "價格太貴",
        "網站打不開",
        "包裝破了",
        "一直缺貨",
    ],
    "ar": [
        "التوصيل كان سريع",
        "طلبت استرجاع المبلغ",
        "خدمة العملاء سيئة",
        "الدفع بالبطاقة لم ينجح",
        "الجودة ممتازة",
        "السعر غالي جدا",
        "التطبيق بطيء",
        "التغليف ممتاز",
        "للأسف غير متوفر حاليا",
    ],
}

CASES = [
    (key, aspect, text)
    for key, texts in SENTENCES.items()
    for aspect, text in zip(ASPECTS, texts, strict=True)
]


def found(text: str, lang: str) -> set[str]:
    return set(voc.aspects([text], langs=lang).table["aspect"])


def test_every_language_has_keywords_for_every_aspect():
    taxonomy = load_taxonomy()
    assert set(taxonomy.aspects) == set(ASPECTS)
    assert set(LANGUAGES) <= set(available_languages())
    missing = [
        (a, lang) for a in ASPECTS for lang in LANGUAGES if len(taxonomy.keywords[a].get(lang, ())) < 5
    ]
    assert missing == []


@pytest.mark.parametrize(("key", "aspect", "text"), CASES, ids=[f"{k}-{a}" for k, a, _ in CASES])
def test_each_language_finds_each_aspect(key, aspect, text):
    assert found(text, key.split("-")[0]) == {aspect}


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # en: "deal with" is handling, "on account of" a cause, "pay attention" no payment
        ("en", "I had to deal with it myself.", set()),
        ("en", "On account of the weather we stayed home.", set()),
        ("en", "Please pay attention.", set()),
        # en (round 7, clothing-shop reviews): a dress "going back" is a return, a diner "going back"
        # a revisit; the listing's photos are website, a camera's pictures are not; "looks cheap" is
        # the product, not its price
        ("en", "It is going back tomorrow.", {"returns"}),
        ("en", "We won't be going back.", set()),
        ("en", "We went back for a second time.", set()),
        ("en", "The camera takes great pictures.", set()),
        ("en", "It looks nothing like the picture.", {"website"}),
        ("en", "The sweater looks cheap.", set()),
        ("en", "The dress runs small and is unflattering.", {"quality"}),
        # pl: "ze strony" (on the part of), "przyszłość" (future), "doszłam do wniosku" (I concluded),
        # "trwało" (it lasted), "swoją drogą" (by the way), "zwrócić uwagę" (to point out)
        ("pl", "Ze strony sąsiadów było cicho.", set()),
        ("pl", "W przyszłości zobaczymy.", set()),
        ("pl", "Doszła do wniosku, że tak.", set()),
        ("pl", "Trwało to długo.", set()),
        ("pl", "Swoją drogą, ładny dzień.", set()),
        ("pl", "Zwróciła uwagę na szczegóły.", set()),
        ("pl", "Kurier przyszedł wcześnie.", {"delivery"}),
        ("pl", "Musiałem zapłacić 150 zł za wizytę.", {"checkout", "price"}),
        # pl (round 6, Ceneo product reviews): a phone is the product, no phone call ("telefon*" was
        # service); not receiving a reply is no delivery; "naprawdę"/"tak naprawę" (really) no repair;
        # advertising ("reklamować się") no complaint; a handset put down, facial features ("rysy"),
        # "intuicyjnie" (by instinct), a duty roster ("grafik"), "osiągnąć" (to reach), "w zasięgu",
        # "wytrzymałem" (I endured), "mikrofalówka", "poręczenie" (a surety), "gra" as a verb,
        # "nic nie wart" (worthless, of a person), "warte uwagi", customer service "w obsłudze",
        # news and dinner "serwis", voicemail and a slow reaction, "do jakości" (price-to-quality)
        ("pl", "Telefon jest świetny, a telefony z serii S też.", {"quality"}),
        ("pl", "Rozmawiałam przez telefon i telefonicznie nic nie ustaliłam.", {"service"}),
        ("pl", "Zadzwoniłem, oddzwonili, telefonowałam znowu.", {"service"}),
        ("pl", "Nie otrzymałem odpowiedzi.", {"service"}),
        ("pl", "Nie otrzymałam zamówienia, produkt nie dotarł.", {"delivery"}),
        ("pl", "Nie dostałam jeszcze towaru, towar nie przyszedł.", {"delivery"}),
        ("pl", "Sklep nie wysłał mi produktu.", {"delivery"}),
        ("pl", "I tak naprawdę, tak naprawę nic.", set()),
        ("pl", "Oddałem do serwisu, naprawa trwała tydzień, naprawić się nie dało.", {"service", "returns"}),
        ("pl", "Serwis informacyjny i serwis obiadowy.", set()),
        ("pl", "Będę reklamowała, a sklep anulował zamówienie.", {"returns"}),
        ("pl", "Firma reklamowała się w radiu.", set()),
        ("pl", "Pani odłożyła słuchawkę.", set()),
        ("pl", "Słuchawki i mikrofon dobre.", {"quality"}),
        ("pl", "Ma ładne rysy twarzy.", set()),
        ("pl", "Rysa na ekranie, ryski na obudowie.", {"quality"}),
        ("pl", "Intuicyjnie wyczułam problem.", set()),
        ("pl", "Obsługa intuicyjna, łatwy w obsłudze.", {"service", "quality"}),
        ("pl", "W obsłudze klienta.", set()),
        ("pl", "Według grafiku przyjmuje w środy.", set()),
        ("pl", "Grafika i fabuła świetne, rozgrywka wciąga.", {"quality"}),
        ("pl", "Osiągnąłem cel, to w zasięgu ręki.", set()),
        ("pl", "Osiągi słabe, zasięg 15 km.", {"quality"}),
        ("pl", "Nie wytrzymałem w kolejce.", set()),
        ("pl", "Wytrzymałość słaba, ładowarka też.", {"quality"}),
        ("pl", "Mikrofalówka i poręczenie.", set()),
        ("pl", "Bardzo poręczny, ładowanie szybkie, klawiatura i bluetooth dobre.", {"quality"}),
        ("pl", "Przyczepność opony dobra, menu czytelne.", {"quality"}),
        ("pl", "On dobrze gra na gitarze.", set()),
        ("pl", "Super gra.", {"quality"}),
        ("pl", "Jesteś nic nie wart, a to miejsce warte uwagi.", set()),
        ("pl", "Nie jest warty tej ceny, nie wart.", {"price"}),
        ("pl", "Cena do jakości super.", {"price"}),
        ("pl", "Za wszelką cenę.", set()),
        ("pl", "Opóźniona reakcja i poczta głosowa.", set()),
        ("pl", "Kupiłem na raty.", {"checkout"}),
        ("pl", "Dużo spamu po zakupie.", {"service"}),
        # cs (round 6, Mall.cz product reviews): "příslušenství" (accessories) is no "přišl*" arrival,
        # "na chatu" (to the cottage) no chat, a bike basket no shopping cart, devices that do not
        # "komunikovat" with each other, a handset put down, an executive director, a house of cards
        # that is "stabilnější", "pohodlně" (comfortably; "pohodlné" folds to it) no comfort of the product
        ("cs", "Příslušenství dostatečné.", set()),
        ("cs", "Přišla včas, ale v dodávce chyběl šroub.", {"delivery"}),
        ("cs", "Jezdíme na chatu.", set()),
        ("cs", "Psal jsem přes chat.", {"service"}),
        ("cs", "Pohyb košíku na kole.", set()),
        ("cs", "Položka v nákupním košíku.", {"checkout"}),
        ("cs", "Přístroje spolu nekomunikují.", set()),
        ("cs", "Položil sluchátko.", set()),
        ("cs", "Sluchátka a zvuk dobré.", {"quality"}),
        ("cs", "Výkonný ředitel firmy.", set()),
        ("cs", "Výkonný, výkon velký.", {"quality"}),
        ("cs", "Domeček z karet je stabilnější.", set()),
        ("cs", "Velmi stabilní, rozměry malé.", {"quality"}),
        ("cs", "Pohodlně jsem nakoupil.", set()),
        ("cs", "Bota je pohodlná.", {"quality"}),
        ("cs", "Voní hezky, ale nádobí páchne.", {"quality"}),
        ("cs", "Hlučná, hluk velký, hlasitost nízká.", {"quality"}),
        ("cs", "Funkčnost dobrá, design pěkný.", {"quality"}),
        ("cs", "Použitelný, ale v zimě nepoužitelný.", {"quality"}),
        # nl: "gemaakt" alone (a mistake made), bare ordering, a phone as the product
        ("nl", "Ik heb een fout gemaakt.", set()),
        ("nl", "Het is goed gemaakt.", {"quality"}),
        ("nl", "Ik ga zeker weer bestellen.", set()),
        ("nl", "De telefoon is mooi.", set()),
        # nl (round 6): a letter's closing, "chat" not "chateaubriand", justice and a doorman, "beleefd"
        # (lived through), "ver te zoeken" (nowhere to be found), "na het eten" (after the meal), an
        # owner of a product, a remote control, "in de keuken"
        ("nl", "Met vriendelijke groet, Jan", set()),
        ("nl", "Een chateaubriand en een châteauneuf.", set()),
        ("nl", "Een gerechtvaardigde vraag over gerechtigheid.", set()),
        ("nl", "De portier opende de deur.", set()),
        ("nl", "Wat hebben we veel beleefd.", set()),
        ("nl", "Een glimlach was ver te zoeken.", set()),
        ("nl", "Na het eten gingen we naar huis.", set()),
        ("nl", "Als trotse eigenaar ben ik blij.", set()),
        ("nl", "De afstandsbediening.", set()),
        ("nl", "Het staat in de keuken.", set()),
        ("nl", "Het eten was lekker en de porties ruim.", {"quality"}),
        ("nl", "De bediening was onvriendelijk.", {"service"}),
        ("nl", "Voor 13 euro.", {"price"}),
        ("nl", "Reserveren lukte niet.", {"checkout"}),
        ("nl", "Het gerecht was niet verkrijgbaar.", {"quality", "availability"}),
        # sk: "po stránke" (in terms of), "podpora 5G" (a feature), "posteľ" (bed) is not "pošta"
        ("sk", "Z technickej stránky v poriadku.", set()),
        ("sk", "Podpora 5G chýba.", set()),
        ("sk", "Posteľ bola tvrdá.", set()),
        # (round 7: the car and the film judged are the product, quality, as the sk guide says)
        ("sk", "Cenovo dostupné auto.", {"price", "quality"}),
        ("sk", "Akcia filmu je skvelá.", {"quality"}),
        # cs: the same, and a phone as the product
        ("cs", "Z technické stránky dobré.", set()),
        ("cs", "Díky O2 za telefon.", set()),
        ("cs", "Podpora 5G chybí.", set()),
        # de: "Seite" (side), "schon" (already)
        ("de", "Auf der einen Seite gut.", set()),
        ("de", "Die Seite ist zerkratzt.", {"quality"}),
        ("de", "Das Telefon ist schön.", set()),
        # de (round 6): a letter's closing, "Chat" not "Chateau", bathrooms not spa towns, an owner of
        # a product is not the host, "Bedienung" of a device is not staff
        ("de", "Mit freundlichen Grüßen, Anna", set()),
        ("de", "Ein Abend im Chateau.", set()),
        ("de", "Wir wohnten in Bad Homburg.", set()),
        ("de", "Als stolzer Besitzer bin ich zufrieden.", set()),
        ("de", "Die Bedienung ist einfach.", set()),
        ("de", "Das Essen in Essen.", set()),
        ("de", "Sie wohnt in der Küche.", set()),
        ("de", "Der Zimmermann kam.", set()),
        ("de", "Das Bad war sauber.", {"quality"}),
        ("de", "Frühstück und Betten sehr gut.", {"quality"}),
        ("de", "Nette Kellner, hilfsbereite Angestellte an der Rezeption.", {"service"}),
        ("de", "Die kostenpflichtige Tiefgarage.", {"quality", "price"}),
        ("de", "Die Reservierung ging schnell.", {"checkout"}),
        ("de", "Zugausfall, der Zug war überfüllt.", {"quality"}),
        # fr: "livre" (book), "tenir compte", fresh fruit, a plant
        ("fr", "J'ai acheté un livre.", set()),
        ("fr", "Il faut tenir compte du poids.", set()),
        ("fr", "Des fruits frais.", set()),
        ("fr", "La plante est belle.", set()),
        ("fr", "Les frais d'envoi sont élevés.", {"price"}),
        ("fr", "La page d'accueil est lente.", {"website"}),
        # fr (round 6, restaurant reviews): guests arriving and being "reçus" is no delivery, "nous
        # y retournerons" no return, "recherché" (refined) no site search, "je mets" no dish, an
        # "écrasée de pomme de terre" no crushed box, "réservé aux" no booking, "hors service"
        # no customer service; waiters, dishes and booking a table are found
        ("fr", "Nous sommes arrivés à midi et avons été bien reçus.", set()),
        ("fr", "Nous y retournerons.", set()),
        ("fr", "Un lieu recherché.", set()),
        ("fr", "Je mets quatre étoiles.", set()),
        ("fr", "Une écrasée de pomme de terre.", set()),
        ("fr", "Réservé aux adultes.", set()),
        ("fr", "L'ascenseur est hors service.", set()),
        ("fr", "Le serveur était aimable.", {"service"}),
        ("fr", "Les plats étaient fades.", {"quality"}),
        ("fr", "Nous avions réservé une table.", {"checkout"}),
        ("fr", "Le colis est bien arrivé.", {"delivery"}),
        ("fr", "J'ai demandé un bon de retour.", {"returns"}),
        # ... and in a shop review the new "service" and "attente" do not turn delivery into service
        ("fr", "Le service de livraison est lent.", {"delivery"}),
        ("fr", "Toujours en attente de livraison.", {"delivery"}),
        # fr (round 7, Trustpilot shop reviews): "site" alone is the shop, not its website; meeting
        # expectations is no waiting, "faire appel" no phone call, tasting no taste judgement, a
        # "supplément" of sunset no price, a backup "solution de remplacement" no return; the right
        # items sent are delivery, a product "conforme au descriptif" quality
        ("fr", "Je recommande ce site très sérieux.", set()),
        ("fr", "Un site très pratique.", {"website"}),
        ("fr", "Mauvais descriptif du produit.", {"website"}),
        ("fr", "Conforme au descriptif.", {"quality"}),
        ("fr", "Le serveur s'est trompé sur le descriptif des vins.", {"service", "quality"}),
        ("fr", "Je ferai appel à vous régulièrement.", set()),
        ("fr", "Produit rare correspondant à mon attente.", set()),
        ("fr", "Pas encore goûté.", set()),
        ("fr", "Produits conformes à la commande.", {"delivery"}),
        ("fr", "Avec en supplément le coucher de soleil.", set()),
        ("fr", "Aucune solution de remplacement.", set()),
        ("fr", "Une réaction allergique.", set()),
        ("fr", "Une équipe très réactive.", {"service"}),
        ("fr", "Un geste commercial.", {"service", "price"}),
        ("fr", "Le montant a été recrédité.", {"returns"}),
        ("fr", "Toujours sous garantie.", {"returns"}),
        ("fr", "Colis bien emballé.", {"packaging"}),
        ("fr", "Très bon café.", {"quality"}),
        ("fr", "Des produits du terroir.", {"quality"}),
        ("fr", "Déposé dans ma boîte aux lettres.", {"delivery"}),
        ("fr", "J'ai envoyé mes coordonnées bancaires.", {"checkout"}),
        # es: "darse cuenta" (realise), "envidia" (envy), a drawer is the product
        ("es", "Me di cuenta tarde.", set()),
        ("es", "Siento envidia.", set()),
        ("es", "El cajón está roto.", {"quality"}),
        # es (round 6, Cuban hotel reviews): "precioso" (beautiful) is no price, arriving at a hotel
        # no delivery, "llamado" (named) no call, "a corto plazo" no delivery time, the room safe
        # no box and an internet card no card payment; the hotel's staff, rooms, food and booking are
        ("es", "Un edificio precioso.", set()),
        ("es", "Llegamos al hotel de noche.", set()),
        ("es", "Un bar llamado Waoo.", set()),
        ("es", "Mejorará a corto plazo.", set()),
        ("es", "La caja de seguridad.", set()),
        ("es", "Compramos una tarjeta de internet.", set()),
        ("es", "Las calles de la ciudad.", set()),
        ("es", "El personal de recepción fue muy amable.", {"service"}),
        ("es", "Los camareros tardaron una hora.", {"service"}),
        ("es", "La habitación estaba sucia.", {"quality"}),
        ("es", "El desayuno era variado.", {"quality"}),
        ("es", "Perdieron nuestra reserva.", {"checkout"}),
        ("es", "Nos cobraron 20 euros.", {"checkout", "price"}),
        ("es", "El pedido llegó tarde.", {"delivery"}),
        ("es", "No recibí el paquete.", {"delivery"}),
        # it: "costruzione", the shop as a whole, bare ordering, "fattura" as workmanship
        ("it", "La costruzione è solida.", set()),
        ("it", "Un negozio carino.", set()),
        ("it", "Ho ordinato ieri.", set()),
        ("it", "Di buona fattura.", {"quality"}),
        ("it", "La fattura non è arrivata.", {"checkout", "delivery"}),
        # it (round 6, Amazon.it reviews): a product "come da descrizione" or "in foto" is quality,
        # not website; replacing a spent cartridge is no return, talking on the phone while it
        # charges no customer service, browsing and a network search no website
        ("it", "Arrivato come da descrizione.", {"delivery", "quality"}),
        ("it", "Il rosso è più chiaro che in foto.", {"quality"}),
        ("it", "Dura fino alla sostituzione della cartuccia.", set()),
        ("it", "Posso parlare al telefono mentre carica.", set()),
        ("it", "La navigazione in internet è veloce.", set()),
        ("it", "Ottimo imballo.", {"packaging"}),
        ("it", "Li ho dovuti rendere.", {"returns"}),
        ("it", "Con un coupon del 20%.", {"checkout"}),
        ("it", "Leggeri e morbidi, ben fatti.", {"quality"}),
        ("it", "L'inserzione era sbagliata.", {"website"}),
        # ar: "مدى" (extent) is not the Mada card
        ("ar", "الى مدى بعيد", set()),
        # ar (round 6, souq.com): a phone as the product is no phone call, "not worth the amount"
        # is price, not a refund; a warranty is returns, the device and its size are quality
        ("ar", "هاتف ذكي", set()),
        ("ar", "ما يستاهل المبلغ", {"price"}),
        ("ar", "معه ضمان سنتين", {"returns"}),
        ("ar", "الجهاز خفيف وحجمه صغير", {"quality"}),
        ("ar", "سعرها 100 ريال", {"price"}),
        ("ar", "تواصلت معهم بالهاتف", {"service"}),
        # zh: 评价 (a rating) is not 价 (price), Traditional 退房 (hotel check-out) is not returns
        ("zh", "評價是路邊店", set()),
        ("zh", "中午辦了退房", set()),
        # zh (round 7, online_shopping_10_cats): placing an order and waiting to see the effect name
        # no aspect, an author describing a story is no product page, a phone's interface and
        # apps are the product; promotions are price, self pickup delivery, a deposit checkout
        ("zh", "期待效果", set()),
        ("zh", "赶紧下单抢购", set()),
        ("zh", "作者描述了一个故事", set()),
        ("zh", "系统界面很流畅", {"quality"}),
        ("zh", "超多流氓APP自行安装", set()),
        ("zh", "早餐券", {"quality"}),
        ("zh", "活动时买的很划算", {"price"}),
        ("zh", "自提时当场验机", {"delivery"}),
        ("zh", "要我们付400元按金", {"checkout"}),
        ("zh", "京东app总是闪退", {"website", "quality"}),
        ("zh", "衣服掉色", {"quality"}),
        # de (round 7, Utopia.de coffee and insurer reviews): a coffee filter is no search filter,
        # "vertraglich" (contractual) no "verträglich" (digestible), an affordable price no payment;
        # cancelling an order or a contract is returns, a portal website, "erhältlich" availability
        ("de", "Wir brühen ihn im Filter auf.", set()),
        ("de", "Vertraglich zugesichert.", set()),
        ("de", "Ein bezahlbarer Preis.", {"price"}),
        ("de", "Der Kaffee schmeckt mild und ist sehr bekömmlich.", {"quality"}),
        ("de", "Ich habe storniert.", {"returns"}),
        ("de", "Die Kündigung wurde nie bestätigt.", {"returns"}),
        ("de", "Im Supermarkt erhältlich.", {"availability"}),
        ("de", "Das Kundenportal ist übersichtlich.", {"website"}),
        ("de", "Sehr kompetent beraten.", {"service"}),
        # nl (round 7, bol.com and bank reviews): a helpdesk "beschikbaar" (reachable) is no stock,
        # a guest "binnengekomen" (came in) no parcel; cancelling is returns, a zip the product
        ("nl", "De helpdesk is dag en nacht beschikbaar.", {"service"}),
        ("nl", "Helaas niet meer beschikbaar.", {"availability"}),
        ("nl", "Om 18u binnengekomen.", set()),
        ("nl", "Ik wil mijn abonnement opzeggen.", {"returns"}),
        ("nl", "De rits ging na een week stuk.", {"quality"}),
        # es (round 7, MercadoLibre and Trustpilot Amazon.es): an item bought is no quality judgement,
        # "incomodidades" (inconvenience) no discomfort, "uso personal" no staff, phone apps no
        # website; "correo" is the courier or an e-mail by what follows
        ("es", "Compré un artículo por 46 euros.", {"price"}),
        ("es", "Disculpen las incomodidades.", set()),
        ("es", "Es para uso personal.", set()),
        ("es", "Me gusta bajar aplicaciones.", set()),
        ("es", "Trabajan con correo express.", {"delivery"}),
        ("es", "Le mandé un correo electrónico.", {"service"}),
        ("es", "El personal fue muy atento.", {"service"}),
        ("es", "Me cancelaron el pedido.", {"returns"}),
        ("es", "Muy buen celular, la cámara es excelente.", {"quality"}),
        ("es", "En la descripción dice que tiene NFC.", {"website"}),
        # ar, cs, sk, pl (round 7, dev errors of souq.com, Facebook/Mall.cz, KInIT, PolEmo/Ceneo): a
        # phone call is service, not the product; an hour is no watch (ساعه is not a keyword); a
        # charger (شاحن) is no shipping (شحن); cs "v prodejně" is staff, "prodejní cena" only price;
        # cs/sk "chybí"/"chýba" (is missing) is no "chyby" (errors); sk "hrá" (plays) is no game
        # (hra is not a keyword), "vyzerá to" (it seems) no look; pl medicines named without their
        # effect are not quality
        ("ar", "تواصلت معهم عبر الهاتف", {"service"}),
        ("ar", "وصلت خلال ساعه", {"delivery"}),
        ("ar", "الشاحن ممتاز وعيبه الوزن", {"quality"}),
        ("ar", "الكفر انيق وسهل الاستخدام", {"quality"}),
        ("cs", "Samé chyby.", {"quality"}),
        ("cs", "Na prodejně byli ochotní.", {"service"}),
        ("cs", "Prodejní cena je nízká.", {"price"}),
        ("cs", "Nejde se připojit na internet.", {"quality"}),
        ("sk", "Vyzerá to, že prší.", set()),
        ("sk", "Dcéra hrá na klavíri.", set()),
        ("sk", "Kniha má veľa chýb a film ma nudil.", {"quality"}),
        ("sk", "Hotel nepatril k najlacnejším.", {"price"}),
        ("pl", "Lekarz mnie zbadał i wszystko wyjaśnił.", {"service"}),
        ("pl", "Na leki wydałam 400 zł.", {"price"}),
        ("pl", "Widzę ogromną poprawę.", {"quality"}),
    ],
)
def test_false_friends_are_not_matched(lang, text, expected):
    assert found(text, lang) == expected
