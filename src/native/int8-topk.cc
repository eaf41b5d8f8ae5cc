// The int8 first pass of the certified 1-NN (src/linalg/quantized-nearest.ts) on AVX-512 VNNI: for a block of
// quantised queries and a quantised bank block, the k smallest approximate scores per query,
//
//   approx(i, j) = bias[j] + (scaleNeg2[j]·aScale)·(sum_c qa[i][c]·b[j][c] - zero·sum_c b[j][c])      (float32)
//
// ascending, with their bank rows (ties: the lower row first) - what the onnxruntime graph there computes
// (MatMulIntegerToFloat then TopK), so the caller's bounds apply unchanged: the integer product is exact and the
// float32 steps round at most four times (int8Slack allows sixteen). A non-finite score counts as +Infinity and is
// still returned where fewer than k finite ones exist, so every returned index is a real row.
//
// Why native: onnxruntime writes the whole (queries x bank) score matrix and TopK reads it back, about a third of the
// block's time; here each tile of 4 queries x 48 bank rows stays in registers and meets a per-query threshold. The
// bank is packed once per block (packBank) into panels of 16 rows x 4 bytes per column step, the layout VPDPBUSD
// multiplies against a broadcast group of 4 query bytes.
#include "common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int ROWS = 16;  // bank rows per panel (one zmm of int32 sums)
constexpr int QG = 8;     // queries per tile
constexpr int NPMAX = 3;  // panels per tile

struct TopkJob {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  std::vector<napi_ref> refs;
  const uint8_t* qa = nullptr;
  const int8_t* packed = nullptr;
  const int32_t* sums = nullptr;
  const float* scaleNeg2 = nullptr;
  const float* bias = nullptr;
  int nq = 0, d = 0, nb = 0, k = 0, zero = 0, threads = 1;
  float aScale = 1;
  std::vector<float> values;
  std::vector<int32_t> indices;
  std::string error;
};

#if NATIVE_X86

struct Best {
  float* v;
  int32_t* j;
  int cnt;
};

// Inserts (value, row) into the ascending list (after equal values: rows arrive in increasing order).
inline void insert(Best& b, int k, float v, int32_t row) {
  int pos = b.cnt < k ? b.cnt : k - 1;
  if (b.cnt == k && !(v < b.v[k - 1])) return;
  while (pos > 0 && v < b.v[pos - 1]) {
    b.v[pos] = b.v[pos - 1];
    b.j[pos] = b.j[pos - 1];
    pos--;
  }
  b.v[pos] = v;
  b.j[pos] = row;
  if (b.cnt < k) b.cnt++;
}

