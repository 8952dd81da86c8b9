"""Benchmark: lexicon sentiment, aspects and language detection on many customer texts.

Issue 8 asks for lexicon sentiment + aspects at ≥ 5,000 texts/s on 2 cores, and for the
throughput and peak memory of language detection.

Texts are synthetic reviews in six languages (en, pl, nl, sk, zh, ar) assembled from short
clauses written for this script (praise, complaints, neutral statements about delivery,
returns, service, price, ...), with random made-up words mixed in so that the vocabulary is
large (as in real text) and the matcher's word memo cannot serve every token from a few
hundred entries. Measurements, each in a fresh subprocess (its own peak RSS):

* ``baseline_bow``: normalisation + a dictionary lookup per word of the single-word lexicon
  terms (no stems, phrases, negation, intensifiers or contrast): the floor any lexicon pays;
* ``lexicon_sentiment``: ``cxlib.voc.sentiment(texts, langs, backend="lexicon")``;
* ``auto_sentiment``: the default backend as without the embedding runtime (shipped pretrained
  models for en, zh, pl, sk, cs plus the lexicon; the lexicon elsewhere). With the runtime
  (the ``voc`` extra) ``auto`` embeds most languages: ``bench_sentiment_default.py`` measures
  that path on real review texts;
* ``aspects_one_pass``: ``cxlib.voc.aspects(texts, langs)`` (one pass gives the text's
  lexicon sentiment and each aspect mention with its clause sentiment);
* ``sentiment_then_aspects``: both public calls, one after the other;
* ``aspects_2_workers``: ``aspects`` on two halves in two worker processes (2 cores);
* ``detect_*``: ``cxlib.voc.detect_language`` with the 12 default candidate languages (high
  and low accuracy), the 6 languages of the data, and Lingua with all its 75 languages
  (the baseline the candidate list is compared with). Model loading is timed apart.

Each measurement: a warm-up on 1,000 texts (loads lexicons and models), then ``--repeat``
timed runs on all texts; the median is reported. Texts/s = texts / median time.

Usage::

    .venv/bin/python benchmarks/bench_voc.py --rows 500000 --detect-rows 50000 --write-readme  # full run
    .venv/bin/python benchmarks/bench_voc.py --rows 20000 --detect-rows 5000                   # quick check

Synthetic data go to ``benchmarks/data/`` (git-ignored) and are reused when present.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import _harness
from _harness import DATA

SECTION = "## Voice of the customer"
TARGET = 5000.0

METHODS: dict[str, str] = {
    "baseline_bow": "baseline: normalise + single-word dictionary lookup (no stems, phrases, negation)",
    "lexicon_sentiment": "cxlib.voc.sentiment(backend='lexicon')",
    "auto_sentiment": "cxlib.voc.sentiment(backend='auto') without the embedding runtime",
    "aspects_one_pass": "cxlib.voc.aspects (text sentiment + aspect mentions in one pass)",
    "sentiment_then_aspects": "cxlib.voc.sentiment then cxlib.voc.aspects",
    "aspects_2_workers": "cxlib.voc.aspects on 2 worker processes",
    "detect_all_languages": "Lingua, all 75 languages, high accuracy (baseline)",
    "detect_default_high": "cxlib.voc.detect_language, 12 default languages, high accuracy",
    "detect_default_low": "cxlib.voc.detect_language, 12 default languages, low accuracy",
    "detect_data_languages": "cxlib.voc.detect_language, the 6 data languages, high accuracy",
}
TEXT_METHODS = (
    "baseline_bow",
    "lexicon_sentiment",
    "auto_sentiment",
    "aspects_one_pass",
    "sentiment_then_aspects",
    "aspects_2_workers",
)
DETECT_METHODS = (
    "detect_all_languages",
    "detect_default_high",
    "detect_default_low",
    "detect_data_languages",
)
BASELINE = {
    **dict.fromkeys(TEXT_METHODS[1:], "baseline_bow"),
    **dict.fromkeys(DETECT_METHODS[1:], "detect_all_languages"),
}

# Clauses written for this benchmark: (language, sentiment, text).
CLAUSES: dict[str, dict[str, list[str]]] = {
    "en": {
        "pos": [
            "the courier came a day early",
            "really friendly support team",
            "great value for the price",
            "the jacket fits perfectly",
            "refund arrived within two days",
            "checkout was quick and easy",
        ],
        "neg": [
            "the box was crushed and the lamp broken",
            "nobody answered my emails for a week",
            "way too expensive for this quality",
            "the parcel never arrived",
            "the app keeps crashing at payment",
            "would not recommend them",
        ],
        "neu": [
            "I ordered the blue one",
            "it came in a brown box",
            "I used the discount code",
            "delivery took three days",
        ],
    },
    "pl": {
        "pos": [
            "kurier był bardzo szybki",
            "obsługa klienta bardzo pomocna",
            "świetna cena za taką jakość",
            "buty pasują idealnie",
            "zwrot pieniędzy bez problemu",
            "płatność blikiem działa sprawnie",
        ],
        "neg": [
            "paczka przyszła zgnieciona a lampa pęknięta",
            "nikt nie odpowiada na maile",
            "zdecydowanie za drogo",
            "przesyłka nie dotarła",
            "aplikacja się zawiesza przy płatności",
            "nie polecam tego sklepu",
        ],
        "neu": [
            "zamówiłam niebieski model",
            "paczka była w kartonie",
            "użyłam kodu rabatowego",
            "dostawa trwała trzy dni",
        ],
    },
    "nl": {
        "pos": [
            "de bezorger was supersnel",
            "heel vriendelijke klantenservice",
            "goede prijs voor deze kwaliteit",
            "de jas past perfect",
            "geld snel terug gekregen",
            "afrekenen ging makkelijk",
        ],
        "neg": [
            "de doos was gedeukt en de lamp kapot",
            "niemand reageert op mijn mails",
            "veel te duur",
            "het pakket is nooit aangekomen",
            "de app loopt vast bij het betalen",
            "ik raad deze winkel niet aan",
        ],
        "neu": [
            "ik bestelde de blauwe",
            "het kwam in een bruine doos",
            "ik gebruikte een kortingscode",
            "de levering duurde drie dagen",
        ],
    },
    "sk": {
        "pos": [
            "kuriér bol veľmi rýchly",
            "zákaznícka podpora veľmi ochotná",
            "skvelá cena za túto kvalitu",
            "topánky sedia perfektne",
            "peniaze vrátili bez problémov",
            "platba kartou prebehla rýchlo",
        ],
        "neg": [
            "krabica bola zdeformovaná a lampa rozbitá",
            "nikto neodpovedá na maily",
            "príliš drahé",
            "balík neprišiel",
            "aplikácia padá pri platbe",
            "neodporúčam tento obchod",
        ],
        "neu": [
            "objednala som modrú",
            "prišlo to v hnedej krabici",
            "použila som zľavový kód",
            "doručenie trvalo tri dni",
        ],
    },
    "zh": {
        "pos": [
            "快递员很快就送到了",
            "客服非常耐心",
            "这个价格很划算",
            "鞋子很合适",
            "退款很及时",
            "付款很方便",
        ],
        "neg": [
            "箱子压扁了台灯也碎了",
            "客服一直不回复",
            "太贵了不值",
            "包裹一直没到",
            "付款的时候闪退",
            "不推荐这家店",
        ],
        "neu": ["我买了蓝色的", "用纸箱装的", "用了优惠券", "三天到货"],
    },
    "ar": {
        "pos": [
            "المندوب وصل بسرعة",
            "خدمة العملاء متعاونة جدا",
            "السعر ممتاز مقابل الجودة",
            "المقاس مناسب تماما",
            "تم استرداد المبلغ بسرعة",
            "الدفع كان سهل",
        ],
        "neg": [
            "الكرتون وصل مكسور والمصباح تالف",
            "لا احد يرد على الرسائل",
            "السعر غالي جدا",
            "الطلب لم يصل",
            "التطبيق يعلق عند الدفع",
            "لا انصح بهذا المتجر",
        ],
        "neu": ["طلبت اللون الازرق", "وصل في كرتون", "استخدمت كود الخصم", "التوصيل اخذ ثلاثة ايام"],
    },
}
LANGS = tuple(CLAUSES)
JOIN = {"zh": "，", "ar": " و"}


def make_texts(rows: int, seed: int = 8) -> Path:
    """Write ``rows`` synthetic reviews (text, lang) as Parquet; reused when present."""
    import numpy as np
    import pandas as pd

    path = DATA / f"voc_texts_{rows}.parquet"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "sa", "do", "gu", "fi", "be"]
    made_up = ["".join(rng.choice(syllables, int(rng.integers(2, 5)))) for _ in range(50_000)]
    lang_idx = rng.integers(0, len(LANGS), rows)
    texts = []
    for k in range(rows):
        lang = LANGS[lang_idx[k]]
        bank = CLAUSES[lang]
        mood = rng.choice(["pos", "neg", "mixed"], p=[0.45, 0.4, 0.15])
        parts = [bank["neu"][rng.integers(len(bank["neu"]))]] if rng.random() < 0.5 else []
        if mood in ("pos", "mixed"):
            parts.append(bank["pos"][rng.integers(len(bank["pos"]))])
        if mood in ("neg", "mixed"):
            parts.append(bank["neg"][rng.integers(len(bank["neg"]))])
        if lang != "zh":
            parts.append(" ".join(rng.choice(made_up, int(rng.integers(1, 4)))))
        texts.append(JOIN.get(lang, ", ").join(parts) + ("。" if lang == "zh" else "."))
    pd.DataFrame({"text": texts, "lang": [LANGS[i] for i in lang_idx]}).to_parquet(path, index=False)
    return path


# ------------------------------------------------------------------------------- methods


def _baseline_bow(texts: list[str], langs: list[str]) -> Any:
    from importlib import resources

    from cxlib.voc.lexicon import read_yaml
    from cxlib.voc.normalize import normalize

    tables = {}
    for lang in set(langs):
        data = read_yaml(resources.files("cxlib.voc").joinpath("lexicons", f"{lang}.yaml"))
        tables[lang] = {
            normalize(p, lang): w
            for terms in data["terms"].values()
            for p, w in terms.items()
            if " " not in p and "*" not in p
        }
    out = []
    for text, lang in zip(texts, langs, strict=True):
        table = tables[lang]
        out.append(sum(table.get(w, 0.0) for w in normalize(text, lang).split()))
    return out


def _aspects_half(args: tuple[list[str], list[str]]) -> float:
    """Run aspects in a worker; return the worker's CPU seconds (the parent cannot see them)."""
    from cxlib import voc

    start = time.process_time()
    voc.aspects(args[0], args[1])
    return time.process_time() - start


