#!/usr/bin/env python3
"""Train a DeXposure Workbench forecast model on a SQLite archive and export it to ONNX.

Usage (Debian: apt-get install python3-torch python3-onnx python3-sklearn):
    /usr/bin/python3 training/train.py --archive A.sqlite --horizon 1 --out resources/models/h1
        --until 2024-07-22 --val-until 2025-01-01 [--split paper] [--epochs 30] [--seed 42]
`dexposure train` plans the boundaries from the archive's weeks (src/engine/forecast/split.ts) and
passes them here; this script applies the same anchor rules and refuses an empty window too.

The model (docs/forecasting.md, docs/model-contract.md):
- node encoder: standardised base features + category one-hot -> MLP -> 2 message-passing layers
  over the weighted exposure graph in both directions (holder->issuer and issuer->holder), mean
  aggregation weighted by log1p(USD); scatter-add exported as ScatterElements(reduction='add');
- pair head on [h_u, h_v, h_u*h_v, pair history at t (PAIR_HISTORY)] -> existence logit and log-weight residual;
- node head -> log-TVL change;
- fresh-pair head for pairs without history in either direction: logit = s_u . d_v (a holder term,
  an issuer term and a rank-16 interaction), so every such pair of a week is scored exactly as one
  matrix product per block of holders (FreshHead).
Walk-forward: trains on anchors t with t+h < --until, early-stops on validation AUPRC (anchors
with --until <= t and t+h < --val-until), leaves every later week for testing, then fits Platt scaling on validation weeks over the whole pair
population (every ordered pair, or weighted strata of it on large weeks) so probabilities hold at
the true base rate. Progress goes to stderr.
"""
import argparse
import copy
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import average_precision_score

from archive_data import (BASE_FEATURES, FEATURE_SCHEMA, PAIR_HISTORY, ArchiveData, PairMemory, add_weeks,
                          training_sources)

# The pair-history features the shipped models use (a subset of archive_data.PAIR_HISTORY; see
# docs/forecasting.md for why the node-level partner counts and weeks_known are left out: they grow
# with the archive's age, so test weeks lie outside the range the model was trained on).
DEFAULT_PAIR_HISTORY = ["edge_at_t", "log_weight_at_t", "share_last_4", "share_last_12", "reverse_at_t",
                        "seen_before", "log_last_weight", "weeks_since_seen", "reverse_seen_before",
                        "presence_rate"]
HIDDEN = 48
OPSET = 17
FRESH_RANK = 16


STARTED = time.time()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def elapsed():
    """Seconds since the trainer started, for the progress lines (where the time goes)."""
    return f"{time.time() - STARTED:.0f} s"


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
        into = scatter_sum(self.fwd(h).index_select(0, src) * wcol, dst, n)
        norm_in = scatter_sum(wcol, dst, n) + 1e-6
        # issuer -> holder
        back = scatter_sum(self.bwd(h).index_select(0, dst) * wcol, src, n)
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


class PairMLP(nn.Module):
    """An MLP on [h_u, h_v, h_u*h_v, pair history] whose first layer is split by input block: the
    h_u and h_v blocks are applied to the N node embeddings once per call and then gathered, so a
    pair costs D*W multiply-adds for the h_u*h_v block instead of (3D+K)*W. The same function as a
    Linear on the concatenation. Measured in ONNX Runtime on an 11k-node week it is not faster
    than the concatenated form (2.0 vs 2.15 M pairs/s at their best batch sizes: gathers and
    memory traffic dominate, not multiply-adds); it is kept because it trains faster."""

    def __init__(self, k, width=64):
        super().__init__()
        self.u = nn.Linear(HIDDEN, width)
        self.v = nn.Linear(HIDDEN, width, bias=False)
        self.uv = nn.Linear(HIDDEN, width, bias=False)
        self.hist = nn.Linear(k, width, bias=False)
        self.out = nn.Linear(width, 1)

    def forward(self, h, src, dst, pair_hist):
        # index_select, not h[src]: the same Gather in ONNX, and its backward (index_add) is
        # faster on the CPU than indexing's (index_put with accumulate): a real-scale step 12 % less
        hs, hd = h.index_select(0, src), h.index_select(0, dst)
        z = self.u(h).index_select(0, src) + self.v(h).index_select(0, dst) + self.uv(hs * hd) + self.hist(pair_hist)
        return self.out(F.relu(z)).squeeze(1)


class PairHead(nn.Module):
    """Existence logit and log-weight residual, two separate MLPs."""

    def __init__(self, k):
        super().__init__()
        self.exist = PairMLP(k)
        self.weight = PairMLP(k)

    def forward(self, h, src, dst, pair_hist):
        src, dst = src.long(), dst.long()
        return self.exist(h, src, dst, pair_hist), self.weight(h, src, dst, pair_hist)


