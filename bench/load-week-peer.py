# Peer for bench/load-week.ts: Python's sqlite3 + numpy reading the same week from the plain
# `nodes`/`edges` tables (what an analyst's script would do). Prints one JSON line (ms).
import json, sqlite3, sys, time
import numpy as np

file, week, node, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
db = sqlite3.connect(f"file:{file}?mode=ro", uri=True)

def load_week():
    rows = db.execute("SELECT node_id, size, log_tvl, n_token_types, max_token_share, token_entropy, tvl_change, in_degree, out_degree FROM nodes WHERE week = ? ORDER BY idx", (week,)).fetchall()
    ids = [r[0] for r in rows]
    index = {n: i for i, n in enumerate(ids)}
    feats = np.array([r[1:] for r in rows], dtype=np.float64)
    edges = db.execute("SELECT source, target, weight FROM edges WHERE week = ? ORDER BY idx", (week,)).fetchall()
    src = np.fromiter((index[e[0]] for e in edges), dtype=np.int32, count=len(edges))
    dst = np.fromiter((index[e[1]] for e in edges), dtype=np.int32, count=len(edges))
    w = np.fromiter((e[2] for e in edges), dtype=np.float64, count=len(edges))
    return feats, src, dst, w

def history():
    return db.execute("SELECT week, size, log_tvl, tvl_change, in_degree, out_degree, n_token_types FROM nodes WHERE node_id = ? ORDER BY week", (node,)).fetchall()

def timed(fn):
    t = []
    for _ in range(runs):
        s = time.perf_counter(); fn(); t.append((time.perf_counter() - s) * 1000)
    t.sort()
    return {"median": t[len(t) // 2], "min": t[0]}

print(json.dumps({"loadWeek": timed(load_week), "nodeHistory": timed(history)}))
