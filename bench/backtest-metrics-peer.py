# Python peer of bench/backtest-metrics.ts (Debian /usr/bin/python3: numpy + scikit-learn): the same
# pooled AUPRC, ROC AUC and ECE (15 equal-width bins) on the same pairs. One JSON line on stdout.
import json, resource, sys, time
import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

prefix = sys.argv[1]
s = np.fromfile(prefix + ".f64", dtype=np.float64)
y = np.fromfile(prefix + ".u8", dtype=np.uint8)
t0 = time.perf_counter()
ap = average_precision_score(y, s)
auc = roc_auc_score(y, s)
b = np.minimum(np.floor(np.clip(s, 0, 1) * 15), 14).astype(np.int64)
cnt = np.bincount(b, minlength=15)
sp = np.bincount(b, weights=s, minlength=15)
sy = np.bincount(b, weights=y.astype(np.float64), minlength=15)
nz = cnt > 0
ece = float(np.sum(cnt[nz] / len(s) * np.abs(sy[nz] / cnt[nz] - sp[nz] / cnt[nz])))
t1 = time.perf_counter()
print(json.dumps({"ap": float(ap), "auc": float(auc), "ece": ece, "total_s": t1 - t0,
                  "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
