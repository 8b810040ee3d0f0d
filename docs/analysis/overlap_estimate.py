"""Learn the reward's overlap factor from inputs known without simulating, on the finder
benchmark's training signals, and rank the unseen signals' candidates with it.

Development-time analysis (docs/benchmarks.md, hepzero-agent, ninth session); the project does not
need it. Inputs are the CSV files of the `overlap_features` example:

    cargo run --release -p hepzero-agent --example overlap_features -- train.csv <training signals>
    cargo run --release -p hepzero-agent --example overlap_features -- gen.csv <generalisation signals>
    python3 docs/analysis/overlap_estimate.py train.csv gen.csv

Needs numpy and scikit-learn (tested with 1.9.1). Two gradient-boosted tree models, both fitted on
the training signals' simulated candidates: P(overlap > 0), and ln(overlap) where it is positive.
Each unseen candidate gets the key ln A + ln P + ln K; the script prints how many candidates, taken
in descending order of each key, must be scored to reach 95% of each signal's backgrounds.
"""
import csv
import sys

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import roc_auc_score


def load(path):
    rows = list(csv.DictReader(open(path)))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}


def features(d):
    """Signal-relative inputs: the unsmeared mass range, the head mass, what is lost and mis-identified."""
    ms, lo, hi = d["ms"], d["lo"], d["hi"]
    unbounded = (hi >= 99).astype(float)
    hi = np.where(unbounded > 0, ms + 1.0, hi)
    # Share of the range above the fit range's lower edge (m_S - 0.5 GeV).
    above = np.clip((hi - (ms - 0.5)) / np.maximum(hi - lo, 1e-6), -2, 1)
    return np.column_stack([
        (hi - ms) / ms, (lo - ms) / ms, (d["head"] - ms) / ms, d["n_lost"], d["lost_mass"] / ms,
        d["n_misid"], d["shift2"] / ms**2, d["n_reco"], unbounded, above, ms,
    ])


def evaluations(key, d, recall=0.95):
    """Per signal, candidates scored in descending order of key (ties by hash) until `recall`."""
    out = {}
    for s in np.unique(d["signal"]):
        m = d["signal"] == s
        truth = d["truth"][m]
        needed = int(np.ceil(recall * truth.sum()))
        order = np.lexsort((d["hash"][m], -key[m]))
        found = np.cumsum(truth[order])
        n = int(np.argmax(found >= needed)) + 1
        out[int(s)] = (n, int(d["simulated"][m][order][:n].sum()))
    return out


def main(train_csv, gen_csv):
    train, gen = load(train_csv), load(gen_csv)
    x = features(train)
    simulated = train["simulated"] > 0
    positive = np.nan_to_num(train["overlap"]) > 0
    classifier = HistGradientBoostingClassifier(max_iter=300, random_state=0)
    classifier.fit(x[simulated], positive[simulated])
    regressor = HistGradientBoostingRegressor(max_iter=300, random_state=0)
    regressor.fit(x[simulated & positive], np.log(train["overlap"][simulated & positive]))

    xg = features(gen)
    p = np.clip(classifier.predict_proba(xg)[:, 1], 1e-6, 1.0)
    ln_k = regressor.predict(xg)
    sim = gen["simulated"] > 0
    print(f"AUC of P(overlap > 0) on the unseen signals' simulated candidates: "
          f"{roc_auc_score(np.nan_to_num(gen['overlap'][sim]) > 0, p[sim]):.3f}")
    ln_a = gen["log_a"]
    keys = {
        "order by A": ln_a,
        "A x P": ln_a + np.log(p),
        "A x P x K": ln_a + np.log(p) + ln_k,
        "order by A, zero overlaps last (ideal)": ln_a - 1e6 * (gen["overlap"] == 0),
        "perfect ranker": ln_a + 1e6 * gen["truth"],
    }
    results = {name: evaluations(key, gen) for name, key in keys.items()}
    print("| signal | " + " | ".join(results) + " |")
    print("|---" * (len(results) + 1) + "|")
    for s in sorted(results["order by A"]):
        print(f"| {s} | " + " | ".join(f"{r[s][0]} / {r[s][1]}" for r in results.values()) + " |")
    print("| sum | " + " | ".join(
        f"{sum(v[0] for v in r.values())} / {sum(v[1] for v in r.values())}" for r in results.values()) + " |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