def run_method(method: str, texts: list[str], langs: list[str], pool: Any = None) -> Any:
    from cxlib import voc

    if method == "baseline_bow":
        return _baseline_bow(texts, langs)
    if method == "lexicon_sentiment":
        return voc.sentiment(texts, langs, backend="lexicon")
    if method == "auto_sentiment":
        from cxlib.voc import embedding

        embedding.available = lambda: False  # this process: auto as without the runtime
        return voc.sentiment(texts, langs, backend="auto")
    if method == "aspects_one_pass":
        return voc.aspects(texts, langs)
    if method == "sentiment_then_aspects":
        return voc.sentiment(texts, langs, backend="lexicon"), voc.aspects(texts, langs)
    if method == "aspects_2_workers":
        half = len(texts) // 2
        return list(pool.map(_aspects_half, [(texts[:half], langs[:half]), (texts[half:], langs[half:])]))
    if method == "detect_all_languages":
        from lingua import LanguageDetectorBuilder

        detector = LanguageDetectorBuilder.from_all_languages().build()
        return detector.compute_language_confidence_values_in_parallel(texts)
    candidates = {
        "detect_default_high": (voc.DEFAULT_LANGUAGES, False),
        "detect_default_low": (voc.DEFAULT_LANGUAGES, True),
        "detect_data_languages": (LANGS, False),
    }
    languages, low = candidates[method]
    return voc.detect_language(texts, languages, low_accuracy=low)