template <int NP>
NATIVE_TARGET __attribute__((always_inline)) inline void tile(const uint8_t* const* q, const int8_t* pan, size_t panelBytes, int D4, __m512i out[QG][NPMAX]) {
  // the accumulators live in registers (a local array with constant indices after unrolling; out is written once)
  __m512i c[QG][NP];
#pragma GCC unroll 8
  for (int r = 0; r < QG; r++)
#pragma GCC unroll 3
    for (int t = 0; t < NP; t++) c[r][t] = _mm512_setzero_si512();
  for (int c4 = 0; c4 < D4; c4++) {
    __m512i b[NP];
#pragma GCC unroll 3
    for (int t = 0; t < NP; t++) b[t] = _mm512_loadu_si512(pan + t * panelBytes + (size_t)c4 * 64);
#pragma GCC unroll 8
    for (int r = 0; r < QG; r++) {
      int32_t g;
      std::memcpy(&g, q[r] + 4 * c4, 4);
      const __m512i a = _mm512_set1_epi32(g);
#pragma GCC unroll 3
      for (int t = 0; t < NP; t++) c[r][t] = _mm512_dpbusd_epi32(c[r][t], a, b[t]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < QG; r++)
#pragma GCC unroll 3
    for (int t = 0; t < NP; t++) out[r][t] = c[r][t];
}

NATIVE_TARGET void scoreRange(TopkJob& J, const uint8_t* qa, size_t qStride, int q0, int q1) {
  const int D4 = (J.d + 3) / 4;
  const size_t panelBytes = (size_t)D4 * 64;
  const int panels = (J.nb + ROWS - 1) / ROWS;
  const int k = J.k;
  std::vector<Best> best(q1 - q0);
  for (int i = q0; i < q1; i++)
    best[i - q0] = {&J.values[(size_t)i * k], &J.indices[(size_t)i * k], 0};
  const __m512i zeroV = _mm512_set1_epi32(J.zero);
  const __m512 aScaleV = _mm512_set1_ps(J.aScale), inf = _mm512_set1_ps(std::numeric_limits<float>::infinity());
  __m512i acc[QG][NPMAX];
  alignas(64) float vals[ROWS];
  // Panel tiles outside, queries inside: a tile of 48 bank rows (NPMAX panels, 48·d bytes) stays in the core's caches
  // while every query of the range meets it; the queries stream by once per tile.
  for (int p = 0; p < panels; p += NPMAX) {
    const int np = std::min(NPMAX, panels - p);
    const int8_t* pan = J.packed + (size_t)p * panelBytes;
    for (int qi = q0; qi < q1; qi += QG) {
      const int nr = std::min(QG, q1 - qi);
      const uint8_t* q[QG];
      for (int r = 0; r < QG; r++) q[r] = qa + (size_t)(qi + std::min(r, nr - 1)) * qStride;
      if (np == 3) tile<3>(q, pan, panelBytes, D4, acc);
      else if (np == 2) tile<2>(q, pan, panelBytes, D4, acc);
      else tile<1>(q, pan, panelBytes, D4, acc);
      for (int t = 0; t < np; t++) {
        const int j0 = (p + t) * ROWS;
        const int live = std::min(ROWS, J.nb - j0);
        const __mmask16 lanes = live == ROWS ? (__mmask16)0xFFFF : (__mmask16)((1u << live) - 1);
        const __m512i sumsV = _mm512_maskz_loadu_epi32(lanes, J.sums + j0);
        const __m512 sA = _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, J.scaleNeg2 + j0), aScaleV);
        const __m512 biasV = _mm512_maskz_loadu_ps(lanes, J.bias + j0);
        const __m512i zs = _mm512_mullo_epi32(zeroV, sumsV);
        for (int r = 0; r < nr; r++) {
          const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc[r][t], zs));
          __m512 v = _mm512_add_ps(biasV, _mm512_mul_ps(sA, f));
          v = _mm512_mask_mov_ps(inf, _mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v);  // NaN -> +Infinity
          Best& b = best[qi + r - q0];
          __mmask16 m = lanes;
          if (b.cnt == k) m &= _mm512_cmp_ps_mask(v, _mm512_set1_ps(b.v[k - 1]), _CMP_LT_OQ);
          if (!m) continue;
          _mm512_store_ps(vals, v);
          for (unsigned bits = m; bits; bits &= bits - 1) {
            const int l = __builtin_ctz(bits);
            insert(b, k, vals[l], j0 + l);
          }
        }
      }
    }
  }
}

#endif  // NATIVE_X86

