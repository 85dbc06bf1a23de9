#!/usr/bin/env python3
"""Train a DeXposure Workbench forecast model on a SQLite archive and export it to ONNX.

Usage (Debian: apt-get install python3-torch python3-onnx python3-sklearn):
    /usr/bin/python3 training/train.py --archive A.sqlite --horizon 1 --out resources/models/h1
        [--until 2024-07-22] [--val-until 2025-01-01] [--epochs 30] [--seed 42]

The model (docs/forecasting.md, docs/model-contract.md):
- node encoder: standardised base features + category one-hot -> MLP -> 2 message-passing layers
  over the weighted exposure graph in both directions (holder->issuer and issuer->holder), mean
  aggregation weighted by log1p(USD); scatter-add exported as ScatterElements(reduction='add');
- pair head on [h_u, h_v, h_u*h_v, pair history at t] -> existence logit and log-weight residual;
- node head -> log-TVL change.
Walk-forward: trains on anchors t with t+h < --until, early-stops on validation AUPRC (anchors
with --until <= t+h < --val-until), then fits Platt scaling on validation weeks over ALL ordered
pairs so probabilities hold at the true base rate. Progress goes to stderr.
"""
import argparse
import hashlib
import json
import math
import os
import sqlite3
import sys
import time
from datetime import date, timedelta

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import average_precision_score

FEATURE_SCHEMA = 1
BASE_FEATURES = ["log_tvl", "n_token_types", "max_token_share", "token_entropy", "tvl_change",
                 "in_degree_norm", "out_degree_norm"]
PAIR_HISTORY = ["edge_at_t", "log_weight_at_t", "share_last_4", "share_last_12", "reverse_at_t",
                "seen_before"]
HIDDEN = 48
OPSET = 17


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------ data

class ArchiveData:
    def __init__(self, path):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        cats = dict(db.execute("SELECT id, category FROM protocols"))
        self.weeks = []
        for row in db.execute(
                "SELECT week, node_ids, sizes, features, edge_src, edge_dst, edge_weight FROM week_frames ORDER BY week"):
            week, ids, sizes, feats, src, dst, w = row
            ids = json.loads(ids)
            self.weeks.append({
                "week": week,
                "ids": ids,
                "sizes": np.frombuffer(sizes, dtype="<f8"),
                "features": np.frombuffer(feats, dtype="<f4").reshape(len(ids), len(BASE_FEATURES)),
                "src": np.frombuffer(src, dtype="<i4").astype(np.int64),
                "dst": np.frombuffer(dst, dtype="<i4").astype(np.int64),
                "weight": np.frombuffer(w, dtype="<f8"),
                "categories": [cats.get(i) or "Unknown" for i in ids],
            })
        db.close()
        self.index = {w["week"]: i for i, w in enumerate(self.weeks)}
        self.categories = sorted({c for w in self.weeks for c in w["categories"]} - {"Unknown"}) + ["Unknown"]

    def pair_memory(self, upto):
        """For anchor position `upto`: {(src_id, dst_id): [weeks seen (positions)], last weight}."""
        mem = {}
        for p in range(upto + 1):
            w = self.weeks[p]
            ids = w["ids"]
            for s, d, x in zip(w["src"], w["dst"], w["weight"]):
                key = (ids[s], ids[d])
                seen = mem.get(key)
                if seen is None:
                    mem[key] = [[p], x]
                else:
                    seen[0].append(p)
                    seen[1] = x
        return mem


def add_weeks(week, n):
    return (date.fromisoformat(week) + timedelta(weeks=n)).isoformat()


def pair_history(week_pos, ids, src, dst, mem):
    """Pair-history features from time-t data only (PAIR_HISTORY order)."""
    out = np.zeros((len(src), len(PAIR_HISTORY)), dtype=np.float32)
    for i, (s, d) in enumerate(zip(src, dst)):
        m = mem.get((ids[s], ids[d]))
        if m is not None:
            seen = m[0]
            at_t = seen[-1] == week_pos
            out[i, 0] = 1.0 if at_t else 0.0
            out[i, 1] = math.log1p(m[1]) if at_t else 0.0
            out[i, 2] = sum(1 for p in seen if week_pos - p < 4) / 4.0
            out[i, 3] = sum(1 for p in seen if week_pos - p < 12) / 12.0
            out[i, 5] = 1.0
        r = mem.get((ids[d], ids[s]))
        if r is not None and r[0][-1] == week_pos:
            out[i, 4] = 1.0
    return out


# ------------------------------------------------------------------------------------------ model

