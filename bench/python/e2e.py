"""End-to-end TailedCore fit + predict on given features, the way the official code runs it on a CPU (spec 3.2-3.4):
torch random projections, sklearn LOF per position, torch.quantile, the official torch greedy loop (head and tail),
TailSampler (tail_lib.py), augmentation views (here: the same patch-grid permutations the TS side uses), torch.cdist
1-NN scoring, bilinear upsampling and scipy's Gaussian blur for the maps. Bench harness only."""
import numpy as np
import scipy.ndimage
import torch
from sklearn.neighbors import LocalOutlierFactor

from common import Timer, args, emit, load
from tail_lib import class_sizes, few_shot


def project(x, dim=128):
    if x.shape[1] == dim:
        return x
    lin = torch.nn.Linear(x.shape[1], dim, bias=False)
    with torch.no_grad():
        return lin(x)


def greedy(x, ratio=0.1):
    r = project(x)
    m = max(1, int(r.shape[0] * ratio))
    idx = [int(np.random.randint(r.shape[0]))]
    min_d = None
    for _ in range(m - 1):
        dist = torch.linalg.norm(r - r[idx[-1]:idx[-1] + 1], dim=1)
        min_d = dist if min_d is None else torch.minimum(min_d, dist)
        idx.append(int(torch.argmax(min_d)))
    return x[idx]


def view_perms(side):
    perms = []
    for steps in range(4):
        for flip in (0, 1):
            if steps == 0 and flip == 0:
                continue
            src = np.empty(side * side, dtype=np.int64)
            for r in range(side):
                for c in range(side):
                    rr, cc = r, c
                    for _ in range(steps):
                        rr, cc = cc, side - 1 - rr
                    if flip:
                        cc = side - 1 - cc
                    src[r * side + c] = rr * side + cc
            perms.append(src)
    return perms


a = args()
n, side, d = a["images"], a["side"], a["d"]
ppi = side * side
P = torch.from_numpy(load(a["patches"], n * ppi, d))
E = torch.from_numpy(load(a["embeddings"], n, a["embed_dim"]))
T = torch.from_numpy(load(a["test"], a["test_images"] * ppi, d))
torch.manual_seed(0)
np.random.seed(0)
with Timer() as fit:
    # head branch: per-position LOF on all patches, keep < 0.85 quantile, greedy coreset
    R = project(P).reshape(n, ppi, -1).numpy()
    s = np.empty((n, ppi), dtype=np.float32)
    for j in range(ppi):
        lof = LocalOutlierFactor(n_neighbors=6, n_jobs=2).fit(R[:, j, :])
        s[:, j] = -lof.negative_outlier_factor_
    s = torch.from_numpy(s.reshape(-1))
    thr = torch.quantile(s, 0.85)
    head = greedy(P[s < thr])
    # tail branch: TailSampler on the embeddings, tail patches + augmentation views, greedy coreset
    x = torch.nn.functional.normalize(E, dim=1)
    tail_idx = few_shot(class_sizes((x @ x.T).numpy()))
    base = P.reshape(n, ppi, d)
    parts = [base[tail_idx].reshape(-1, d)]
    perms = view_perms(side)
    for i in tail_idx:
        for src in perms:
            parts.append(base[i][src])
    tail = greedy(torch.cat(parts))
    M = torch.cat([tail, head])
with Timer() as pred:
    mins = []
    for st in range(0, T.shape[0], 1024):
        mins.append(torch.cdist(T[st:st + 1024], M).min(dim=1).values ** 2)
    scores = torch.cat(mins).reshape(-1, side, side)
    image_scores = scores.reshape(scores.shape[0], -1).max(dim=1).values
    up = torch.nn.functional.interpolate(scores[:, None], size=a["input_size"], mode="bilinear", align_corners=False)[:, 0].numpy()
    maps = np.stack([scipy.ndimage.gaussian_filter(u, sigma=4) for u in up])
image_scores.numpy().astype(np.float32).tofile(a["out"])
emit(seconds=fit.seconds + pred.seconds, fit=fit.seconds, predict=pred.seconds, tail=len(tail_idx), bank=int(M.shape[0]))