void execute(napi_env, void* data) {
  TopkJob* J = static_cast<TopkJob*>(data);
#if NATIVE_X86
  try {
    J->values.assign((size_t)J->nq * J->k, std::numeric_limits<float>::infinity());
    J->indices.assign((size_t)J->nq * J->k, 0);
    // 4-byte column groups: rows whose width is not a multiple of 4 are copied with zero bytes after them (the bank's
    // padding is zero too, so those bytes add nothing)
    const int D4 = (J->d + 3) / 4;
    std::vector<uint8_t> padded;
    const uint8_t* qa = J->qa;
    size_t stride = J->d;
    if (J->d % 4) {
      padded.assign((size_t)J->nq * D4 * 4, 0);
      for (int i = 0; i < J->nq; i++) std::memcpy(&padded[(size_t)i * D4 * 4], J->qa + (size_t)i * J->d, J->d);
      qa = padded.data();
      stride = (size_t)D4 * 4;
    }
    const int T = std::max(1, std::min(J->threads, (J->nq + QG - 1) / QG));
    std::vector<std::thread> pool;
    const int per = ((J->nq + T - 1) / T + QG - 1) / QG * QG;
    for (int t = 1; t < T; t++) {
      const int a = t * per, b = std::min(J->nq, (t + 1) * per);
      if (a < b) pool.emplace_back([=] { scoreRange(*J, qa, stride, a, b); });
    }
    scoreRange(*J, qa, stride, 0, std::min(J->nq, per));
    for (auto& th : pool) th.join();
  } catch (const std::bad_alloc&) {
    J->error = "native int8 top-k: out of memory";
  } catch (...) {
    J->error = "native int8 top-k failed";
  }
#else
  J->error = "native int8 top-k: not built for this CPU";
#endif
}

void complete(napi_env env, napi_status, void* data) {
  TopkJob* J = static_cast<TopkJob*>(data);
  napi_value out;
  if (!J->error.empty()) {
    rejectWith(env, J->deferred, J->error);
  } else {
    const size_t n = J->values.size();
    napi_value ab, arr;
    void* p;
    napi_create_object(env, &out);
    napi_create_arraybuffer(env, n * 4, &p, &ab);
    std::memcpy(p, J->values.data(), n * 4);
    napi_create_typedarray(env, napi_float32_array, n, ab, 0, &arr);
    napi_set_named_property(env, out, "values", arr);
    napi_create_arraybuffer(env, n * 4, &p, &ab);
    std::memcpy(p, J->indices.data(), n * 4);
    napi_create_typedarray(env, napi_int32_array, n, ab, 0, &arr);
    napi_set_named_property(env, out, "indices", arr);
    napi_resolve_deferred(env, J->deferred, out);
  }
  for (napi_ref r : J->refs) napi_delete_reference(env, r);
  napi_delete_async_work(env, J->work);
  delete J;
}

// packBank(rows: Int8Array (nb x d, row-major), nb, d) -> { packed: Int8Array, sums: Int32Array }
napi_value PackBank(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t nb, d;
  if (argc < 3 || napi_get_value_int32(env, argv[1], &nb) != napi_ok ||
      napi_get_value_int32(env, argv[2], &d) != napi_ok || nb < 1 || d < 1 || d > 65536)
    return throwTypeError(env, "packBank(rows, nb, d): nb >= 1 and 1 <= d <= 65,536");
  void* data;
  size_t len;
  if (!typedArg(env, argv[0], napi_int8_array, (size_t)nb * d, &data, &len) || len != (size_t)nb * d)
    return throwTypeError(env, "packBank: rows must be an Int8Array of nb x d values");
  const int8_t* b = static_cast<const int8_t*>(data);
  const int D4 = (d + 3) / 4, panels = (nb + ROWS - 1) / ROWS;
  const size_t bytes = (size_t)panels * D4 * 64;
  napi_value pab, packed, sab, sums;
  void* pp;
  void* sp;
  napi_create_arraybuffer(env, bytes, &pp, &pab);
  napi_create_typedarray(env, napi_int8_array, bytes, pab, 0, &packed);
  napi_create_arraybuffer(env, (size_t)nb * 4, &sp, &sab);
  napi_create_typedarray(env, napi_int32_array, nb, sab, 0, &sums);
  int8_t* P = static_cast<int8_t*>(pp);
  int32_t* S = static_cast<int32_t*>(sp);
  std::memset(P, 0, bytes);
  for (int j = 0; j < nb; j++) {
    const int8_t* row = b + (size_t)j * d;
    int8_t* panel = P + (size_t)(j / ROWS) * D4 * 64 + (j % ROWS) * 4;
    int32_t s = 0;
    for (int c = 0; c < d; c++) {
      panel[(size_t)(c / 4) * 64 + (c % 4)] = row[c];
      s += row[c];
    }
    S[j] = s;
  }
  napi_value out;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "packed", packed);
  napi_set_named_property(env, out, "sums", sums);
  return out;
}