def scatter_sum(values, index, size):
    """Sum rows of `values` into `size` rows by `index`. The broadcast index makes torch export
    ScatterElements(reduction='add') at opset >= 16 (toolchain.md: index_add exports wrong sums)."""
    idx = index.unsqueeze(1) + torch.zeros_like(values, dtype=torch.long)
    out = torch.zeros(size, values.shape[1], dtype=values.dtype)
    return out.scatter_add(0, idx, values)


class MessagePassing(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fwd = nn.Linear(dim, dim)
        self.bwd = nn.Linear(dim, dim)
        self.out = nn.Linear(3 * dim, dim)

    def forward(self, h, src, dst, w):
        n = h.shape[0]
        wcol = w.unsqueeze(1)
        # holder -> issuer: each issuer averages its holders' messages, weighted by log1p(USD)
        into = scatter_sum(self.fwd(h)[src] * wcol, dst, n)
        norm_in = scatter_sum(wcol, dst, n) + 1e-6
        # issuer -> holder
        back = scatter_sum(self.bwd(h)[dst] * wcol, src, n)
        norm_out = scatter_sum(wcol, src, n) + 1e-6
        return F.relu(self.out(torch.cat([h, into / norm_in, back / norm_out], dim=1))) + h


class Encoder(nn.Module):
    def __init__(self, n_features, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32))
        self.inp = nn.Sequential(nn.Linear(n_features, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU())
        self.mp1 = MessagePassing(HIDDEN)
        self.mp2 = MessagePassing(HIDDEN)
        self.node = nn.Sequential(nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))

    def forward(self, features, edge_src, edge_dst, edge_weight):
        src = edge_src.long()
        dst = edge_dst.long()
        x = (features - self.mean) / self.std
        h = self.inp(x)
        w = torch.log1p(edge_weight)
        h = self.mp1(h, src, dst, w)
        h = self.mp2(h, src, dst, w)
        return h, self.node(h).squeeze(1)