def child(method: str, path: str, rows: int, repeat: int) -> dict[str, Any]:
    """One measurement in this (fresh) process; prints a JSON line."""
    import pandas as pd

    frame = pd.read_parquet(path).head(rows)
    texts, langs = frame["text"].tolist(), frame["lang"].tolist()
    pool = None
    if method == "aspects_2_workers":
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(2)
    load_start = time.perf_counter()
    run_method(method, texts[:1000], langs[:1000], pool)  # warm-up: lexicons, models, workers
    load = time.perf_counter() - load_start
    times, cpu = [], []
    for _ in range(repeat):
        c0, t0 = os.times(), time.perf_counter()
        result = run_method(method, texts, langs, pool)
        times.append(time.perf_counter() - t0)
        c1 = os.times()
        worker_cpu = sum(result) if method == "aspects_2_workers" else 0.0
        cpu.append((c1.user - c0.user) + (c1.system - c0.system) + worker_cpu)
    if pool is not None:
        pool.shutdown()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "method": method,
        "rows": len(texts),
        "times": times,
        "median": statistics.median(times),
        "cpu": statistics.median(cpu),
        "warmup": load,
        "peak_mb": max(peak, peak_children),
    }


def measure(method: str, path: Path, rows: int, repeat: int) -> dict[str, Any]:
    try:
        return _harness.run_child(
            [
                sys.executable,
                __file__,
                "--child",
                method,
                "--data",
                str(path),
                "--rows",
                str(rows),
                "--repeat",
                str(repeat),
            ]
        )
    except _harness.ChildFailed as exc:
        raise RuntimeError(f"{method} failed:\n{exc.stderr[-3000:] or exc}") from None


