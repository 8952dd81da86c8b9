"""Where the spelled-out e-mail rules of ``cxlib.privacy.mask_pii`` fire on real text.

Addresses spelled to dodge harvesters ("jan(at)example(dot)com", "jan @ example . com",
"juan arroba gmail punto com", "jan%40example.com", letters typed one by one) are masked since
December 2026. Those rules read prose, so this script runs ``mask_pii`` over every line of the
given text files (reviews, posts, any corpus nobody here wrote) and prints each line in which
more addresses were masked than plain ones (with "@", no spaces) are written: on text
without such addresses, every line printed is a false replacement.

Usage::

    .venv/bin/python benchmarks/eval_masking.py FILE [FILE ...]

December 2026, the raw review files behind ``benchmarks/voc_eval`` (Mall.cz ``data_test.csv``,
``data_val.csv`` and ``negative.txt``; Olist's ``olist_order_reviews_dataset.csv``; GermEval
2017 ``dev.tsv`` and ``test.tsv``; Allociné ``test.tsv``; Qaym ``RES1.csv``; see
``voc_eval/README.md`` for their sources): 151,875 lines, one masked by the new rules, a photo
credit "Angelo DeSantis @ flickr.com"; the CSV files of ``benchmarks/voc_eval`` (committed,
external and ``language/``): 16,805 lines, none.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from cxlib.privacy import EMAIL_TOKEN, mask_pii

#: A plain address as usually written (with "@", no spaces).
PLAIN_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    lines = [line for path in args.files for line in path.read_text("utf-8", "replace").splitlines()]
    start = time.perf_counter()
    spelled = []
    for line in lines:
        masked = mask_pii(line)
        plain = len(PLAIN_ADDRESS.findall(line))
        if masked.count(EMAIL_TOKEN) > plain:
            spelled.append((line, masked))
    seconds = time.perf_counter() - start
    for line, masked in spelled:
        print(f"{line[:300]!r}\n  -> {masked[:300]!r}")
    print(f"{len(lines):,} lines, {len(spelled):,} with a spelled-out address masked ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
