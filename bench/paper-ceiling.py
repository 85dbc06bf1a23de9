#!/usr/bin/env python3
"""How high can paper-protocol AUPRC go on an archive? Scores the same kind of pairs as
`dexposure backtest` (positives = edges at t+h between nodes of t, 5 uniform negatives per
positive, pooled over the anchors from --from on) with two reference scorers that look at the
future where noted:

- history: presence rate since first seen (weeks present / weeks since first seen) for pairs with
  history; pairs without history ranked below them by a FUTURE node propensity (how many new
  relationships each node forms over the whole archive). A simple forecaster, nearly time-t.
- oracle-alive: knows which relationships are alive at t+h (first seen <= t+h <= last seen) and
  ranks them by their presence rate over their whole life (an estimate of their weekly flow
  probability); the rest get the propensity score. It knows the latent state a time-t forecaster
  can only guess, so what it reaches approximates the ceiling for any forecaster; what it misses is
  the week-to-week noise of whether an alive relationship carries a flow.

Usage: /usr/bin/python3 bench/paper-ceiling.py ARCHIVE [--from 2025-01-06] [--horizons 1,4,8,12]
numpy + scikit-learn (Debian: python3-sklearn). Results: docs/evaluation.md, "How high can it go".
"""
import argparse
import os
import sys

import numpy as np
from sklearn.metrics import average_precision_score

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "training"))
from archive_data import ArchiveData, PairMemory, add_weeks  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archive")
    ap.add_argument("--from", dest="start", default="2025-01-06")
    ap.add_argument("--horizons", default="1,4,8,12")
    ap.add_argument("--neg-ratio", type=int, default=5)
    a = ap.parse_args()
    data = ArchiveData(a.archive)
    G = data.G

    # Whole-archive facts per pair (the oracles' future knowledge) and per node.
    count, first, last = {}, {}, {}
    new_out, new_in = np.zeros(G), np.zeros(G)
    for p, w in enumerate(data.weeks):
        for k in np.unique(w["gid"][w["src"]] * G + w["gid"][w["dst"]]).tolist():
            count[k] = count.get(k, 0) + 1
            last[k] = p
            if k not in first:
                first[k] = p
                new_out[k // G] += 1
                new_in[k % G] += 1

    print(f"{a.archive}: anchors from {a.start}, {a.neg_ratio} uniform negatives per positive")
    print("h | positives | never seen before t | history | oracle-alive")
    for h in map(int, a.horizons.split(",")):
        rng = np.random.default_rng(42)
        mem = PairMemory(G)
        ys, scores = [], {"history": [], "oracle-alive": []}
        never = 0
        for p, w in enumerate(data.weeks):
            mem.advance(p, w)
            if w["week"] < a.start or add_weeks(w["week"], h) not in data.index:
                continue
            n = len(w["gid"])
            wh = data.weeks[data.index[add_weeks(w["week"], h)]]
            loc = np.full(G, -1)
            loc[w["gid"]] = np.arange(n)
            s, d = loc[wh["gid"][wh["src"]]], loc[wh["gid"][wh["dst"]]]
            keep = (s >= 0) & (d >= 0)
            pos = np.unique(s[keep] * n + d[keep])
            neg = rng.integers(0, n * n, size=3 * a.neg_ratio * len(pos))
            neg = np.unique(neg[(neg // n != neg % n) & ~np.isin(neg, pos)])
            neg = rng.permutation(neg)[: a.neg_ratio * len(pos)]
            keys = np.concatenate([pos, neg])
            src, dst = keys // n, keys % n
            f = mem.features(w["gid"], src, dst)
            seen = f[:, 5] > 0
            never += int((~seen[: len(pos)]).sum())
            gk = (w["gid"][src] * G + w["gid"][dst]).tolist()
            prop = new_out[w["gid"][src]] * new_in[w["gid"][dst]]
            prop = prop / (prop.max() + 1)
            life = np.array([count.get(k, 0) / (last[k] - first[k] + 1) if k in first else 0.0 for k in gk])
            alive = np.array([k in first and first[k] <= p + h <= last[k] for k in gk])
            scores["history"].append(np.where(seen, 1 + f[:, 11], prop))
            scores["oracle-alive"].append(np.where(alive, 1 + life, prop))
            ys.append(np.r_[np.ones(len(pos)), np.zeros(len(neg))])
        y = np.concatenate(ys)
        ap_ = {k: average_precision_score(y, np.concatenate(v)) for k, v in scores.items()}
        print(f"{h} | {int(y.sum())} | {never / y.sum():.3f} | {ap_['history']:.4f} | {ap_['oracle-alive']:.4f}")


if __name__ == "__main__":
    main()