class FreshHead(nn.Module):
    """Existence of fresh pairs (no edge ever, in either direction, up to t): logit(u, v) = s_u . d_v
    with s_u = [a(h_u), 1, P(h_u)] and d_v = [1, b(h_v), Q(h_v)]: a holder term, an issuer term and
    a rank-FRESH_RANK interaction, offset by -ln(N-1). Rank-limited on purpose: a forecast scores every fresh pair of a
    week exactly (1.2e8 on a real-scale week) as one matrix product per block of holders, where the
    pair MLP could afford only a candidate set. A degree-corrected block model of new relationships
    (log a_u + log b_v + log C[g_u, g_v]) has this form. Platt scaling (scale, shift) is folded
    into the vectors: s = [scale*a, scale, scale*P, 1], d = [1, b, Q, shift - scale*ln(N-1)]."""

    def __init__(self, rank=FRESH_RANK, width=64):
        super().__init__()
        self.src = nn.Sequential(nn.Linear(HIDDEN, width), nn.ReLU(), nn.Linear(width, 1 + rank))
        self.dst = nn.Sequential(nn.Linear(HIDDEN, width), nn.ReLU(), nn.Linear(width, 1 + rank))
        self.register_buffer("scale", torch.ones(1))
        self.register_buffer("shift", torch.zeros(1))

    def vectors(self, h):
        a, b = self.src(h), self.dst(h)
        one = torch.ones(h.shape[0], 1)
        # offset -ln(N-1): the head learns rates per node, so a model trained on a small archive
        # transfers to a large one (a new edge has N-1 possible ends, not a fixed number)
        offset = -torch.log(one.sum() - 1.0)
        s = torch.cat([a[:, :1], one, a[:, 1:]], 1) * self.scale
        d = torch.cat([one, b[:, :1], b[:, 1:]], 1)
        return torch.cat([s, one], 1), torch.cat([d, one * (self.shift + self.scale * offset)], 1)

    def logits(self, h, src, dst):
        s, d = self.vectors(h)
        return (s.index_select(0, src.long()) * d.index_select(0, dst.long())).sum(1)

    def forward(self, h, rows):
        """Exported: the per-node vectors and calibrated probabilities of the pairs rows x all nodes."""
        s, d = self.vectors(h)
        return s, d, torch.sigmoid(s[rows.long()] @ d.T)


# ------------------------------------------------------------------------------------------ training

def node_inputs(week, categories):
    cat_index = {c: i for i, c in enumerate(categories)}
    onehot = np.zeros((len(week["ids"]), len(categories)), dtype=np.float32)
    for i, c in enumerate(week["categories"]):
        onehot[i, cat_index.get(c, len(categories) - 1)] = 1.0
    return np.concatenate([week["features"], onehot], axis=1)


def truth_at(data, t_pos, horizon):
    """Edges of t+h between nodes of t: local (src, dst) of t and log1p weight, and the nodes'
    ln-TVL change from t to t+h (mask: the node exists at t+h)."""
    wt = data.weeks[t_pos]
    wh = data.weeks[data.index[add_weeks(wt["week"], horizon)]]
    loc = np.full(data.G, -1, dtype=np.int64)
    loc[wt["gid"]] = np.arange(len(wt["gid"]))
    a, b = loc[wh["gid"][wh["src"]]], loc[wh["gid"][wh["dst"]]]
    keep = (a >= 0) & (b >= 0)
    size_h = np.full(data.G, np.nan)
    size_h[wh["gid"]] = wh["sizes"]
    later = size_h[wt["gid"]]
    node_mask = ~np.isnan(later)
    node_y = np.where(node_mask, np.log1p(np.maximum(np.nan_to_num(later), 0)) - np.log1p(np.maximum(wt["sizes"], 0)), 0)
    return a[keep], b[keep], np.log1p(wh["weight"][keep]).astype(np.float32), node_y.astype(np.float32), node_mask


