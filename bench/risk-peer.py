# Python peer of the risk analytics (run with Debian's /usr/bin/python3: networkx + numpy).
# Used two ways:
#   risk-peer.py check GRAPH.json OUT.json  — reference values for the cross-check tests
#     (networkx PageRank weighted/unweighted, degree assortativity, numpy Gini/HHI/entropy, and the
#     reference cascade of reference-spec §7.4 written literally in plain Python).
#   risk-peer.py bench GRAPH.json RUNS      — timings for bench/risk.ts (one JSON line on stdout).
# GRAPH.json = {"nodes": [ids], "sizes": [...], "src": [...], "dst": [...], "w": [...],
#               "shocks": [{"nodes": [ids], "fraction": f}, ...]}
import json, sys, time
import networkx as nx
import numpy as np


def load(path):
    with open(path) as f:
        g = json.load(f)
    G = nx.DiGraph()
    G.add_nodes_from(g["nodes"])
    ids = g["nodes"]
    G.add_weighted_edges_from((ids[s], ids[d], w) for s, d, w in zip(g["src"], g["dst"], g["w"]))
    return g, G


def gini_positive(x):
    x = np.sort(np.asarray([v for v in x if np.isfinite(v) and v > 0], dtype=float))
    n = len(x)
    if n == 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float((2 * np.sum(i * x) - (n + 1) * np.sum(x)) / (n * np.sum(x)))


def gini_with_zeros(x):
    x = np.sort(np.clip(np.nan_to_num(np.asarray(x, dtype=float)), 0, None))
    n = len(x)
    i = np.arange(1, n + 1)
    return float((2 * np.sum(i * x) - (n + 1) * np.sum(x)) / (n * np.sum(x) + 1e-12))


def hhi(x):
    x = np.asarray(x, dtype=float)
    s = x.sum()
    return float(((x / s) ** 2).sum()) if s > 0 else 0.0


def entropy(vals):
    _, counts = np.unique(np.asarray(vals), return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log(p + 1e-12)))


def cascade(nodes, sizes, edges, shocked, ratio, threshold=0.1, max_rounds=10):
    """reference-spec §7.4, step by step, on dicts (the reference's own data shapes)."""
    tvl = dict(zip(nodes, sizes))
    creditors = {}
    for s, d, w in edges:
        if w > 0:
            creditors.setdefault(d, {})
            creditors[d][s] = creditors[d].get(s, 0.0) + w
    loss = {n: 0.0 for n in nodes}
    distressed = []
    dset = set()
    active = []
    for n in shocked:
        if n in tvl and tvl[n] > 0 and n not in dset:
            loss[n] = ratio * tvl[n]
            dset.add(n)
            distressed.append(n)
            active.append(n)
    history = [len(dset)]
    rounds = 0
    while active and rounds < max_rounds:
        rounds += 1
        nxt = []
        for d in active:
            ld = loss[d]
            cr = creditors.get(d)
            if ld <= 0 or not cr:
                continue
            total = sum(cr.values())
            for c, e in cr.items():
                loss[c] = min(loss[c] + ld * e / total, tvl[c])
                if c not in dset and loss[c] > threshold * tvl[c]:
                    dset.add(c)
                    nxt.append(c)
        history.append(len(dset))
        active = nxt
    total_loss = sum(loss.values())
    total_tvl = sum(tvl.values())
    return {
        "total_loss": total_loss,
        "total_loss_pct": 100 * total_loss / total_tvl if total_tvl > 0 else 0.0,
        "distressed_count": len(dset),
        "propagation_rounds": len(history) - 1,
        "affected_history": history,
    }


def check(gpath, out):
    g, G = load(gpath)
    ids = g["nodes"]
    pr = nx.pagerank(G, alpha=0.85, tol=1e-6, max_iter=100, weight="weight")
    pru = nx.pagerank(G, alpha=0.85, tol=1e-6, max_iter=100, weight=None)
    try:
        assort = nx.degree_assortativity_coefficient(G)
        assort = None if not np.isfinite(assort) else float(assort)
    except Exception:
        assort = None
    deg = [G.in_degree(n) + G.out_degree(n) for n in ids]
    edges = list(zip([ids[s] for s in g["src"]], [ids[d] for d in g["dst"]], g["w"]))
    res = {
        "pagerank": [pr[n] for n in ids],
        "pagerank_unweighted": [pru[n] for n in ids],
        "assortativity": assort,
        "tvl_gini": gini_positive(g["sizes"]),
        "tvl_gini_with_zeros": gini_with_zeros(g["sizes"]),
        "degree_gini_with_zeros": gini_with_zeros(deg),
        "tvl_hhi": hhi(g["sizes"]),
        "edge_hhi": hhi(g["w"]),
        "degree_entropy": entropy(deg),
        "cascades": [cascade(ids, g["sizes"], edges, s["nodes"], s["fraction"]) for s in g.get("shocks", [])],
    }
    with open(out, "w") as f:
        json.dump(res, f)


def bench(gpath, runs):
    g, G = load(gpath)
    ids = g["nodes"]
    edges = list(zip([ids[s] for s in g["src"]], [ids[d] for d in g["dst"]], g["w"]))

    def timed(fn):
        t = []
        for _ in range(runs):
            s = time.perf_counter()
            fn()
            t.append((time.perf_counter() - s) * 1000)
        t.sort()
        return {"median": t[len(t) // 2], "min": t[0]}

    def build():
        H = nx.DiGraph()
        H.add_nodes_from(ids)
        H.add_weighted_edges_from(edges)
        return H

    def cascades():
        for s in g["shocks"]:
            cascade(ids, g["sizes"], edges, s["nodes"], s["fraction"])

    print(json.dumps({
        "networkx": nx.__version__,
        "buildDiGraph": timed(build),
        "pagerank": timed(lambda: nx.pagerank(G, alpha=0.85, tol=1e-6, max_iter=100, weight="weight")),
        "referenceCascades": timed(cascades),
        "cascadeCount": len(g["shocks"]),
    }))


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        bench(sys.argv[2], int(sys.argv[3]))
