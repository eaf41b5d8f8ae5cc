"""Calibration rows of the machine's ceilings (issue 18, item 2): a streaming read of a bank (GB/s, torch sum over a
float32 bank larger than the last-level cache) and GEMM rates of A (m x k) times B^T (n x k) in float32, bfloat16
(oneDNN) and int8 (fbgemm's dynamic quantized linear, the VNNI path), 2 threads. Minimum of `reps` runs after a
warm-up. Bench harness only."""
import time

import torch

from common import args, emit

a = args()
m, n, k, reps = a["m"], a["n"], a["k"], a.get("reps", 3)
bank_rows, bank_cols = a["bank_rows"], a["bank_cols"]


def best(fn):
    fn()
    t = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t.append(time.perf_counter() - t0)
    return min(t)


out = {}
bank = torch.randn(bank_rows, bank_cols)
s = best(lambda: bank.sum())
out["stream_gbs"] = bank.numel() * 4 / s / 1e9
A = torch.randn(m, k)
B = torch.randn(n, k)
flop = 2.0 * m * n * k
out["fp32_gflops"] = flop / best(lambda: A @ B.T) / 1e9
Ab, Bb = A.bfloat16(), B.bfloat16()
out["bf16_gflops"] = flop / best(lambda: Ab @ Bb.T) / 1e9
if a.get("knn"):
    qm, qn, qk = a["knn"]
    Q, Bk = torch.randn(qm, qk), torch.randn(qn, qk)
    out["knn_fp32_gflops"] = 2.0 * qm * qn * qk / best(lambda: Q @ Bk.T) / 1e9
try:
    lin = torch.nn.Linear(k, n, bias=False)
    q = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(lin), {torch.nn.Linear}, dtype=torch.qint8)
    with torch.no_grad():
        out["int8_gflops"] = flop / best(lambda: q(A)) / 1e9
    out["int8_engine"] = torch.backends.quantized.engine
except Exception as e:  # noqa: BLE001 - a missing quantized engine is a note, not a failure
    out["int8_gflops"] = None
    out["int8_error"] = str(e)[:200]
emit(seconds=0.0, torch=torch.__version__, **out)
