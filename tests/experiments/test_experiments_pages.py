"""One report page per experiment: listing, slugs, runner expansion and the index rows.

``cxlab run`` with ``experiment`` empty expands the A/B notebook into one run per
experiment of the data; the index lists each page with its status, exposure dates and
units per arm. Experiment names are customer text: escaped on every page, never part of
a file name or code unchecked. The counts are checked against an independent pandas
count of the same file.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from cxlib.experiments.catalogue import experiment_catalogue, experiment_slugs, read_experiments
from cxlib.reports import read_manifest, run

HOSTILE = "x'); import os; os.system('touch PWNED'); ('\"\n"
MARKUP = '<img src=x onerror="alert(1)"> & "quotes"'
NAMES = ["checkout_redesign", MARKUP, HOSTILE]


def _units(seed: int, names: list[str]) -> pd.DataFrame:
    """A unit-level experiments table: a few hundred units per experiment, uneven arms."""
    rng = np.random.default_rng(seed)
    parts = []
    for i, name in enumerate(names):
        n = 600 + 150 * i
        variant = rng.choice(["control", "treatment"], size=n, p=[0.5 + 0.05 * i, 0.5 - 0.05 * i])
        start = pd.Timestamp("2026-03-01", tz="UTC") + pd.Timedelta(days=40 * i)
        seconds = rng.integers(0, 86_400 * (10 + 5 * i), size=n)
        converted = rng.random(n) < np.where(variant == "treatment", 0.12, 0.10)
        parts.append(
            pd.DataFrame(
                {
                    "experiment": name,
                    "variant": variant,
                    "unit_id": [f"{i}-{k}" for k in range(n)],
                    "exposed_ts": start + pd.to_timedelta(seconds, unit="s"),
                    "converted": converted.astype("int64"),
                    "revenue": np.where(converted, rng.gamma(2.0, 30.0, size=n), 0.0),
                    "orders": converted.astype("int64"),
                    "pre_revenue": rng.gamma(1.0, 20.0, size=n) * (rng.random(n) < 0.4),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _expected(units: pd.DataFrame) -> dict[str, dict]:
    """Independent pandas count: dates and units per arm of each experiment."""
    out = {}
    for name, rows in units.groupby("experiment"):
        out[str(name)] = {
            "first_exposure": f"{rows['exposed_ts'].min():%Y-%m-%d}",
            "last_exposure": f"{rows['exposed_ts'].max():%Y-%m-%d}",
            "units": rows["variant"].value_counts().to_dict(),
        }
    return out


def _shop(folder: Path, names: list[str], seed: int = 1) -> pd.DataFrame:
    folder.mkdir(parents=True, exist_ok=True)
    units = _units(seed, names)
    units.to_parquet(folder / "experiments.parquet", index=False)
    return units


def test_catalogue_matches_pandas(tmp_path: Path) -> None:
    units = _shop(tmp_path / "shop", NAMES)
    listed = read_experiments(tmp_path / "shop")
    expected = _expected(units)
    assert sorted(e.name for e in listed) == sorted(expected)
    for e in listed:
        assert e.first_exposure == expected[e.name]["first_exposure"]
        assert e.last_exposure == expected[e.name]["last_exposure"]
        assert e.units == expected[e.name]["units"]
        assert list(e.units.values()) == sorted(e.units.values(), reverse=True)  # largest arm first
    # the same from an in-memory frame, without dates when there is no exposure time
    plain = experiment_catalogue(units.drop(columns="exposed_ts"))
    assert [e.first_exposure for e in plain] == [None] * 3
    assert {e.name: e.units for e in plain} == {k: v["units"] for k, v in expected.items()}


def test_catalogue_without_experiments_table(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    folder.mkdir()
    pd.DataFrame(
        {
            "order_id": ["1"],
            "customer_id": ["c"],
            "order_ts": [pd.Timestamp("2026-01-01", tz="UTC")],
            "revenue": [1.0],
        }
    ).to_parquet(folder / "orders.parquet", index=False)
    assert read_experiments(folder) == []


def test_slugs_are_safe_and_distinct() -> None:
    names = [
        "Checkout Redesign",
        "checkout-redesign",
        "checkout_redesign",
        "../../etc/passwd",
        "テスト",
        "",
        HOSTILE,
    ]
    slugs = experiment_slugs(names)
    assert set(slugs) == set(names)
    assert len(set(slugs.values())) == len(names)
    for slug in slugs.values():
        assert re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,70}", slug), slug
    assert slugs["checkout_redesign"] == "checkout_redesign"
    assert slugs["../../etc/passwd"] == "etc-passwd"
    assert slugs["Checkout Redesign"] != slugs["checkout-redesign"]  # both "checkout-redesign" before
    assert experiment_slugs(["テスト"]) == experiment_slugs(["テスト"])  # stable between runs


def _fake_notebook(folder: Path, code: str = "") -> Path:
    """A fast stand-in for the A/B notebook: it declares the same parameters and prints them."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(
        'data: str = "data/sample"  # folder\n'
        'engine: str = "duckdb"  # one of: duckdb, spark; engine\n'
        'experiment: str = ""  # experiment; empty: every experiment\n'
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A/B test analysis\n\n**Question:** did it work?"),
        params,
        nbformat.v4.new_code_cell("print(repr(experiment))\n" + code),
    ]
    path = folder / "06_ab_test.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.notebooks
