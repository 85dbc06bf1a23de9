"""The archive as training data: weeks read from the SQLite archive, and the pair memory walked
forward week by week, which yields the pair-history features from time-t data only. numpy only (no
torch), so the engine's parity test can run it: test/engine/forecast/pair-history.test.ts checks
that src/engine/forecast/pair-history.ts computes the same features."""
import json
import sqlite3
from datetime import date, timedelta

import numpy as np

FEATURE_SCHEMA = 1
BASE_FEATURES = ["log_tvl", "n_token_types", "max_token_share", "token_entropy", "tvl_change",
                 "in_degree_norm", "out_degree_norm"]
# Pair-history features, all from the archive up to week t (docs/model-contract.md defines each; the
# engine computes the same in src/engine/forecast/pair-history.ts).
PAIR_HISTORY = ["edge_at_t", "log_weight_at_t", "share_last_4", "share_last_12", "reverse_at_t",
                "seen_before", "log_last_weight", "weeks_since_seen", "reverse_seen_before",
                "src_partners", "dst_partners", "presence_rate", "weeks_known"]


class ArchiveData:
    """Every week of the archive (week_frames), with node ids mapped to one global index so pairs
    have one int64 key across weeks. About 40 bytes per edge: the real-scale archive fits."""

    def __init__(self, path):
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        cats = dict(db.execute("SELECT id, category FROM protocols"))
        self.gindex = {}
        self.weeks = []
        for row in db.execute(
                "SELECT week, node_ids, sizes, features, edge_src, edge_dst, edge_weight FROM week_frames ORDER BY week"):
            week, ids, sizes, feats, src, dst, w = row
            ids = json.loads(ids)
            gid = np.fromiter((self.gindex.setdefault(i, len(self.gindex)) for i in ids), dtype=np.int64, count=len(ids))
            self.weeks.append({
                "week": week,
                "ids": ids,
                "gid": gid,
                "sizes": np.frombuffer(sizes, dtype="<f8"),
                "features": np.frombuffer(feats, dtype="<f4").reshape(len(ids), len(BASE_FEATURES)),
                "src": np.frombuffer(src, dtype="<i4").astype(np.int64),
                "dst": np.frombuffer(dst, dtype="<i4").astype(np.int64),
                "weight": np.frombuffer(w, dtype="<f8"),
                "categories": [cats.get(i) or "Unknown" for i in ids],
            })
        db.close()
        self.G = len(self.gindex)
        self.index = {w["week"]: i for i, w in enumerate(self.weeks)}
        self.categories = sorted({c for w in self.weeks for c in w["categories"]} - {"Unknown"}) + ["Unknown"]


