"""Shared helpers for the Python side of `npm run bench` (a benchmark harness only, never a kit dependency)."""
import json
import sys
import time

import numpy as np
import torch

THREADS = 2
torch.set_num_threads(THREADS)


def args():
    return json.loads(sys.argv[1])


def load(path, rows, cols):
    return np.fromfile(path, dtype=np.float32).reshape(rows, cols)


def emit(**kw):
    print(json.dumps(kw))


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self.cpu_seconds = time.process_time() - self.c0  # all threads of this process
