"""The official brute-force greedy k-center loop in torch (spec 8.3): one row-wise norm against the last pick per
step, a running minimum, argmax. Input is already 128-d, so the official sampler's projection is skipped.
Runs `steps` picks (the per-pick cost is constant, so the caller may scale a prefix)."""
import numpy as np
import torch

from common import Timer, args, emit, load

a = args()
f = torch.from_numpy(load(a["features"], a["n"], a["d"]))
steps = a["steps"]
with Timer() as t:
    idx = [a["start"]]
    min_d = None
    for _ in range(steps - 1):
        dist = torch.linalg.norm(f - f[idx[-1]:idx[-1] + 1], dim=1)
        min_d = dist if min_d is None else torch.minimum(min_d, dist)
        idx.append(int(torch.argmax(min_d)))
np.array(idx, dtype=np.int32).tofile(a["out"])
emit(seconds=t.seconds, cpu_seconds=t.cpu_seconds)
