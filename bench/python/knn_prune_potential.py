"""How much of the bank an exact, bound-pruned 1-NN would still have to read (issue 18, item 4: analysis, not a
timing). The bank is cut into B blocks by k-means (scikit-learn, seed 0), and each block keeps its centroid c and
radius r (largest row distance to c). A block can hold a query's nearest row only if d(q, c) - r <= d*(q), where d* is
the true 1-NN distance (torch.cdist). Using the true d* makes this the least any pruning with these bounds can read.
Prints the mean and median share of bank rows in such blocks, per B.

Usage: /usr/bin/python3 bench/python/knn_prune_potential.py data/bench-features/<key>.f32 [bank_rows] [queries]
(the 224 px bank file that `npm run bench -- --headline` caches; bank = its first bank_rows training patches, the
head bank; queries = its first test patches)."""
import json
import sys

import numpy as np
import torch
from sklearn.cluster import MiniBatchKMeans

path = sys.argv[1]
bank_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 75264
nq = int(sys.argv[3]) if len(sys.argv) > 3 else 3136
meta = json.load(open(path + ".json"))
raw = np.fromfile(path, dtype=np.float32)
mats, o = {}, 0
for name, r, c in meta["shapes"]:
    mats[name] = raw[o:o + r * c].reshape(r, c)
    o += r * c
bank = mats["trainPatches"][:bank_rows]
q = mats["testPatches"][:nq]
Q, Bk = torch.from_numpy(q), torch.from_numpy(bank)
dstar = torch.cat([torch.cdist(Q[i:i + 512], Bk).min(1).values for i in range(0, len(Q), 512)]).numpy()
for B in (64, 256, 1024):
    km = MiniBatchKMeans(n_clusters=B, random_state=0, n_init=1, batch_size=4096).fit(bank)
    lab, C = km.labels_, km.cluster_centers_.astype(np.float32)
    size = np.bincount(lab, minlength=B)
    rad = np.zeros(B)
    np.maximum.at(rad, lab, np.linalg.norm(bank - C[lab], axis=1))
    lb = torch.cdist(Q, torch.from_numpy(C)).numpy() - rad[None, :]
    need = lb <= dstar[:, None] * (1 + 1e-6)
    frac = (need * size[None, :]).sum(1) / len(bank)
    print(json.dumps({"blocks": B, "bank": list(bank.shape), "queries": nq,
                      "mean_share": round(float(frac.mean()), 3), "median_share": round(float(np.median(frac)), 3)}))
