# PyTorch side of bench/forecast.mjs: the same h=1 encoder (training/train.py's Encoder with the
# weights of resources/models/h1/torch_state.pt) on the same week, CPU, median of runs; and the same
# pair head's existence branch on the same 2 M pairs as bench/forecast-encoder.ts; and the fresh
# head over all n² pairs of the week in the engine's blocks.
import json, sqlite3, sys, time
import numpy as np
import torch
sys.path.insert(0, "training")
from train import Encoder, FreshHead, PairHead, BASE_FEATURES  # noqa: E402

file, week, runs, batch, fresh_rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
fresh_floor = float(sys.argv[6])
torch.set_num_threads(2)
manifest = json.load(open("resources/models/h1/model.json"))
state = torch.load("resources/models/h1/torch_state.pt")
db = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
cats = dict(db.execute("SELECT id, category FROM protocols"))
ids, feats, src, dst, w = db.execute("SELECT node_ids, features, edge_src, edge_dst, edge_weight FROM week_frames WHERE week = ?", (week,)).fetchone()
ids = json.loads(ids)
base = np.frombuffer(feats, dtype="<f4").reshape(len(ids), len(BASE_FEATURES))
index = {c: i for i, c in enumerate(manifest["categories"])}
onehot = np.zeros((len(ids), len(index)), dtype=np.float32)
for i, v in enumerate(ids):
    onehot[i, index.get(cats.get(v) or "Unknown", len(index) - 1)] = 1
x = torch.tensor(np.concatenate([base, onehot], axis=1))
es = torch.tensor(np.frombuffer(src, dtype="<i4").copy())
ed = torch.tensor(np.frombuffer(dst, dtype="<i4").copy())
ew = torch.tensor(np.frombuffer(w, dtype="<f8").astype(np.float32))
enc = Encoder(x.shape[1], np.zeros(x.shape[1]), np.ones(x.shape[1]))
enc.load_state_dict(state["encoder"])
enc.eval()
times = []
with torch.no_grad():
    enc(x, es, ed, ew)
    for _ in range(runs):
        t = time.perf_counter(); enc(x, es, ed, ew); times.append((time.perf_counter() - t) * 1000)
times.sort()
head = PairHead(len(manifest["pair_history"]))
head.load_state_dict(state["pair_head"])
head.eval()
P, n = 2_000_000, x.shape[0]
i = torch.arange(P, dtype=torch.int64)
ps, pd = (i * 7919) % n, (i * 104729 + 1) % n
ph = torch.zeros(P, len(manifest["pair_history"]))
with torch.no_grad():
    h, _ = enc(x, es, ed, ew)
    t = time.perf_counter()
    for k in range(0, P, batch):
        head.exist(h, ps[k:k + batch], pd[k:k + batch], ph[k:k + batch])
    exist_s = time.perf_counter() - t
    # the fresh head over every pair of the week as the engine scans it: the per-node vectors once,
    # then sigmoid(src[rows] @ dst.T) per block of holders, reduced to row sums and the cells with
    # p >= the keep floor (their positions and probabilities)
    fresh = FreshHead()
    fresh.load_state_dict(state["fresh_head"])
    fresh.eval()
    t = time.perf_counter()
    src, dst = fresh.vectors(h)
    dst_t = dst.T.contiguous()
    total = 0.0
    for k in range(0, n, fresh_rows):
        p = torch.sigmoid(src[k:k + fresh_rows] @ dst_t)
        total += float(p.sum(1).sum())
        where = (p >= fresh_floor).nonzero()
        kept = p[where[:, 0], where[:, 1]]
    fresh_s = time.perf_counter() - t
print(json.dumps({"encoderMs": times[len(times) // 2], "encoderMinMs": times[0],
                  "existencePairsPerSecond": P / exist_s, "freshPairsPerSecond": n * n / fresh_s}))