def test_run_writes_one_page_per_experiment(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _fake_notebook(notebooks)
    units = _shop(tmp_path / "shop", NAMES)
    expected = _expected(units)
    out = tmp_path / "out"
    summary = run(data=tmp_path / "shop", notebooks_dir=notebooks, out=out, progress=False, jobs=2)
    assert summary.exit_code == 0, [r.failure for r in summary.results]
    slugs = experiment_slugs(NAMES)
    names = sorted(f"06_ab_test-{slugs[n]}" for n in NAMES)
    assert sorted(r.name for r in summary.results) == names
    assert sorted(p.name for p in out.glob("06_ab_test*.html")) == [f"{n}.html" for n in names]
    assert not list(tmp_path.rglob("PWNED")) and not (Path.cwd() / "PWNED").exists()
    manifest = read_manifest(out)
    assert sorted(manifest) == names
    for name in NAMES:
        record = manifest[f"06_ab_test-{slugs[name]}"]
        assert record["status"] == "ok" and record["family"] == "06_ab_test"
        assert record["parameters"]["experiment"] == name  # each run got its own experiment
        assert record["experiment"] == {"name": name, **expected[name]}
        page = (out / record["html"]).read_text(encoding="utf-8")
        assert html.escape(repr(name)) in page or repr(name) in html.unescape(page)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<img" not in index and 'onerror="alert' not in index
    assert index.count('class="cxlab-status ok"') == 3
    cards = re.findall(r'<li class="cxlab-card".*?</li>', index, flags=re.S)
    shown = {}
    for card in cards:
        line = re.search(r'<p class="cxlab-experiment">(.*?)</p>', card, flags=re.S)
        assert line, card[:300]
        name = html.unescape(
            re.search(r'cxlab-experiment-name">(.*?)</strong>', line.group(1), re.S).group(1)
        )
        arms = dict(re.findall(r'data-variant="([^"]*)" data-units="(\d+)"', line.group(1)))
        dates = re.search(r'cxlab-experiment-dates">exposed (\S+) to (\S+)</span>', line.group(1))
        shown[name] = (dates.groups(), {k: int(v) for k, v in arms.items()})
    assert shown == {n: ((e["first_exposure"], e["last_exposure"]), e["units"]) for n, e in expected.items()}
    # a later run with a named experiment replaces the per-experiment pages on the index
    again = run(
        data=tmp_path / "shop",
        notebooks_dir=notebooks,
        out=out,
        progress=False,
        parameter_texts={"experiment": "checkout_redesign"},
    )
    assert [r.name for r in again.results] == ["06_ab_test"]
    record = read_manifest(out)["06_ab_test"]
    assert list(read_manifest(out)) == ["06_ab_test"]
    assert record["experiment"]["units"] == expected["checkout_redesign"]["units"]


@pytest.mark.notebooks
def test_single_experiment_gives_one_page(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _fake_notebook(notebooks)
    _shop(tmp_path / "shop", ["only_one"])
    out = tmp_path / "out"
    summary = run(data=tmp_path / "shop", notebooks_dir=notebooks, out=out, progress=False)
    assert [r.name for r in summary.results] == ["06_ab_test"]
    record = read_manifest(out)["06_ab_test"]
    assert record["parameters"]["experiment"] == ""
    assert record["experiment"]["name"] == "only_one"
    assert json.loads((out / ".cxlab-runs.json").read_text())["reports"]["06_ab_test"]["status"] == "ok"


def _text(page: str) -> str:
    body = re.sub(r"<(script|style).*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.notebooks
@pytest.mark.slow
def test_ab_notebook_pages_per_experiment(tmp_path: Path) -> None:
    """The real A/B notebook on a shop of three experiments, two with hostile names."""
    units = _shop(tmp_path / "shop", NAMES, seed=7)
    expected = _expected(units)
    out = tmp_path / "out"
    summary = run(
        ["06_ab_test"], data=tmp_path / "shop", out=out, progress=False, jobs=2, parameters={"n_star": 500}
    )
    assert [r.status for r in summary.results] == ["ok"] * 3, [r.failure for r in summary.results]
    assert not list(tmp_path.rglob("PWNED")) and not (Path.cwd() / "PWNED").exists()
    slugs = experiment_slugs(NAMES)
    for name in NAMES:
        page = (out / f"06_ab_test-{slugs[name]}.html").read_text(encoding="utf-8")
        assert "<img src=x" not in page  # the name is escaped wherever it is shown
        text = _text(page)
        assert f"Experiment: {name.strip()}" in text or f"Experiment: {name}" in text
        other = [n for n in NAMES if n != name and n != "checkout_redesign"]
        assert not any(f"Experiment: {n}" in text for n in other)  # one experiment per page
        units_shown = sum(expected[name]["units"].values())
        assert f"{units_shown:,} units" in text or all(
            f"{n:,}" in text for n in expected[name]["units"].values()
        )
        # wording: which test decides is said once; nothing says "not conclusive"
        assert text.count("so the fixed-horizon test (What changed) decides") == 1
        assert "not conclusive" not in text and text.count("never excluded zero") <= 1
        body = text.split("How to read this", 1)[1]  # after the links to the other reports
        assert "customer" not in body.lower()  # experiment units are units, not customers
        assert "0.000" not in text and "p = 0 " not in text
        assert text.index("Decision: ") < text.index("Appendix")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in index and index.count('class="cxlab-status ok"') == 3


@pytest.mark.notebooks
def test_cli_run_by_prefix_expands_and_reruns_one_experiment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cxlib.cli import main

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _fake_notebook(notebooks)
    _shop(tmp_path / "shop", ["alpha", "beta"])
    out = tmp_path / "out"
    argv = ["run", "06", "--notebooks", str(notebooks), "--data", str(tmp_path / "shop"), "--out", str(out)]
    assert main(argv) == 0
    log = capsys.readouterr().out
    assert "[1/2] 06_ab_test-alpha" in log and "[2/2] 06_ab_test-beta" in log
    assert "2 report(s) ok" in log
    assert sorted(p.name for p in out.glob("*.html")) == [
        "06_ab_test-alpha.html",
        "06_ab_test-beta.html",
        "glossary.html",
        "index.html",
    ]
    # a page's previous/next links and the index point at the per-experiment pages
    page = (out / "06_ab_test-alpha.html").read_text(encoding="utf-8")
    assert 'href="06_ab_test-beta.html"' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="06_ab_test-alpha.html"' in index and 'href="06_ab_test-beta.html"' in index


@pytest.mark.notebooks
def test_failed_experiment_page_reruns_that_experiment(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _fake_notebook(notebooks, "if experiment == 'beta':\n    raise ValueError('broken beta')")
    _shop(tmp_path / "shop", ["alpha", "beta"])
    out = tmp_path / "out"
    summary = run(data=tmp_path / "shop", notebooks_dir=notebooks, out=out, progress=False)
    assert {r.name: r.status for r in summary.results} == {
        "06_ab_test-alpha": "ok",
        "06_ab_test-beta": "failed",
    }
    assert summary.exit_code == 1 and summary.failed == ["06_ab_test-beta"]
    error = html.unescape((out / "06_ab_test-beta.error.html").read_text(encoding="utf-8"))
    assert "broken beta" in error
    assert "cxlab run 06_ab_test --notebooks" in error and "-p experiment beta" in error


def test_lift_headline_matches_the_comparison() -> None:
    import math

    from scipy import stats

    from cxlib import experiments as ab
    from cxlib.reports.report_headlines import experiment_headlines

    units = _units(3, ["one"])
    every = np.where(units["variant"] == "treatment", 5, 10)  # treatment converts twice as often
    units["converted"] = (units.index.to_numpy() % every == 0).astype("int64")
    result = ab.compare(units, metrics=[ab.Metric("conversion", "converted", kind="proportion")])
    decision = result.decision()
    decided, lift = experiment_headlines(decision, result).items
    # independent: relative lift of the conversion rates and a pooled two-proportion z test
    counts = units.groupby("variant")["converted"].agg(["mean", "size"])
    p1, p2 = counts.loc["control", "mean"], counts.loc["treatment", "mean"]
    n1, n2 = counts.loc["control", "size"], counts.loc["treatment", "size"]
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert 2 * stats.norm.sf(abs(z)) < 0.01
    assert lift.label == "Lift in conversion"
    assert lift.value == f"{100 * (p2 / p1 - 1):+.1f}%"
    assert decision.verdict == "ship" and lift.verdict == "better"
    assert lift.note.startswith("treatment vs control; 95% CI +")
    assert decided.label == "Decision on conversion" and decided.value == "Ship: treatment"
