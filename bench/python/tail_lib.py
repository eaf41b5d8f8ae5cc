"""TailSampler 'ada_trim_min-mode' as the official code runs it (spec 2.2-2.4, 8.2): a per-row trim_min threshold on the
1/N-quantised sorted row, the count map, scipy's mode vote with zeros as NaN (nan_policy='omit', ties to the smallest
value), then the few-shot selection. Our own transcription of the spec (bench harness only)."""
import math

import numpy as np
import scipy.stats


def class_sizes(S):
    N = S.shape[0]
    th = np.empty(N, dtype=np.float32)
    for i in range(N):
        q = np.sort(np.trunc(N * S[i])) / N
        h = math.cos(math.acos(min(1.0, max(-1.0, float(q[0])))) / 2)
        H = q[q > h]
        t = int(math.floor(0.85 * len(H)))
        th[i] = H[0] if t == 0 else H[len(H) - t]
    M = S >= th[:, None]
    c = M.sum(axis=1).astype(np.float64)
    cm = np.where(M, c[:, None], np.nan)
    return np.asarray(scipy.stats.mode(cm, axis=0, nan_policy="omit", keepdims=False).mode, dtype=np.float32)


def few_shot(size, p=0.15):
    s = sorted(max(float(np.round(v)), 1.0) for v in size)
    classes = []
    while s:
        if len(s) < s[0]:
            classes[-1] += len(s)
            break
        k = min(int(np.round(np.mean(np.array(s[: int(s[0])], dtype=np.float32)))), len(s))
        classes.append(k)
        s = s[k:]
    d = sorted(classes, reverse=True)
    C = len(d)
    if C == 1 or d[0] == d[-1]:
        k_elbow = d[0]
    else:
        m = (d[-1] - d[0]) / (C - 1)
        c0 = d[0]
        mp = -1 / m
        best, k_elbow = -1.0, d[0]
        for k in range(C):
            cp = d[k] - mp * k
            xi = (cp - c0) / (m - mp)
            yi = m * xi + c0
            dist = math.sqrt((xi - k) ** 2 + (yi - d[k]) ** 2)
            if dist > best:
                best, k_elbow = dist, d[k]
    n = math.floor(p * sum(d))
    acc, kc = 0, 0
    for v in reversed(d):
        acc += v
        if acc > n:
            break
        kc += 1
    k_pct = d[min(C - kc, C - 1)]
    max_k = min(k_elbow, k_pct)
    return np.nonzero(size <= max_k)[0]