class PairHead(nn.Module):
    def __init__(self):
        super().__init__()
        k = len(PAIR_HISTORY)
        self.exist = nn.Sequential(nn.Linear(3 * HIDDEN + k, 64), nn.ReLU(), nn.Linear(64, 1))
        self.weight = nn.Sequential(nn.Linear(3 * HIDDEN + k, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, h, src, dst, pair_hist):
        hu = h[src.long()]
        hv = h[dst.long()]
        z = torch.cat([hu, hv, hu * hv, pair_hist], dim=1)
        return self.exist(z).squeeze(1), self.weight(z).squeeze(1)


# ------------------------------------------------------------------------------------------ training

def node_inputs(week, categories):
    cat_index = {c: i for i, c in enumerate(categories)}
    onehot = np.zeros((len(week["ids"]), len(categories)), dtype=np.float32)
    for i, c in enumerate(week["categories"]):
        onehot[i, cat_index.get(c, len(categories) - 1)] = 1.0
    return np.concatenate([week["features"], onehot], axis=1)


def anchor_sample(data, t_pos, horizon, rng, neg_ratio, categories):
    """Training pairs for anchor t: positives at t+h, uniform negatives and hard negatives
    (pairs with history at t that are absent at t+h)."""
    wt = data.weeks[t_pos]
    wh = data.weeks[data.index[add_weeks(wt["week"], horizon)]]
    ids = wt["ids"]
    pos = {v: i for i, v in enumerate(ids)}
    n = len(ids)
    truth = {}
    for s, d, x in zip(wh["src"], wh["dst"], wh["weight"]):
        a, b = pos.get(wh["ids"][s]), pos.get(wh["ids"][d])
        if a is not None and b is not None:
            truth[(a, b)] = math.log1p(x)
    mem = data.pair_memory(t_pos)
    hard = [(pos[a], pos[b]) for (a, b) in mem if a in pos and b in pos and (pos[a], pos[b]) not in truth]
    pairs = list(truth.keys()) + hard
    chosen = set(pairs)
    target = len(truth) * neg_ratio
    tries = 0
    while len(chosen) - len(truth) - len(hard) < target and tries < 20 * target + 100:
        a, b = int(rng.integers(n)), int(rng.integers(n))
        tries += 1
        if a != b and (a, b) not in chosen:
            chosen.add((a, b))
            pairs.append((a, b))
    src = np.array([p[0] for p in pairs], dtype=np.int64)
    dst = np.array([p[1] for p in pairs], dtype=np.int64)
    y = np.array([1.0 if p in truth else 0.0 for p in pairs], dtype=np.float32)
    yw = np.array([truth.get(p, 0.0) for p in pairs], dtype=np.float32)
    hist = pair_history(t_pos, ids, src, dst, mem)
    sizes_h = dict(zip(wh["ids"], wh["sizes"]))
    node_y = np.zeros(n, dtype=np.float32)
    node_mask = np.zeros(n, dtype=np.float32)
    for i, v in enumerate(ids):
        if v in sizes_h:
            node_y[i] = math.log1p(max(sizes_h[v], 0)) - math.log1p(max(wt["sizes"][i], 0))
            node_mask[i] = 1.0
    return {
        "x": torch.tensor(node_inputs(wt, categories)),
        "esrc": torch.tensor(wt["src"], dtype=torch.int32),
        "edst": torch.tensor(wt["dst"], dtype=torch.int32),
        "ew": torch.tensor(wt["weight"], dtype=torch.float32),
        "src": torch.tensor(src, dtype=torch.int32),
        "dst": torch.tensor(dst, dtype=torch.int32),
        "hist": torch.tensor(hist),
        "y": torch.tensor(y),
        "yw": torch.tensor(yw),
        "node_y": torch.tensor(node_y),
        "node_mask": torch.tensor(node_mask),
    }


def all_pairs_sample(data, t_pos, horizon, categories):
    """Every ordered pair of nodes of t (for calibration and ECE at the true base rate)."""
    wt = data.weeks[t_pos]
    wh = data.weeks[data.index[add_weeks(wt["week"], horizon)]]
    ids = wt["ids"]
    pos = {v: i for i, v in enumerate(ids)}
    n = len(ids)
    truth = set()
    for s, d in zip(wh["src"], wh["dst"]):
        a, b = pos.get(wh["ids"][s]), pos.get(wh["ids"][d])
        if a is not None and b is not None:
            truth.add((a, b))
    src, dst = np.nonzero(~np.eye(n, dtype=bool))
    mem = data.pair_memory(t_pos)
    y = np.array([1.0 if (a, b) in truth else 0.0 for a, b in zip(src, dst)], dtype=np.float32)
    return {
        "x": torch.tensor(node_inputs(wt, categories)),
        "esrc": torch.tensor(wt["src"], dtype=torch.int32),
        "edst": torch.tensor(wt["dst"], dtype=torch.int32),
        "ew": torch.tensor(wt["weight"], dtype=torch.float32),
        "src": torch.tensor(src, dtype=torch.int32),
        "dst": torch.tensor(dst, dtype=torch.int32),
        "hist": torch.tensor(pair_history(t_pos, ids, src, dst, mem)),
        "y": y,
    }


def logits_of(enc, head, s):
    h, node = enc(s["x"], s["esrc"], s["edst"], s["ew"])
    logit, resid = head(h, s["src"], s["dst"], s["hist"])
    return logit, resid, node


def ece(y, p, bins=15):
    b = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for k in range(bins):
        m = b == k
        if m.any():
            total += m.sum() / len(p) * abs(y[m].mean() - p[m].mean())
    return float(total)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", required=True)
    ap.add_argument("--horizon", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--until", default="2024-07-22", help="train on anchors whose t+h is before this week")
    ap.add_argument("--val-until", default="2025-01-01", help="validate on anchors whose t+h is before this")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--neg-ratio", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--parity", help="also write ORT parity vectors to this JSON file")
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    started = time.time()
    data = ArchiveData(a.archive)
    h = a.horizon
    anchors = [i for i, w in enumerate(data.weeks) if add_weeks(w["week"], h) in data.index]
    target = lambda i: add_weeks(data.weeks[i]["week"], h)
    train = [i for i in anchors if target(i) < a.until and len(data.weeks[i]["ids"]) > 20]
    val = [i for i in anchors if a.until <= data.weeks[i]["week"] and target(i) < a.val_until]
    if not train or not val:
        log(f"train: not enough weeks (train {len(train)}, validation {len(val)}) for h={h}")
        sys.exit(2)
    log(f"train: h={h}, {len(train)} training anchors ({data.weeks[train[0]]['week']} … {data.weeks[train[-1]]['week']}), "
        f"{len(val)} validation anchors, {len(data.categories)} categories")

    feats = np.concatenate([node_inputs(data.weeks[i], data.categories) for i in train])
    mean = feats.mean(axis=0)
    std = feats.std(axis=0)
    std[std < 1e-6] = 1.0
    mean[len(BASE_FEATURES):] = 0.0  # one-hot columns stay 0/1
    std[len(BASE_FEATURES):] = 1.0

    rng = np.random.default_rng(a.seed)
    enc = Encoder(feats.shape[1], mean, std)
    head = PairHead()
    opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=3e-3, weight_decay=1e-5)
    train_samples = [anchor_sample(data, i, h, rng, a.neg_ratio, data.categories) for i in train]
    val_samples = [anchor_sample(data, i, h, np.random.default_rng(a.seed + 1), a.neg_ratio, data.categories) for i in val]
    log(f"train: sampled {sum(len(s['y']) for s in train_samples)} training pairs in {time.time() - started:.1f} s")

    best, best_state, bad = -1.0, None, 0
    for epoch in range(1, a.epochs + 1):
        enc.train()
        head.train()
        total = 0.0
        for k in rng.permutation(len(train_samples)):
            s = train_samples[k]
            logit, resid, node = logits_of(enc, head, s)
            pos = s["y"] > 0
            base = s["hist"][:, 1]
            loss = F.binary_cross_entropy_with_logits(logit, s["y"])
            if pos.any():
                loss = loss + 0.2 * F.smooth_l1_loss((base + resid)[pos], s["yw"][pos])
            m = s["node_mask"] > 0
            if m.any():
                loss = loss + 2.0 * F.smooth_l1_loss(node[m], s["node_y"][m])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(enc.parameters()) + list(head.parameters()), 1.0)
            opt.step()
            total += float(loss)
        enc.eval()
        head.eval()
        with torch.no_grad():
            ys, ps = [], []
            for s in val_samples:
                logit, _, _ = logits_of(enc, head, s)
                ys.append(s["y"].numpy())
                ps.append(logit.numpy())
            auprc = average_precision_score(np.concatenate(ys), np.concatenate(ps))
        log(f"epoch {epoch}: loss {total / len(train_samples):.4f}, validation AUPRC {auprc:.4f}")
        if auprc > best:
            best, bad = auprc, 0
            best_state = ({k: v.clone() for k, v in enc.state_dict().items()},
                          {k: v.clone() for k, v in head.state_dict().items()})
        else:
            bad += 1
            if bad >= a.patience:
                log(f"train: early stop (no improvement for {a.patience} epochs)")
                break
    enc.load_state_dict(best_state[0])
    head.load_state_dict(best_state[1])
    enc.eval()
    head.eval()

    # Platt scaling on validation weeks over ALL ordered pairs: probabilities at the true base rate.
    with torch.no_grad():
        ys, zs = [], []
        for i in val:
            s = all_pairs_sample(data, i, h, data.categories)
            logit, _, _ = logits_of(enc, head, s)
            ys.append(s["y"])
            zs.append(logit.numpy().astype(np.float64))
        y = np.concatenate(ys)
        z = np.concatenate(zs)
    A = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    B = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    A.data.fill_(1.0)
    lbfgs = torch.optim.LBFGS([A, B], max_iter=200, line_search_fn="strong_wolfe")
    zt, yt = torch.tensor(z), torch.tensor(y, dtype=torch.float64)

    def closure():
        lbfgs.zero_grad()
        l = F.binary_cross_entropy_with_logits(A * zt + B, yt)
        l.backward()
        return l

    lbfgs.step(closure)
    a_, b_ = float(A), float(B)
    p_raw = 1 / (1 + np.exp(-z))
    p_cal = 1 / (1 + np.exp(-(a_ * z + b_)))
    metrics = {
        "validation_auprc_sampled": float(best),
        "validation_auprc_all_pairs": float(average_precision_score(y, z)),
        "validation_base_rate": float(y.mean()),
        "validation_ece_uncalibrated": ece(y, p_raw),
        "validation_ece_calibrated": ece(y, p_cal),
        "validation_pairs": int(len(y)),
    }
    log(f"train: Platt a={a_:.4f} b={b_:.4f}; ECE {metrics['validation_ece_uncalibrated']:.4f} -> {metrics['validation_ece_calibrated']:.4f} "
        f"at base rate {metrics['validation_base_rate']:.4f}")

    os.makedirs(a.out, exist_ok=True)
    n_feat = feats.shape[1]
    ex = train_samples[-1]
    enc_path = os.path.join(a.out, "encoder.onnx")
    head_path = os.path.join(a.out, "pair_head.onnx")
    torch.onnx.export(enc, (ex["x"], ex["esrc"], ex["edst"], ex["ew"]), enc_path, opset_version=OPSET,
                      input_names=["features", "edge_src", "edge_dst", "edge_weight"],
                      output_names=["h", "node_change"],
                      dynamic_axes={"features": {0: "N"}, "edge_src": {0: "E"}, "edge_dst": {0: "E"},
                                    "edge_weight": {0: "E"}, "h": {0: "N"}, "node_change": {0: "N"}})
    with torch.no_grad():
        hx, _ = enc(ex["x"], ex["esrc"], ex["edst"], ex["ew"])
    torch.onnx.export(head, (hx, ex["src"], ex["dst"], ex["hist"]), head_path, opset_version=OPSET,
                      input_names=["h", "src", "dst", "pair_hist"], output_names=["logit", "weight_residual"],
                      dynamic_axes={"h": {0: "N"}, "src": {0: "P"}, "dst": {0: "P"}, "pair_hist": {0: "P"},
                                    "logit": {0: "P"}, "weight_residual": {0: "P"}})

    manifest = {
        "name": f"dexposure-workbench-gnn-h{h}",
        "format": "dexposure-model/1",
        "horizon": h,
        "feature_schema": FEATURE_SCHEMA,
        "base_features": BASE_FEATURES,
        "categories": data.categories,
        "pair_history": PAIR_HISTORY,
        "hidden": HIDDEN,
        "opset": OPSET,
        "graphs": {
            "encoder": {"file": "encoder.onnx", "sha256": sha256(enc_path),
                        "inputs": [{"name": "features", "dtype": "float32", "shape": ["N", n_feat]},
                                   {"name": "edge_src", "dtype": "int32", "shape": ["E"]},
                                   {"name": "edge_dst", "dtype": "int32", "shape": ["E"]},
                                   {"name": "edge_weight", "dtype": "float32", "shape": ["E"]}],
                        "outputs": [{"name": "h", "dtype": "float32", "shape": ["N", HIDDEN]},
                                    {"name": "node_change", "dtype": "float32", "shape": ["N"]}]},
            "pair_head": {"file": "pair_head.onnx", "sha256": sha256(head_path),
                          "inputs": [{"name": "h", "dtype": "float32", "shape": ["N", HIDDEN]},
                                     {"name": "src", "dtype": "int32", "shape": ["P"]},
                                     {"name": "dst", "dtype": "int32", "shape": ["P"]},
                                     {"name": "pair_hist", "dtype": "float32", "shape": ["P", len(PAIR_HISTORY)]}],
                          "outputs": [{"name": "logit", "dtype": "float32", "shape": ["P"]},
                                      {"name": "weight_residual", "dtype": "float32", "shape": ["P"]}]},
        },
        "calibrator": {"kind": "platt", "a": a_, "b": b_},
        "training_window": {"from": data.weeks[train[0]]["week"], "until": a.until,
                            "validation_until": a.val_until,
                            "last_week_used": max(target(val[-1]), target(train[-1]))},
        "seed": a.seed,
        "metrics": metrics,
        "trained_on": os.path.basename(a.archive),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "training_seconds": round(time.time() - started, 1),
    }
    with open(os.path.join(a.out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    # The PyTorch weights too (not used by the app): benchmarks compare ONNX Runtime with the same
    # model's PyTorch forward (bench/forecast.mjs).
    torch.save({"encoder": enc.state_dict(), "pair_head": head.state_dict(), "n_features": int(n_feat)},
               os.path.join(a.out, "torch_state.pt"))
    log(f"train: wrote {a.out} in {time.time() - started:.0f} s")

    if a.parity:
        # A graph with repeated destinations (the case wrong scatter exports get silently wrong).
        g = torch.Generator().manual_seed(7)
        n, e, p = 12, 40, 25
        x = torch.randn(n, n_feat, generator=g)
        es = torch.randint(0, n, (e,), generator=g, dtype=torch.int32)
        ed = torch.cat([torch.zeros(10, dtype=torch.int32), torch.randint(0, n, (e - 10,), generator=g, dtype=torch.int32)])
        ew = torch.rand(e, generator=g) * 1e6
        ps = torch.randint(0, n, (p,), generator=g, dtype=torch.int32)
        pd = torch.randint(0, n, (p,), generator=g, dtype=torch.int32)
        ph = torch.rand(p, len(PAIR_HISTORY), generator=g)
        with torch.no_grad():
            hh, nc = enc(x, es, ed, ew)
            lg, wr = head(hh, ps, pd, ph)
        vec = {k: v.flatten().tolist() for k, v in dict(features=x, edge_src=es, edge_dst=ed, edge_weight=ew,
                                                          src=ps, dst=pd, pair_hist=ph, h=hh, node_change=nc,
                                                          logit=lg, weight_residual=wr).items()}
        vec["n"], vec["p"], vec["n_features"] = n, p, n_feat
        with open(a.parity, "w") as f:
            json.dump(vec, f)
        log(f"train: parity vectors written to {a.parity}")


if __name__ == "__main__":
    main()