// int8Topk(qa: Uint8Array (nq x d), nq, d, zero, aScale, packed, sums, nb, scaleNeg2, bias, k, threads)
//   -> Promise<{ values: Float32Array, indices: Int32Array }> (nq x k each)
napi_value Int8Topk(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 12) return throwTypeError(env, "int8Topk: 12 arguments");
  int32_t nq, d, zero, nb, k, threads;
  double aScale;
  if (napi_get_value_int32(env, argv[1], &nq) != napi_ok || napi_get_value_int32(env, argv[2], &d) != napi_ok ||
      napi_get_value_int32(env, argv[3], &zero) != napi_ok || napi_get_value_double(env, argv[4], &aScale) != napi_ok ||
      napi_get_value_int32(env, argv[7], &nb) != napi_ok || napi_get_value_int32(env, argv[10], &k) != napi_ok ||
      napi_get_value_int32(env, argv[11], &threads) != napi_ok)
    return throwTypeError(env, "int8Topk: nq, d, zero, aScale, nb, k and threads must be numbers");
  if (nq < 1 || d < 1 || d > 65536 || nb < 1 || k < 1 || k > nb || zero < 0 || zero > 255 || threads < 1)
    return throwTypeError(env, "int8Topk: bad shape (nq, nb >= 1, 1 <= k <= nb, 1 <= d <= 65,536, zero in 0..255)");
  const size_t D4 = (d + 3) / 4, panels = (nb + ROWS - 1) / ROWS;
  void *qa, *packed, *sums, *s2, *bias;
  size_t len;
  if (!typedArg(env, argv[0], napi_uint8_array, (size_t)nq * d, &qa, &len) ||
      !typedArg(env, argv[5], napi_int8_array, panels * D4 * 64, &packed, &len) ||
      !typedArg(env, argv[6], napi_int32_array, nb, &sums, &len) ||
      !typedArg(env, argv[8], napi_float32_array, nb, &s2, &len) || !typedArg(env, argv[9], napi_float32_array, nb, &bias, &len))
    return throwTypeError(env, "int8Topk: qa Uint8Array (nq x d), packed Int8Array and sums Int32Array from packBank, "
                     "scaleNeg2 and bias Float32Array (nb)");
  TopkJob* J = new TopkJob();
  J->qa = static_cast<const uint8_t*>(qa);
  J->packed = static_cast<const int8_t*>(packed);
  J->sums = static_cast<const int32_t*>(sums);
  J->scaleNeg2 = static_cast<const float*>(s2);
  J->bias = static_cast<const float*>(bias);
  J->nq = nq;
  J->d = d;
  J->nb = nb;
  J->k = k;
  J->zero = zero;
  J->threads = std::min(threads, 64);
  J->aScale = (float)aScale;
  for (int a : {0, 5, 6, 8, 9}) {  // kept alive (and in place) until complete() runs
    napi_ref r;
    napi_create_reference(env, argv[a], 1, &r);
    J->refs.push_back(r);
  }
  napi_value promise, name;
  napi_create_promise(env, &J->deferred, &promise);
  napi_create_string_utf8(env, "tailedcore.int8Topk", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name, execute, complete, J, &J->work);
  napi_queue_async_work(env, J->work);
  return promise;
}

}  // namespace

void registerInt8Topk(napi_env env, napi_value exports) {
  exportFunction(env, exports, "packBank", PackBank);
  exportFunction(env, exports, "int8Topk", Int8Topk);
}
