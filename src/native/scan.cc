// Whole-matrix scans the models run on every feature set, on AVX-512: the largest |value| (NaN when any value is NaN;
// src/models/feature-checks.ts and src/linalg/matrix.ts's assertFinite test it) and each row's smallest and largest
// value with 0 included and NaN left out (src/linalg/quantized-nearest.ts's rowRanges). Their JavaScript loops ran at
// 0.7-1.7 ns a value, about 50 ms of each 1024-d fit and predict on the main thread; these run at the memory's pace.
#include "common.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace {

#if NATIVE_X86

NATIVE_TARGET double maxAbs(const float* x, size_t n) {
  const __m512 signless = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fffffff));
  __m512 m0 = _mm512_setzero_ps(), m1 = m0;
  __mmask16 nan = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 a = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(x + i + 16);
    nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q);  // a NaN in either
    m0 = _mm512_max_ps(m0, _mm512_and_ps(a, signless));
    m1 = _mm512_max_ps(m1, _mm512_and_ps(b, signless));
  }
  for (; i < n; i += 16) {
    const __mmask16 k = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
    const __m512 a = _mm512_maskz_loadu_ps(k, x + i);
    nan |= _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
    m0 = _mm512_max_ps(m0, _mm512_and_ps(a, signless));
  }
  if (nan) return std::numeric_limits<double>::quiet_NaN();
  return _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
}

// min/max with the accumulator second: VMINPS/VMAXPS return the second operand for a NaN or two zeros, so a NaN never
// enters and -0 never replaces +0 (the JavaScript loop's `v < lo ? v : lo` rule).
NATIVE_TARGET void rowRanges(const float* x, int rows, int d, float* lo, float* hi) {
  for (int r = 0; r < rows; r++) {
    const float* p = x + (size_t)r * d;
    __m512 l = _mm512_setzero_ps(), h = l;
    int c = 0;
    for (; c + 16 <= d; c += 16) {
      const __m512 v = _mm512_loadu_ps(p + c);
      l = _mm512_min_ps(v, l);
      h = _mm512_max_ps(v, h);
    }
    if (c < d) {
      const __mmask16 k = (__mmask16)((1u << (d - c)) - 1);
      const __m512 v = _mm512_maskz_loadu_ps(k, p + c);  // zeros past the row: 0 is in the range anyway
      l = _mm512_min_ps(v, l);
      h = _mm512_max_ps(v, h);
    }
    lo[r] = _mm512_reduce_min_ps(l);
    hi[r] = _mm512_reduce_max_ps(h);
  }
}

#endif

// A Float32Array argument: its data and length.
bool f32(napi_env env, napi_value v, float** data, size_t* len) {
  void* p;
  if (!typedArg(env, v, napi_float32_array, 0, &p, len)) return false;
  *data = static_cast<float*>(p);
  return true;
}

// maxAbs(x: Float32Array) -> number (NaN when x holds a NaN; 0 for an empty array)
napi_value MaxAbs(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  float* x;
  size_t n;
  if (argc < 1 || !f32(env, argv[0], &x, &n)) return throwTypeError(env, "maxAbs(x): x must be a Float32Array");
#if NATIVE_X86
  napi_create_double(env, maxAbs(x, n), &out);
#else
  napi_create_double(env, std::numeric_limits<double>::quiet_NaN(), &out);
#endif
  return out;
}

// rowRanges(x: Float32Array (rows x d), rows, d, lo: Float32Array, hi: Float32Array)
napi_value RowRanges(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t rows, d;
  float *x, *lo, *hi;
  size_t n, nl, nh;
  if (argc < 5 || !f32(env, argv[0], &x, &n) || napi_get_value_int32(env, argv[1], &rows) != napi_ok ||
      napi_get_value_int32(env, argv[2], &d) != napi_ok || !f32(env, argv[3], &lo, &nl) || !f32(env, argv[4], &hi, &nh) ||
      rows < 0 || d < 0 || (size_t)rows * d != n || nl < (size_t)rows || nh < (size_t)rows)
    return throwTypeError(env, "rowRanges(x, rows, d, lo, hi): Float32Arrays, x of rows x d values, lo and hi of rows");
#if NATIVE_X86
  rowRanges(x, rows, d, lo, hi);
#endif
  return nullptr;
}

}  // namespace

void registerScans(napi_env env, napi_value exports) {
  exportFunction(env, exports, "maxAbs", MaxAbs);
  exportFunction(env, exports, "rowRanges", RowRanges);
}