def table_lines(results: list[dict[str, Any]]) -> list[str]:
    by = {r["method"]: r for r in results}
    lines = [
        "| measurement | texts | median s | runs (s) | texts/s | ratio to baseline | CPU s | texts per CPU s "
        "| warm-up s | peak RSS (MB) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        base = by.get(BASELINE.get(r["method"], ""))
        ratio = f"{r['median'] / base['median']:.2f}× ({base['method']})" if base else "baseline"
        lines.append(
            f"| {METHODS[r['method']]} | {r['rows']:,} | {r['median']:.2f} | "
            f"{', '.join(f'{t:.2f}' for t in r['times'])} | {r['rows'] / r['median']:,.0f} | {ratio} | "
            f"{r['cpu']:.2f} | {r['rows'] / max(r['cpu'], 1e-9):,.0f} | "
            f"{r['warmup']:.2f} | {r['peak_mb']:,.0f} |"
        )
    return lines


def write_readme(lines: list[str], rows: int, detect_rows: int, repeat: int) -> None:
    """Replace (or add) the ``## Voice of the customer`` section of benchmarks/README.md."""
    machine = _harness.machine()
    body = [
        SECTION,
        "",
        "Lexicon sentiment, aspects and language detection on synthetic reviews in six languages "
        "(en, pl, nl, sk, zh, ar; clauses written for the script plus random made-up words, so the "
        "vocabulary is large). Each measurement runs in its own subprocess: a warm-up on 1,000 texts "
        "(loads lexicons and language models; its time is the warm-up column), then the median of "
        f"{repeat} runs (wall time; CPU s = user + system time of all threads, worker processes included). "
        "Ratios compare with the bag-of-words baseline (text methods) or Lingua with all 75 languages "
        "(detection). Peak RSS of the 2-worker run is the largest of parent and workers.",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_voc.py --rows {rows} --detect-rows {detect_rows}"
        f"{'' if repeat == 3 else f' --repeat {repeat}'} --write-readme` "
        f"({time.strftime('%Y-%m-%d')}, {machine}).",
        "",
        *lines,
        "",
        f"Target (issue 8): lexicon sentiment + aspects ≥ {TARGET:,.0f} texts/s on 2 cores.",
        "",
    ]
    if rows < 100_000:
        body[-1:-1] = [
            "",
            "This is a small verification run on a machine shared with other jobs (wall times several "
            "times the CPU times), so the texts/s column says little; the texts per CPU second column "
            "is the better guide. "
            "Run the full command (`--rows 500000 --detect-rows 50000`) on a quiet machine.",
        ]
    _harness.write_section(SECTION, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="texts for sentiment and aspects")
    parser.add_argument("--detect-rows", type=int, default=5_000, help="texts for language detection")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=list(METHODS), help="run only these measurements")
    parser.add_argument(
        "--write-readme", action="store_true", help="write the results into benchmarks/README.md"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.data, args.rows, args.repeat)))
        return
    path = make_texts(max(args.rows, args.detect_rows))
    results = []
    for method in args.only or list(METHODS):
        rows = args.detect_rows if method in DETECT_METHODS else args.rows
        result = measure(method, path, rows, args.repeat)
        results.append(result)
        print(table_lines([result])[-1], flush=True)
    lines = table_lines(results)
    print("\n".join(lines))
    if args.write_readme:
        write_readme(lines, args.rows, args.detect_rows, args.repeat)


if __name__ == "__main__":
    main()