def uniform_pairs(rng, n, count, exclude):
    """`count` distinct uniform ordered pairs u != v of n nodes whose key u*n+v is not in `exclude`."""
    out = np.zeros(0, dtype=np.int64)
    for _ in range(20):
        need = count - len(out)
        if need <= 0:
            break
        k = rng.integers(0, n * n, size=int(need * 1.3) + 16)
        k = k[(k // n != k % n) & ~np.isin(k, exclude)]
        out = np.unique(np.concatenate([out, k]))
    return rng.permutation(out)[:count]


def graph_tensors(data, t_pos, categories):
    wt = data.weeks[t_pos]
    return {
        "x": torch.tensor(node_inputs(wt, categories)),
        "esrc": torch.tensor(wt["src"], dtype=torch.int32),
        "edst": torch.tensor(wt["dst"], dtype=torch.int32),
        "ew": torch.tensor(wt["weight"], dtype=torch.float32),
    }


def anchor_sample(data, mem, t_pos, horizon, rng, neg_ratio, max_pairs, categories, cols, uniform_weight=1.0):
    """Training pairs for anchor t (mem is at week t): positives at t+h, uniform negatives
    (neg_ratio per positive, the paper's sampling) and hard negatives (pairs with history at t that
    are absent at t+h). Above max_pairs every group is subsampled in proportion."""
    wt = data.weeks[t_pos]
    n = len(wt["gid"])
    a, b, yw_pos, node_y, node_mask = truth_at(data, t_pos, horizon)
    pos_keys = a * n + b
    _, hs, hd = mem.among(wt["gid"])
    hard = np.setdiff1d(hs * n + hd, pos_keys)
    n_uni = len(pos_keys) * neg_ratio
    total = len(pos_keys) + len(hard) + n_uni
    if total > max_pairs:
        f = max_pairs / total
        pick = rng.permutation(len(pos_keys))[:max(1, int(len(pos_keys) * f))]
        pos_keys, yw_pos = pos_keys[pick], yw_pos[pick]
        hard = rng.permutation(hard)[:int(len(hard) * f)]
        n_uni = len(pos_keys) * neg_ratio
    uni = uniform_pairs(rng, n, n_uni, np.concatenate([pos_keys, hard]))
    keys = np.concatenate([pos_keys, hard, uni])
    src, dst = keys // n, keys % n
    y = np.zeros(len(keys), dtype=np.float32)
    y[:len(pos_keys)] = 1.0
    yw = np.zeros(len(keys), dtype=np.float32)
    yw[:len(pos_keys)] = yw_pos
    bw = np.ones(len(keys), dtype=np.float32)
    bw[len(pos_keys) + len(hard):] = uniform_weight
    return {
        **graph_tensors(data, t_pos, categories),
        "src": torch.tensor(src, dtype=torch.int32),
        "dst": torch.tensor(dst, dtype=torch.int32),
        "hist": torch.tensor(mem.features(wt["gid"], src, dst)[:, cols]),
        "y": torch.tensor(y),
        "bw": torch.tensor(bw),
        "yw": torch.tensor(yw),
        "node_y": torch.tensor(node_y),
        "node_mask": torch.tensor(node_mask.astype(np.float32)),
    }


def population_sample(data, mem, t_pos, horizon, rng, categories, cols, cap=300_000):
    """The full pair population of anchor t, for calibration and ECE at the true base rate, as
    weighted strata: every ordered pair when there are at most `cap` of them; otherwise every
    positive (weight 1), the pairs with history (all, or `cap` of them weighted up) and `cap`
    uniform pairs of the rest, each weighted by how many pairs it stands for. Any weighted sum over
    the sample is an unbiased estimate of the sum over all n(n-1) pairs."""
    wt = data.weeks[t_pos]
    n = len(wt["gid"])
    a, b, _, _, _ = truth_at(data, t_pos, horizon)
    pos_keys = np.unique(a * n + b)
    if n * (n - 1) <= cap:
        src, dst = np.nonzero(~np.eye(n, dtype=bool))
        keys = src * n + dst
        w = np.ones(len(keys))
    else:
        _, hs, hd = mem.among(wt["gid"])
        seen = np.setdiff1d(hs * n + hd, pos_keys)
        seen_kept = rng.permutation(seen)[:cap]
        known = np.union1d(pos_keys, seen)
        rest = uniform_pairs(rng, n, cap, known)
        keys = np.concatenate([pos_keys, seen_kept, rest])
        w = np.concatenate([np.ones(len(pos_keys)),
                            np.full(len(seen_kept), len(seen) / max(1, len(seen_kept))),
                            np.full(len(rest), (n * (n - 1) - len(known)) / max(1, len(rest)))])
        src, dst = keys // n, keys % n
    y = np.isin(keys, pos_keys).astype(np.float32)
    _, hs, hd = mem.among(wt["gid"])
    return {
        **graph_tensors(data, t_pos, categories),
        "src": torch.tensor(src, dtype=torch.int32),
        "dst": torch.tensor(dst, dtype=torch.int32),
        "hist": torch.tensor(mem.features(wt["gid"], src, dst)[:, cols]),
        "y": y,
        "w": w,
        # pairs with history in either direction: the pair head's; the rest are the fresh head's
        "known": np.isin(keys, np.union1d(hs * n + hd, hd * n + hs)),
    }


def fresh_sample(data, mem, t_pos, horizon, rng, count=20_000):
    """The fresh pairs of anchor t (no edge in either direction in any week <= t): every one that is
    an edge at t+h, and `count` uniform others, each weighted (w) by how many fresh non-edges it
    stands for, so weighted sums estimate sums over all fresh pairs of the week."""
    wt = data.weeks[t_pos]
    n = len(wt["gid"])
    a, b, _, _, _ = truth_at(data, t_pos, horizon)
    _, hs, hd = mem.among(wt["gid"])
    known = np.union1d(hs * n + hd, hd * n + hs)
    pos = np.setdiff1d(np.unique(a * n + b), known)
    rest = n * (n - 1) - len(known) - len(pos)
    neg = uniform_pairs(rng, n, min(count, rest), np.union1d(known, pos))
    keys = np.concatenate([pos, neg])
    y = np.zeros(len(keys), dtype=np.float32)
    y[:len(pos)] = 1.0
    w = np.concatenate([np.ones(len(pos)), np.full(len(neg), rest / max(1, len(neg)))])
    return {"t": t_pos, "src": torch.tensor(keys // n), "dst": torch.tensor(keys % n), "y": y, "w": w}


def fit_early_stopped(module, items, loss_of, score, patience, epochs, lr, seed, weight_decay=0.0,
                      initial=None, tolerance=1e-6, on_epoch=None):
    """Adam on `module` alone, one step per item in a seeded shuffle each epoch, with early stopping
    on `score()` (lower is better; the state before training counts unless `initial` is given) and
    the best state restored. The node, weight and fresh heads are all fitted this way on frozen
    embeddings. Returns (best score, epochs run)."""
    opt = torch.optim.Adam(module.parameters(), lr=lr, weight_decay=weight_decay)
    best = score() if initial is None else initial
    best_state, bad = copy.deepcopy(module.state_dict()), 0
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(1, epochs + 1):
        total = 0.0
        for k in torch.randperm(len(items), generator=gen).tolist():
            loss = loss_of(items[k])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss)
        current = score()
        if on_epoch:
            on_epoch(epoch, total / len(items), current)
        if current < best - tolerance:
            best, best_state, bad = current, copy.deepcopy(module.state_dict()), 0
        else:
            bad += 1
            if bad >= patience:
                break
    module.load_state_dict(best_state)
    return best, epoch


def fit_fresh_head(enc, data, categories, train_fresh, val_fresh, patience=8, lr=1e-3, epochs=60, neg_weight=20.0):
    """Trains the fresh-pair head on frozen embeddings: weighted cross-entropy with the negatives of
    each anchor weighted to neg_weight per positive, early stopping on validation AUPRC over the
    fresh population (weighted), then Platt scaling on that population, folded into the head. A
    lower rate and more patience than the main model: the validation set has only 10^3-10^4 fresh
    edges, so its AUPRC is noisy from epoch to epoch, and an epoch takes about 2 s."""
    with torch.no_grad():
        for s in train_fresh + val_fresh:
            g = graph_tensors(data, s["t"], categories)
            s["h"], _ = enc(g["x"], g["esrc"], g["edst"], g["ew"])
    head = FreshHead()

    def val_logits():
        with torch.no_grad():
            return np.concatenate([head.logits(s["h"], s["src"], s["dst"]).numpy().astype(np.float64) for s in val_fresh])

    yv = np.concatenate([s["y"] for s in val_fresh])
    wv = np.concatenate([s["w"] for s in val_fresh])

    def loss_of(s):
        y = torch.tensor(s["y"])
        npos = float(y.sum())
        bw = torch.where(y > 0, torch.ones_like(y), torch.full_like(y, neg_weight * max(1.0, npos) / max(1, len(y) - npos)))
        return F.binary_cross_entropy_with_logits(head.logits(s["h"], s["src"], s["dst"]), y, weight=bw) / bw.mean()

    def neg_auprc():
        return -(average_precision_score(yv, val_logits(), sample_weight=wv) if yv.any() else 0.0)

    def on_epoch(epoch, loss, score):
        log(f"fresh head epoch {epoch}: loss {loss:.4f}, validation AUPRC {-score:.4f} (fresh pairs, weighted) [{elapsed()}]")

    best, _ = fit_early_stopped(head, train_fresh, loss_of, neg_auprc, patience, epochs, lr, seed=1,
                                weight_decay=1e-5, initial=1.0, tolerance=0.0, on_epoch=on_epoch)
    best = -best
    z = val_logits()
    a_, b_ = platt(z, yv, wv)
    head.scale.fill_(a_)
    head.shift.fill_(b_)
    p_raw, p_cal = 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(-(a_ * z + b_)))
    metrics = {
        "fresh_validation_auprc": float(best),
        "fresh_validation_base_rate": float((yv * wv).sum() / wv.sum()),
        "fresh_validation_ece_uncalibrated": ece(yv, p_raw, wv),
        "fresh_validation_ece_calibrated": ece(yv, p_cal, wv),
        "fresh_validation_pairs": int(round(wv.sum())),
        "fresh_validation_edges": int(yv.sum()),
    }
    log(f"train: fresh head AUPRC {best:.4f}, Platt a={a_:.4f} b={b_:.4f}, ECE "
        f"{metrics['fresh_validation_ece_uncalibrated']:.2e} -> {metrics['fresh_validation_ece_calibrated']:.2e}")
    for s in train_fresh + val_fresh:
        del s["h"]
    return head, {"kind": "platt", "a": a_, "b": b_}, metrics


def platt(z, y, w):
    """Platt scaling (a, b) of logits z by weighted maximum likelihood."""
    A = torch.ones(1, dtype=torch.float64, requires_grad=True)
    B = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    lbfgs = torch.optim.LBFGS([A, B], max_iter=200, line_search_fn="strong_wolfe")
    zt, yt, wt = torch.tensor(z), torch.tensor(y, dtype=torch.float64), torch.tensor(w / w.mean())

    def closure():
        lbfgs.zero_grad()
        l = F.binary_cross_entropy_with_logits(A * zt + B, yt, weight=wt)
        l.backward()
        return l

    lbfgs.step(closure)
    return float(A), float(B)


def refit_node_head(enc, train_samples, val_samples, patience, epochs=60):
    """The epoch chosen for the pair head (early stopping on existence AUPRC) can be early for the
    node head, which shares the encoder: refit the node head alone on the frozen embeddings, with
    early stopping on validation node MAE, then shrinks it towards persistence where that helps on
    validation. Cheap: the embeddings are computed once."""
    def embed(samples):
        with torch.no_grad():
            out = []
            for s in samples:
                h, _ = enc(s["x"], s["esrc"], s["edst"], s["ew"])
                m = s["node_mask"] > 0
                out.append((h[m], s["node_y"][m]))
            return out

    tr, va = embed(train_samples), embed(val_samples)

    def val_mae():
        with torch.no_grad():
            err = torch.cat([(enc.node(h).squeeze(1) - y).abs() for h, y in va])
            return float(err.mean())

    log(f"train: node head refit, validation node MAE {val_mae():.4f} before")
    best, epoch = fit_early_stopped(enc.node, tr, lambda item: F.smooth_l1_loss(enc.node(item[0]).squeeze(1), item[1]),
                                    val_mae, patience, epochs, lr=1e-3, seed=0)
    log(f"train: node head refit, validation node MAE {best:.4f} after {epoch} epochs [{elapsed()}]")
    # Shrink the predicted change towards persistence's 0 by the factor in [0, 1] that gives the
    # lowest validation MAE, folded into the last layer. The weeks a head has not seen can be
    # noisier than its training weeks (real-scale h = 8 lost to persistence on node MAE without
    # it); alpha = 0 is persistence, so validation MAE never ends above persistence's.
    with torch.no_grad():
        pred = torch.cat([enc.node(h).squeeze(1) for h, _ in va])
        y = torch.cat([y for _, y in va])
        alphas = [i / 20 for i in range(21)]
        maes = [float((a_ * pred - y).abs().mean()) for a_ in alphas]
        alpha = alphas[int(np.argmin(maes))]
        enc.node[2].weight.mul_(alpha)
        enc.node[2].bias.mul_(alpha)
    log(f"train: node change shrunk by {alpha:.2f}: validation node MAE {min(maes):.4f} "
        f"(persistence {maes[0]:.4f})")
    return min(maes), alpha, maes[0]


def refit_weight_head(enc, head, train_samples, val_samples, base_col, patience, epochs=60):
    """The weight MLP shares the encoder and was kept at the epoch best for existence, which says
    little about weights (two runs with near-equal existence AUPRC differed by 17 % in weight MAE):
    refit it alone on the frozen embeddings, on the positives. The loss adds to the per-edge error
    an error weighted by each edge's USD share of its week, and early stopping takes the mean of
    validation weight MAE and USD-weighted MAE (log1p USD): the per-edge loss alone leaves the
    largest exposures, a handful of edges that dominate any USD aggregate, to last-seen memory."""
    def embed(samples):
        out = []
        with torch.no_grad():
            for s in samples:
                pos = s["y"] > 0
                if not pos.any():
                    continue
                h, _ = enc(s["x"], s["esrc"], s["edst"], s["ew"])
                hist = s["hist"][pos]
                base = hist[:, base_col] if base_col >= 0 else torch.zeros(int(pos.sum()))
                y = s["yw"][pos]
                usd = torch.expm1(y.double())
                out.append((h, s["src"][pos].long(), s["dst"][pos].long(), hist, base, y, (usd / usd.sum()).float()))
        return out

    tr, va = embed(train_samples), embed(val_samples)

    def val_score():
        with torch.no_grad():
            err = [((b + head.weight(h, u, v, x)).clamp(min=0) - y).abs() for h, u, v, x, b, y, _ in va]
            usd = torch.cat([torch.expm1(y.double()) for *_, y, _ in va])
            e = torch.cat(err)
            plain, weighted = float(e.mean()), float((usd * e.double()).sum() / usd.sum())
            return (plain + weighted) / 2, plain, weighted

    def loss_of(item):
        h, u, v, x, b, y, share = item
        pred = b + head.weight(h, u, v, x)
        return F.smooth_l1_loss(pred, y) + (share * (pred - y).abs()).sum()

    before = val_score()
    log(f"train: weight head refit, validation weight MAE {before[1]:.4f}, USD-weighted {before[2]:.4f} before")
    _, epoch = fit_early_stopped(head.weight, tr, loss_of, lambda: val_score()[0], patience, epochs, lr=1e-3, seed=2)
    best = val_score()
    log(f"train: weight head refit, validation weight MAE {best[1]:.4f}, USD-weighted {best[2]:.4f} after {epoch} epochs [{elapsed()}]")
    return best[1], best[2]


def logits_of(enc, head, s):
    h, node = enc(s["x"], s["esrc"], s["edst"], s["ew"])
    logit, resid = head(h, s["src"], s["dst"], s["hist"])
    return logit, resid, node


def ece(y, p, w=None, bins=15):
    w = np.ones(len(p)) if w is None else w
    b = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for k in range(bins):
        m = b == k
        if m.any():
            wk = w[m].sum()
            total += wk / w.sum() * abs((w[m] * y[m]).sum() / wk - (w[m] * p[m]).sum() / wk)
    return float(total)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_parity(enc, head, fresh, n_feat, k, path):
    """The vectors the engine's parity test runs through ONNX Runtime (test/engine/forecast/parity.ts):
    seeded inputs on a graph with repeated destinations (the case wrong scatter exports get silently
    wrong) and PyTorch's outputs for them. training/parity.py writes them for a saved model."""
    g = torch.Generator().manual_seed(7)
    n, e, p = 12, 40, 25
    x = torch.randn(n, n_feat, generator=g)
    es = torch.randint(0, n, (e,), generator=g, dtype=torch.int32)
    ed = torch.cat([torch.zeros(10, dtype=torch.int32), torch.randint(0, n, (e - 10,), generator=g, dtype=torch.int32)])
    ew = torch.rand(e, generator=g) * 1e6
    ps = torch.randint(0, n, (p,), generator=g, dtype=torch.int32)
    pd = torch.randint(0, n, (p,), generator=g, dtype=torch.int32)
    ph = torch.rand(p, k, generator=g)
    with torch.no_grad():
        hh, nc = enc(x, es, ed, ew)
        lg, wr = head(hh, ps, pd, ph)
        rows = torch.tensor([0, 3, 3, 11], dtype=torch.int32)
        sv, dv, fprob = fresh(hh, rows)
    vec = {name: t.flatten().tolist() for name, t in dict(features=x, edge_src=es, edge_dst=ed, edge_weight=ew,
                                                      src=ps, dst=pd, pair_hist=ph, h=hh, node_change=nc,
                                                      logit=lg, weight_residual=wr, rows=rows, src_vec=sv,
                                                      dst_vec=dv, probability=fprob).items()}
    vec["n"], vec["p"], vec["n_features"] = n, p, n_feat
    with open(path, "w") as f:
        json.dump(vec, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", required=True)
    ap.add_argument("--horizon", type=int, required=True)
    ap.add_argument("--out", required=True)
    # No defaults: the boundaries depend on the archive (dexposure train derives them); the paper's
    # dates on an archive that does not span them left no test weeks.
    ap.add_argument("--until", required=True, help="train on anchors whose t+h is before this week")
    ap.add_argument("--val-until", required=True,
                    help="validate on anchors t >= --until whose t+h is before this; later weeks are for testing")
    ap.add_argument("--split", default="custom", help="how the boundaries were chosen (recorded in model.json)")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("--neg-ratio", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--max-pairs", type=int, default=50_000, help="training pairs per anchor week at most")
    ap.add_argument("--pair-history", default=",".join(DEFAULT_PAIR_HISTORY),
                    help="pair-history features the model sees (names from archive_data.PAIR_HISTORY)")
    ap.add_argument("--select-on", choices=["known", "population", "sampled"], default="known",
                    help="early stopping on validation AUPRC over the pairs the pair head serves (history in "
                         "either direction; the fresh head serves the rest), all pairs (weighted), or the "
                         "training-style sample")
    ap.add_argument("--lr", type=float, default=3e-3, help="Adam learning rate")
    ap.add_argument("--uniform-weight", type=float, default=4.0,
                    help="loss weight of uniform negatives (4: as if 20 per positive, nearer the real base rate)")
    ap.add_argument("--parity", help="also write ORT parity vectors to this JSON file")
    a = ap.parse_args()

    used = [f for f in a.pair_history.split(",") if f]
    unknown = [f for f in used if f not in PAIR_HISTORY]
    if unknown or not used or len(set(used)) != len(used):
        log(f"train: --pair-history {a.pair_history}: unknown {unknown}; choose from {PAIR_HISTORY}")
        sys.exit(2)
    cols = [PAIR_HISTORY.index(f) for f in used]
    base_col = used.index("log_weight_at_t") if "log_weight_at_t" in used else -1
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
    last_used = max(target(val[-1]), target(train[-1])) if train and val else None
    test = [i for i in anchors if last_used and data.weeks[i]["week"] > last_used]
    if not train or not val or not test:
        log(f"train: not enough weeks (train {len(train)}, validation {len(val)}, test {len(test)}) for h={h} "
            f"with --until {a.until} --val-until {a.val_until}")
        sys.exit(2)
    log(f"train: h={h}, {len(train)} training anchors ({data.weeks[train[0]]['week']} … {data.weeks[train[-1]]['week']}), "
        f"{len(val)} validation anchors ({data.weeks[val[0]]['week']} … {data.weeks[val[-1]]['week']}), "
        f"{len(test)} test anchors from {data.weeks[test[0]]['week']}, {len(data.categories)} categories")

    feats = np.concatenate([node_inputs(data.weeks[i], data.categories) for i in train])
    mean = feats.mean(axis=0)
    std = feats.std(axis=0)
    std[std < 1e-6] = 1.0
    mean[len(BASE_FEATURES):] = 0.0  # one-hot columns stay 0/1
    std[len(BASE_FEATURES):] = 1.0

    enc = Encoder(feats.shape[1], mean, std)
    head = PairHead(len(used))
    opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=a.lr, weight_decay=1e-5)

    # One forward walk over the archive: each anchor's samples see the pair memory of weeks <= t.
    rng = np.random.default_rng(a.seed)
    rng_val, rng_cal = np.random.default_rng(a.seed + 1), np.random.default_rng(a.seed + 2)
    train_set, val_set = set(train), set(val)
    train_samples, val_samples, cal_samples, train_fresh, val_fresh = [], [], [], [], []
    rng_fresh = np.random.default_rng(a.seed + 3)
    mem = PairMemory(data.G)
    last = max(train + val)
    for p in range(last + 1):
        mem.advance(p, data.weeks[p])
        if p in train_set:
            train_samples.append(anchor_sample(data, mem, p, h, rng, a.neg_ratio, a.max_pairs, data.categories,
                                               cols, a.uniform_weight))
            train_fresh.append(fresh_sample(data, mem, p, h, rng_fresh))
        if p in val_set:
            val_samples.append(anchor_sample(data, mem, p, h, rng_val, a.neg_ratio, a.max_pairs, data.categories, cols))
            cal_samples.append(population_sample(data, mem, p, h, rng_cal, data.categories, cols))
            val_fresh.append(fresh_sample(data, mem, p, h, rng_fresh))
        if p % 25 == 0 or p == last:
            log(f"train: sampling week {p + 1}/{last + 1} ({time.time() - started:.0f} s)")
    # Model selection on at most 8 validation weeks spread over the window (the Platt fit below
    # uses all of them): keeps an epoch's evaluation to seconds on real-scale weeks.
    select_samples = cal_samples[::max(1, -(-len(cal_samples) // 8))]
    best, best_sampled, best_state, bad = -1.0, -1.0, None, 0
    for epoch in range(1, a.epochs + 1):
        enc.train()
        head.train()
        total = 0.0
        for k in rng.permutation(len(train_samples)):
            s = train_samples[k]
            logit, resid, node = logits_of(enc, head, s)
            pos = s["y"] > 0
            base = s["hist"][:, base_col] if base_col >= 0 else torch.zeros_like(logit)
            loss = F.binary_cross_entropy_with_logits(logit, s["y"], weight=s["bw"]) / s["bw"].mean()
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
            sampled = average_precision_score(np.concatenate(ys), np.concatenate(ps))
            ys, ps, ws, ks = [], [], [], []
            for s in select_samples:
                logit, _, _ = logits_of(enc, head, s)
                ys.append(s["y"])
                ps.append(logit.numpy())
                ws.append(s["w"])
                ks.append(s["known"])
            y_, p_, w_, k_ = map(np.concatenate, (ys, ps, ws, ks))
            population = average_precision_score(y_, p_, sample_weight=w_)
            known = average_precision_score(y_[k_], p_[k_], sample_weight=w_[k_])
        auprc = {"known": known, "population": population, "sampled": sampled}[a.select_on]
        log(f"epoch {epoch}: loss {total / len(train_samples):.4f}, validation AUPRC {auprc:.4f} "
            f"({a.select_on}; pairs with history {known:.4f}, all pairs {population:.4f}, sampled {sampled:.4f}) [{elapsed()}]")
        if auprc > best:
            best, best_sampled, bad = auprc, sampled, 0
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
    node_mae, node_shrink, node_mae_persistence = refit_node_head(enc, train_samples, val_samples, a.patience)
    weight_mae, weighted_mae = refit_weight_head(enc, head, train_samples, val_samples, base_col, a.patience)
    fresh, fresh_calibrator, fresh_metrics = fit_fresh_head(enc, data, data.categories, train_fresh, val_fresh)

    # Platt scaling of the pair head on validation weeks over all the pairs it serves (those with
    # history in either direction; the fresh head has its own): probabilities at the true base rate.
    with torch.no_grad():
        ys, zs, ws, known, fp = [], [], [], [], []
        for smp in cal_samples:
            h_, _ = enc(smp["x"], smp["esrc"], smp["edst"], smp["ew"])
            logit, _ = head(h_, smp["src"], smp["dst"], smp["hist"])
            ys.append(smp["y"])
            zs.append(logit.numpy().astype(np.float64))
            ws.append(smp["w"])
            known.append(smp["known"])
            fp.append(torch.sigmoid(fresh.logits(h_, smp["src"], smp["dst"])).numpy().astype(np.float64))
        y, z, wts, known, fp = map(np.concatenate, (ys, zs, ws, known, fp))
    a_, b_ = platt(z[known], y[known], wts[known])
    p_raw = 1 / (1 + np.exp(-z))
    p_cal = 1 / (1 + np.exp(-(a_ * z + b_)))
    p_model = np.where(known, p_cal, fp)  # what the engine serves for each pair
    metrics = {
        "validation_node_mae": node_mae,
        "validation_node_mae_persistence": node_mae_persistence,
        "node_change_shrink": node_shrink,
        "validation_weight_mae": weight_mae,
        "validation_weighted_mae": weighted_mae,
        "validation_auprc_sampled": float(best_sampled),
        "validation_auprc_all_pairs": float(average_precision_score(y, p_model, sample_weight=wts)),
        "validation_auprc_pair_head_all_pairs": float(average_precision_score(y, z, sample_weight=wts)),
        "validation_base_rate": float((y * wts).sum() / wts.sum()),
        "validation_ece_uncalibrated": ece(y[known], p_raw[known], wts[known]),
        "validation_ece_calibrated": ece(y[known], p_cal[known], wts[known]),
        "validation_ece_all_pairs": ece(y, p_model, wts),
        "validation_pairs": int(round(wts.sum())),
        "validation_pairs_scored": int(len(y)),
        **fresh_metrics,
        # the two heads on the same fresh pairs of the calibration population
        "fresh_population_auprc_fresh_head": float(average_precision_score(y[~known], fp[~known], sample_weight=wts[~known])),
        "fresh_population_auprc_pair_head": float(average_precision_score(y[~known], z[~known], sample_weight=wts[~known])),
    }
    log(f"train: fresh pairs of the validation population: AUPRC fresh head {metrics['fresh_population_auprc_fresh_head']:.4f}, "
        f"pair head {metrics['fresh_population_auprc_pair_head']:.4f}")
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
    fresh_path = os.path.join(a.out, "fresh_head.onnx")
    torch.onnx.export(fresh, (hx, torch.arange(4, dtype=torch.int32)), fresh_path, opset_version=OPSET,
                      input_names=["h", "rows"], output_names=["src_vec", "dst_vec", "probability"],
                      dynamic_axes={"h": {0: "N"}, "rows": {0: "B"}, "src_vec": {0: "N"}, "dst_vec": {0: "N"},
                                    "probability": {0: "B", 1: "N"}})
    width = FRESH_RANK + 3

    sources, synthetic = training_sources(a.archive, last_used)
    manifest = {
        "name": f"dexposure-workbench-gnn-h{h}",
        "format": "dexposure-model/1",
        "horizon": h,
        "feature_schema": FEATURE_SCHEMA,
        "base_features": BASE_FEATURES,
        "categories": data.categories,
        "pair_history": used,
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
                                     {"name": "pair_hist", "dtype": "float32", "shape": ["P", len(used)]}],
                          "outputs": [{"name": "logit", "dtype": "float32", "shape": ["P"]},
                                      {"name": "weight_residual", "dtype": "float32", "shape": ["P"]}]},
            "fresh_head": {"file": "fresh_head.onnx", "sha256": sha256(fresh_path),
                           "inputs": [{"name": "h", "dtype": "float32", "shape": ["N", HIDDEN]},
                                      {"name": "rows", "dtype": "int32", "shape": ["B"]}],
                           "outputs": [{"name": "src_vec", "dtype": "float32", "shape": ["N", width]},
                                       {"name": "dst_vec", "dtype": "float32", "shape": ["N", width]},
                                       {"name": "probability", "dtype": "float32", "shape": ["B", "N"]}]},
        },
        "fresh_head": {"rank": FRESH_RANK, "calibrator": {**fresh_calibrator, "folded": True},
                       "pairs": "no edge in either direction in any week up to t"},
        "calibrator": {"kind": "platt", "a": a_, "b": b_},
        # test_from: the first anchor a backtest of this model evaluates (docs/model-contract.md)
        "training_window": {"from": data.weeks[train[0]]["week"], "until": a.until,
                            "validation_from": data.weeks[val[0]]["week"], "validation_until": a.val_until,
                            "last_week_used": last_used, "test_from": data.weeks[test[0]]["week"],
                            "split": a.split},
        "seed": a.seed,
        "selected_on": f"validation AUPRC ({ {'known': 'pairs with history in either direction', 'population': 'all pairs', 'sampled': 'training-style sample'}[a.select_on]})",
        "uniform_negative_weight": a.uniform_weight,
        "learning_rate": a.lr,
        "metrics": metrics,
        "trained_on": os.path.basename(a.archive),
        # what the engine warns from (src/engine/forecast/provenance.ts): a model meets real data
        # or much larger weeks than it was trained on
        "training_data": {"archive": os.path.basename(a.archive), "sources": sources, "synthetic": synthetic,
                          "max_nodes": max(len(data.weeks[i]["ids"]) for i in train + val)},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "training_seconds": round(time.time() - started, 1),
    }
    with open(os.path.join(a.out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    # The PyTorch weights too (not used by the app): benchmarks compare ONNX Runtime with the same
    # model's PyTorch forward (bench/forecast.mjs).
    torch.save({"encoder": enc.state_dict(), "pair_head": head.state_dict(), "fresh_head": fresh.state_dict(),
                "n_features": int(n_feat)},
               os.path.join(a.out, "torch_state.pt"))
    log(f"train: wrote {a.out} in {time.time() - started:.0f} s")

    if a.parity:
        write_parity(enc, head, fresh, n_feat, len(used), a.parity)
        log(f"train: parity vectors written to {a.parity}")


if __name__ == "__main__":
    main()