def training_sources(path, last_week):
    """Where the weeks up to last_week came from: the distinct import sources (e.g.
    demo:small:seed=42) and whether every one of those weeks is synthetic."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    sources = [s for (s,) in db.execute(
        "SELECT DISTINCT i.source FROM weeks w JOIN imports i ON i.import_id = w.import_id "
        "WHERE w.week <= ? ORDER BY i.source", (last_week,))]
    (synthetic,) = db.execute("SELECT coalesce(min(synthetic), 0) FROM weeks WHERE week <= ?", (last_week,)).fetchone()
    db.close()
    return sources, bool(synthetic)


def add_weeks(week, n):
    return (date.fromisoformat(week) + timedelta(weeks=n)).isoformat()


# popcount of the low 12 bits, for the presence counts of the last 4 and 12 weeks
POPCOUNT12 = np.array([bin(i).count("1") for i in range(4096)], dtype=np.float32)


class PairMemory:
    """What the archive says about every pair up to week t, walked forward one week at a time so a
    sample for anchor t can only see weeks <= t. Vectorised: pair keys (global src * G + global dst)
    in slot order with a sorted view for lookups; `bits` holds presence in the last 64 weeks (bit k
    = present k weeks before t). Mirrors the engine's pair memory (src/engine/forecast/memory.ts)."""

    def __init__(self, G):
        self.G = G
        self.n = 0
        self.p = -1
        cap = 1 << 16
        self.keys = np.zeros(cap, dtype=np.int64)
        self.bits = np.zeros(cap, dtype=np.uint64)
        self.last = np.zeros(cap, dtype=np.int32)
        self.lastw = np.zeros(cap, dtype=np.float32)
        self.first = np.zeros(cap, dtype=np.int32)
        self.count = np.zeros(cap, dtype=np.int32)
        self._sorted = None

    def _lookup(self, q):
        """Slot of each key in q, -1 where the pair was never seen."""
        if self._sorted is None:
            order = np.argsort(self.keys[:self.n], kind="stable")
            self._sorted = (order, self.keys[:self.n][order])
        order, sk = self._sorted
        if self.n == 0:
            return np.full(len(q), -1, dtype=np.int64)
        i = np.searchsorted(sk, q)
        i = np.minimum(i, self.n - 1)
        found = sk[i] == q
        return np.where(found, order[i], -1)

    def advance(self, p, week):
        """Adds archive week p (must be the next one)."""
        assert p == self.p + 1
        self.p = p
        self.bits[:self.n] <<= np.uint64(1)
        keys = week["gid"][week["src"]] * self.G + week["gid"][week["dst"]]
        keys, first = np.unique(keys, return_index=True)
        lw = np.log1p(week["weight"][first]).astype(np.float32)
        slots = self._lookup(keys)
        new = slots < 0
        k = int(new.sum())
        if self.n + k > len(self.keys):
            cap = max(2 * len(self.keys), self.n + k)
            for name in ("keys", "bits", "last", "lastw", "first", "count"):
                a = getattr(self, name)
                b = np.zeros(cap, dtype=a.dtype)
                b[:self.n] = a[:self.n]
                setattr(self, name, b)
        slots[new] = np.arange(self.n, self.n + k)
        self.keys[self.n:self.n + k] = keys[new]
        self.first[self.n:self.n + k] = p
        self.n += k
        self.count[slots] += 1
        self.bits[slots] |= np.uint64(1)
        self.last[slots] = p
        self.lastw[slots] = lw
        self._sorted = None

    def among(self, gid):
        """Slots of the pairs whose both ends are nodes of the week with global ids `gid`, with
        their local positions (the engine keeps only these pairs in its memory of week t)."""
        loc = np.full(self.G, -1, dtype=np.int64)
        loc[gid] = np.arange(len(gid))
        keys = self.keys[:self.n]
        s, d = loc[keys // self.G], loc[keys % self.G]
        slots = np.nonzero((s >= 0) & (d >= 0))[0]
        return slots, s[slots], d[slots]

    def features(self, gid, a, b):
        """PAIR_HISTORY features of local pairs (a, b) of the current week t (nodes `gid`)."""
        slots_all, s_all, d_all = self.among(gid)
        n_t = len(gid)
        out_partners = np.bincount(s_all, minlength=n_t).astype(np.float32)
        in_partners = np.bincount(d_all, minlength=n_t).astype(np.float32)
        slot = self._lookup(gid[a] * self.G + gid[b])
        rev = self._lookup(gid[b] * self.G + gid[a])
        seen = slot >= 0
        sl = np.where(seen, slot, 0)
        bits = np.where(seen, self.bits[sl], np.uint64(0))
        at_t = (bits & np.uint64(1)) > 0
        low12 = (bits & np.uint64(0xFFF)).astype(np.int64)
        rbits = np.where(rev >= 0, self.bits[np.where(rev >= 0, rev, 0)], np.uint64(0))
        since = np.where(seen, self.p - self.last[sl], 0)
        f = np.zeros((len(a), len(PAIR_HISTORY)), dtype=np.float32)
        f[:, 0] = at_t
        f[:, 1] = np.where(at_t, self.lastw[sl], 0.0)
        f[:, 2] = POPCOUNT12[low12 & 0xF] / 4.0
        f[:, 3] = POPCOUNT12[low12] / 12.0
        f[:, 4] = (rbits & np.uint64(1)) > 0
        f[:, 5] = seen
        f[:, 6] = np.where(seen, self.lastw[sl], 0.0)
        f[:, 7] = np.where(seen, np.minimum(since, 52) / 52.0, 1.0)
        f[:, 8] = rev >= 0
        f[:, 9] = np.log1p(out_partners[a])
        f[:, 10] = np.log1p(in_partners[b])
        age = np.where(seen, self.p - self.first[sl] + 1, 0)
        f[:, 11] = np.where(seen, self.count[sl] / np.maximum(age, 1), 0.0)
        f[:, 12] = np.minimum(age, 156) / 156.0
        return f


