"""Evaluate language detection on real text: supported languages kept, others set aside.

Two questions, both on text nobody here wrote:

* **Texts in a language cxlib scores** (the evaluation samples of ``benchmarks/voc_eval/``,
  committed and, when built, ``external/``): how often is the language found, and how often is
  such a text lost to one of :data:`cxlib.voc.language.OTHER_LANGUAGES` (it would then be
  labelled unsupported and not scored)?
* **Texts in other languages** (``benchmarks/voc_eval/language/xed_subtitle_lines.csv``: lines of
  film subtitles in 39 languages from XED, Öhman et al., COLING 2020, CC BY 4.0): how often is
  a text in a language cxlib does not score set aside (labelled with a language outside the
  candidates) rather than forced into a candidate and scored with its lexicon? XED's lines in
  the supported languages are reported too (short, conversational text).

Each is run with the shipped detection (:func:`cxlib.voc.language.detect_codes`) and with
``others=()``, the candidates alone (cxlib before issue 21's unsupported-language work).

Usage::

    .venv/bin/python benchmarks/eval_language.py
    .venv/bin/python benchmarks/eval_language.py --build-xed /path/to/XED   # rebuild the sample
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from cxlib.voc.language import DEFAULT_LANGUAGES, detect_codes, has_letters

HERE = Path(__file__).resolve().parent / "voc_eval"
SAMPLE = HERE / "language" / "xed_subtitle_lines.csv"
#: XED's file names that are not ISO 639-1 codes: cn, tw (Simplified, Traditional Chinese), br
#: (Brazilian Portuguese), no (Norwegian Bokmål).
XED_CODES = {"cn": "zh", "tw": "zh", "br": "pt", "no": "nb"}
#: Lines drawn per XED file, and the shortest line kept (shorter lines are mostly names and
#: interjections, not what a customer writes).
PER_FILE = 100
MIN_CHARS = 25


def build_xed_sample(xed: Path, out: Path = SAMPLE) -> pd.DataFrame:
    """Draw :data:`PER_FILE` distinct lines of at least :data:`MIN_CHARS` characters per XED file.

    ``xed`` is a checkout of github.com/Helsinki-NLP/XED (``Projections/*-projections*.tsv``: the
    line, a tab, its emotion labels; one file starts with a ``phrase``/``emotion`` header).
    Files with fewer usable lines give all they have.
    """
    frames = []
    for path in sorted((xed / "Projections").glob("*-projections*.tsv")):
        name = path.name.split("-", 1)[0]
        raw = pd.read_csv(path, sep="\t", header=None, usecols=[0], dtype=str, quoting=3)[0].dropna()
        lines = raw[raw != "phrase"].str.strip().drop_duplicates()
        lines = lines[lines.str.len() >= MIN_CHARS]
        drawn = lines.sample(n=min(PER_FILE, len(lines)), random_state=21)
        frames.append(
            pd.DataFrame({"text": drawn.to_numpy(), "lang": XED_CODES.get(name, name), "file": name})
        )
    sample = pd.concat(frames, ignore_index=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    sample.to_csv(out, index=False)
    return sample


def _review_texts() -> pd.DataFrame:
    files = sorted(HERE.glob("*.csv")) + sorted((HERE / "external").glob("*.csv"))
    texts = pd.concat([pd.read_csv(f, usecols=["text", "lang"], dtype=str) for f in files], ignore_index=True)
    return texts.drop_duplicates("text").reset_index(drop=True)


def _detect(texts: list[str], others: bool) -> tuple[list[str | None], float]:
    start = time.perf_counter()
    codes, _ = (
        detect_codes(texts, DEFAULT_LANGUAGES)
        if others
        else detect_codes(texts, DEFAULT_LANGUAGES, others=())
    )
    return codes, len(texts) / (time.perf_counter() - start)


def evaluate(frame: pd.DataFrame) -> pd.DataFrame:
    """Per language: texts, share found exactly, share set aside (not put in a candidate).

    A text with letters set aside is labelled ``unsupported`` by :func:`cxlib.voc.sentiment`,
    whether one of the other languages won it or none was recognised.

    Columns ``found_before``/``set_aside_before`` are for ``others=()``.
    """
    texts = frame["text"].astype(str).tolist()
    rows = []
    results = {}
    for others in (False, True):
        codes, speed = _detect(texts, others)
        results[others] = pd.Series(codes, index=frame.index, dtype="object")
        print(f"{'with' if others else 'without'} other languages: {speed:,.0f} texts/s")
    supported = set(DEFAULT_LANGUAGES)
    lettered = pd.Series([has_letters(t) for t in texts], index=frame.index)
    for lang, part in frame.groupby("lang", sort=True):
        row: dict[str, object] = {"lang": lang, "supported": lang in supported, "texts": len(part)}
        for others, suffix in ((False, "before"), (True, "now")):
            got = results[others].loc[part.index]
            row[f"found_{suffix}"] = float((got == lang).mean())
            row[f"set_aside_{suffix}"] = float((~got.isin(supported) & lettered.loc[part.index]).mean())
        rows.append(row)
    return pd.DataFrame(rows)


def _print(table: pd.DataFrame, title: str) -> None:
    print(f"\n## {title}\n")
    print(
        "| lang | supported | texts | found (before) | found (now) | set aside (before) | set aside (now) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in table.itertuples():
        print(
            f"| {r.lang} | {'yes' if r.supported else 'no'} | {r.texts} | {r.found_before:.1%} "
            f"| {r.found_now:.1%} | {r.set_aside_before:.1%} | {r.set_aside_now:.1%} |"
        )
    for flag, name in ((True, "supported"), (False, "other")):
        part = table[table["supported"] == flag]
        if len(part):
            n = part["texts"].sum()
            found = (part["found_now"] * part["texts"]).sum() / n
            aside = round((part["set_aside_now"] * part["texts"]).sum())
            aside_before = round((part["set_aside_before"] * part["texts"]).sum())
            print(
                f"\n{name} languages, {n} texts: found {found:.1%}, set aside {aside} ({aside / n:.2%}; "
                f"before: {aside_before})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--build-xed", type=Path, help="rebuild the XED sample from this checkout first")
    args = parser.parse_args()
    if args.build_xed:
        build_xed_sample(args.build_xed)
    _print(evaluate(_review_texts()), "Review samples (benchmarks/voc_eval): supported languages")
    _print(evaluate(pd.read_csv(SAMPLE, dtype=str)), "XED subtitle lines, 39 languages")


if __name__ == "__main__":
    main()
