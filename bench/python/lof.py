"""Per-position LOF as SoftPatch / TailedCore's head branch run it: sklearn LocalOutlierFactor(n_neighbors=6) fitted
on the N image vectors at each patch position (inputs already projected to 128-d)."""
import numpy as np
from sklearn.neighbors import LocalOutlierFactor

from common import Timer, args, emit, load

a = args()
n, p, d = a["images"], a["positions"], a["d"]
x = load(a["patches"], n * p, d).reshape(n, p, d)
out = np.empty((n, p), dtype=np.float32)


def run():
    for j in range(p):
        lof = LocalOutlierFactor(n_neighbors=a["k"], n_jobs=2)
        lof.fit(x[:, j, :])
        out[:, j] = -lof.negative_outlier_factor_


# `warmup` untimed passes first (first-call costs: thread pools, allocations), as the kit's side runs warm.
for _ in range(int(a.get("warmup", 0))):
    run()
with Timer() as t:
    run()
out.tofile(a["out"])
emit(seconds=t.seconds, cpu_seconds=t.cpu_seconds)
