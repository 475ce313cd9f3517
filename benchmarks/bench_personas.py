"""Benchmark: persona discovery on 100,000 sample customers; budgets clustering (choosing k and
the bootstrap included) < 20 s, tagging < 10 s per 100,000 texts, on this 2-core machine.

Builds the sample in an in-memory store (seeded), reads its texts and features once, then times
on their own: tagging (every rule of ``tags.yaml`` over every text, evidence included), and
:class:`~salesanalysis.personas.PersonaModel` ``fit`` with the default settings (k chosen in 3-8
by silhouette on a 2,000-customer sample, the final fit on everyone, 20 bootstrap refits). The
anchor, measured in the same run: one plain scikit-learn ``KMeans(n_clusters=k, n_init=4)`` on
the same transformed matrix. With the shared bank export beside the project, also the bank
personas' subscription-rate spread on the whole file. Prints seconds and peak RSS.
Run: ``.venv/bin/python benchmarks/bench_personas.py [n_customers]``.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from salesanalysis.features import custom_features, customer_features
from salesanalysis.intake.pipeline import import_files
from salesanalysis.personas import discover_personas
from salesanalysis.personas.features import add_derived, build_inputs
from salesanalysis.personas.run import _model, load_configs
from salesanalysis.personas.tags import find_evidence, read_texts, tag_matrix
from salesanalysis.sample import load_sample
from salesanalysis.store import Store

BANK = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "bank_marketing" / "bank-full.csv"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bank_spread() -> None:
    """Subscription rate per persona on the whole bank export (cross-sectional)."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bank.duckdb", create=True) as st:
        import_files(st, [BANK], mapping="bank_marketing", rejected_dir=Path(tmp) / "rej")
        t0 = time.perf_counter()
        result = discover_personas(st)
        seconds = time.perf_counter() - t0
        opps = st.table("opportunities")[["customer_id", "outcome"]]
    both = result.assignments.merge(opps, on="customer_id")
    rate = both.groupby("persona_id")["outcome"].apply(lambda s: s.eq("won").mean())
    sizes = both["persona_id"].value_counts().sort_index()
    print(f"bank ({len(both):,} clients): {result.model.n_clusters_} personas in {seconds:.1f} s, "
          f"subscription rate {rate.min():.1%} .. {rate.max():.1%} "
          f"(spread {100 * (rate.max() - rate.min()):.1f} points; overall "
          f"{both['outcome'].eq('won').mean():.1%})")
    for pid, name in result.names.set_index("persona_id")["name_en"].items():
        print(f"  {pid} {name}: {sizes[pid]:,} clients, {rate[pid]:.1%} subscribed")
    print(f"  groups used {result.inputs.used_groups()}; missing {sorted(result.inputs.missing)}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    cfg = load_configs()
    store = Store(":memory:", create=True)
    t0 = time.perf_counter()
    load_sample(store, n_customers=n, seed=42)
    print(f"sample of {n:,} customers built in {time.perf_counter() - t0:.1f} s")
    day = store.latest_date()
    feats = customer_features(store, day)
    custom = custom_features(store)
    table = add_derived(feats)
    fields = {f for r in cfg.tags.tags.values() for f in r.fields}
    texts = read_texts(store, day, fields)

    find_evidence(texts.head(2000), table, cfg.tags.tags)  # warm-up (regex compile, imports)
    t0 = time.perf_counter()
    evidence = find_evidence(texts, table, cfg.tags.tags)
    tag_s = time.perf_counter() - t0
    per_100k = tag_s * 100_000 / max(1, len(texts))
    print(f"tagging: {len(texts):,} texts, {len(cfg.tags.tags)} rules -> {len(evidence):,} "
          f"pieces of evidence in {tag_s:.2f} s = {per_100k:.2f} s per 100,000 texts "
          f"(budget 10 s: {'OK' if per_100k < 10 else 'OVER'})")

    inputs = build_inputs(feats, tag_matrix(evidence, feats["customer_id"], list(cfg.tags.tags)),
                          custom, cfg.settings)
    X = inputs.frame.drop(columns="customer_id")
    model = _model(cfg, inputs)
    t0 = time.perf_counter()
    model.fit(X)
    fit_s = time.perf_counter() - t0
    print(f"clustering: {len(X):,} customers x {X.shape[1]} inputs, k chosen {model.n_clusters_} "
          f"in {model.k_range[0]}-{model.k_range[1]}, {model.n_bootstrap} bootstrap refits, "
          f"ARI {model.ari_:.2f}: {fit_s:.2f} s (budget 20 s: {'OK' if fit_s < 20 else 'OVER'})")
    Z = model.preprocessor_.transform(X).to_numpy(dtype=float)
    t0 = time.perf_counter()
    with threadpool_limits(limits=1, user_api="openmp"):
        KMeans(n_clusters=model.n_clusters_, n_init=4, random_state=0).fit(Z)
    anchor_s = time.perf_counter() - t0
    print(f"anchor: one plain KMeans(k={model.n_clusters_}, n_init=4) on the same matrix "
          f"{anchor_s:.2f} s (the whole fit = {fit_s / max(anchor_s, 1e-9):.1f} x that)")
    shares = np.bincount(model.labels_)[1:] / len(X)
    print(f"persona shares: {', '.join(f'{s:.0%}' for s in shares)}")
    print(f"peak memory {peak_mib():,.0f} MiB")
    if BANK.exists():
        bank_spread()
        print(f"peak memory after the bank run {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
