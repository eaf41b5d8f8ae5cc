"""TailSampler timing: torch cosine self-similarity + the official per-row loop (tail_lib.py)."""
import numpy as np
import torch

from common import Timer, args, emit, load
from tail_lib import class_sizes, few_shot

a = args()
e = torch.from_numpy(load(a["embeddings"], a["n"], a["d"]))
with Timer() as t:
    x = torch.nn.functional.normalize(e, dim=1)
    S = (x @ x.T).numpy()
    sizes = class_sizes(S)
    tail = few_shot(sizes)
tail.astype(np.int32).tofile(a["out"])
emit(seconds=t.seconds, tail=len(tail))
