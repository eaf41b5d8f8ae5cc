// Exact greedy k-center for x86-64 CPUs with AVX-512 (F, BW, DQ, VL, VNNI): the picks of the brute-force loop in
// src/sampling/coreset-kcenter.ts, bit for bit, from the pruned loop described there plus an int8 filter.
//
// Why it is exact: every point p keeps minD(p), the canonical float64 squared distance (four lanes over j mod 4,
// combined as (s0 + s1) + (s2 + s3); float32 inputs) to the centre of its cluster. A new centre c can lower it only if
// d(c, a)² < 4·minD(p) for p's centre a (triangle inequality), so clusters and list suffixes are skipped on certified
// lower bounds of d(c, a) (norms, four pivot rows, a float32 distance with its error bound). Each remaining member is
// tested on an int8 copy of the bank held beside it in its cluster's list (one global scale, so the integer
// distance of the codes is exact): ||c - p|| >= sc·sqrt(S) - r(c) - r(p), with r the rows' measured quantisation
// residuals. Only members that bound cannot rule out get the exact distance, which decides as the brute force does;
// the argmax keeps the brute force's lowest-row rule on ties. The margins (1e-10 relative and more) are far above the
// rounding of these float64 sums for any dimension this accepts.
//
// Why native: on the real e2e head bank (20,991 x 128, 2,099 picks) the WebAssembly kernel spends its time on
// scattered 512-byte row reads (4.4 M candidates); the int8 copy in list order makes them sequential 128-byte reads
// with a two-instruction VNNI dot product, which WebAssembly's 128-bit SIMD cannot express.
//
// Loaded through src/linalg/native.ts; src/sampling/coreset-native.ts calls it.
#include "common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace {

struct Result {
  std::vector<int32_t> picks;
  double candidates = 0;  // list entries past the suffix search (the int8 bound's inputs)
  double filtered = 0;    // of those, the ones the int8 bound did not rule out (exact distances)
  std::string error;
};

#if NATIVE_X86

// Canonical float64 squared distance (coreset-kcenter's partialSquaredDistance without the early exit).
NATIVE_TARGET inline double exactDist(const float* a, const float* b, int d) {
  __m256d s = _mm256_setzero_pd();
  int j = 0;
  const int d4 = d & ~3;
  for (; j < d4; j += 4) {
    __m256d t = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(a + j)), _mm256_cvtps_pd(_mm_loadu_ps(b + j)));
    s = _mm256_add_pd(s, _mm256_mul_pd(t, t));
  }
  alignas(32) double l[4];
  _mm256_store_pd(l, s);
  double t;
  if (j < d) { t = (double)a[j] - (double)b[j]; l[0] += t * t; }
  if (j + 1 < d) { t = (double)a[j + 1] - (double)b[j + 1]; l[1] += t * t; }
  if (j + 2 < d) { t = (double)a[j + 2] - (double)b[j + 2]; l[2] += t * t; }
  return (l[0] + l[1]) + (l[2] + l[3]);
}

// Float32 squared distance in any order: within (d + 8)·2^-23 relative plus 2^-110 of the exact value (the bound of
// wasm-sqdist's approxThreshold; fused multiply-adds only remove roundings).
NATIVE_TARGET inline float approxDist(const float* a, const float* b, int d) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  int j = 0;
  for (; j + 32 <= d; j += 32) {
    __m512 t0 = _mm512_sub_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j));
    __m512 t1 = _mm512_sub_ps(_mm512_loadu_ps(a + j + 16), _mm512_loadu_ps(b + j + 16));
    s0 = _mm512_fmadd_ps(t0, t0, s0);
    s1 = _mm512_fmadd_ps(t1, t1, s1);
  }
  for (; j < d; j += 16) {
    __mmask16 k = d - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (d - j)) - 1);
    __m512 t0 = _mm512_sub_ps(_mm512_maskz_loadu_ps(k, a + j), _mm512_maskz_loadu_ps(k, b + j));
    s0 = _mm512_fmadd_ps(t0, t0, s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

// Sum over D bytes (a multiple of 64) of u[j]·s[j], u unsigned, s signed: exact in int32 for D <= 65,536.
NATIVE_TARGET inline int32_t dotUS(const uint8_t* u, const int8_t* s, int D) {
  __m512i acc = _mm512_setzero_si512();
  for (int j = 0; j < D; j += 64)
    acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512(u + j), _mm512_loadu_si512(s + j));
  return _mm512_reduce_add_epi32(acc);
}

// One cluster's members, sorted by (minD ascending, row descending), so that its maximum (lowest row on ties) is the
// last live entry and the members a centre can improve are a suffix. A member that moves leaves a tombstone (row -1)
// and the list closes up once tombstones outnumber the living.
struct Cluster {
  std::vector<int32_t> row;
  std::vector<double> md;
  std::vector<double> w;       // (sqrt(minD·(1 + 1e-10)) + r(p))·(1 + 1e-12): the int8 test's threshold part
  std::vector<int32_t> sqp;    // sum q² + 256·sum q of the row's codes (the dot product's correction)
  std::vector<int8_t> code;    // D bytes per entry
  int32_t dead = 0;
  void resize(size_t k, int D) {
    row.resize(k); md.resize(k); w.resize(k); sqp.resize(k); code.resize(k * (size_t)D);
  }
};

struct Move {
  double md;
  int32_t row;
};

NATIVE_TARGET void kcenter(const float* x, int n, int d, int m, int start, volatile int32_t* progress, Result& R) {
  const double SLACK = 1 + 1e-7;
  const double AREL = 1 + (d + 8) * std::ldexp(1.0, -22), AABS = std::ldexp(1.0, -110);
  const double LSAFE = 1 - std::ldexp(1.0, -40);
  const int D = (d + 63) & ~63;
  const int P = 4;
  R.picks.assign(m, 0);
  int piv[P];
  for (int q = 0; q < P; q++) piv[q] = std::min(n - 1, (int)std::floor(((q + 0.5) * n) / P));

  // int8 codes, one scale for the bank: c~ - p~ = sc·(qc - qp) exactly, so S = sum (qc - qp)² is an integer.
  double amax = 0;
  for (size_t i = 0; i < (size_t)n * d; i++) amax = std::max(amax, (double)std::fabs(x[i]));
  const bool useCodes = amax > 0 && std::isfinite(amax);
  const double sc = useCodes ? amax / 127 : 1;
  std::vector<int8_t> code((size_t)n * D, 0);
  std::vector<double> res(n);
  std::vector<int32_t> sqp(n);
  for (int i = 0; i < n; i++) {
    const float* r = x + (size_t)i * d;
    int8_t* o = code.data() + (size_t)i * D;
    double e = 0;
    int32_t s2 = 0, s1 = 0;
    for (int j = 0; j < d; j++) {
      double v = r[j];
      int q = (int)std::nearbyint(v / sc);
      q = q > 127 ? 127 : q < -127 ? -127 : q;
      o[j] = (int8_t)q;
      double t = v - sc * q;
      e += t * t;
      s2 += q * q;
      s1 += q;
    }
    // inflated for the rounding of this sum and of sc·q (far below 1e-6·sc per row for any d accepted here)
    res[i] = std::sqrt(e) * (1 + 1e-9) + sc * 1e-6;
    sqp[i] = s2 + 256 * s1;
  }
  const double sc2 = sc * sc * (1 - 1e-11);

  std::vector<float> cx((size_t)m * d);
  std::vector<double> cnorm(m), cpiv((size_t)m * P), cmax(m, 0);
  std::vector<int32_t> carg(m, 0);
  std::vector<Cluster> cl(m);
  std::vector<uint8_t> cu(D);
  std::vector<Move> mv;
  mv.reserve(n);

  auto addCentre = [&](int k, int c) {
    const float* src = x + (size_t)c * d;
    std::memcpy(&cx[(size_t)k * d], src, (size_t)d * 4);
    double s = 0;
    for (int j = 0; j < d; j++) s += (double)src[j] * src[j];
    cnorm[k] = std::sqrt(s);
    for (int q = 0; q < P; q++) {
      const float* pr = x + (size_t)piv[q] * d;
      double t2 = 0;
      for (int j = 0; j < d; j++) {
        double u = (double)src[j] - (double)pr[j];
        t2 += u * u;
      }
      cpiv[(size_t)q * m + k] = std::sqrt(t2);
    }
  };
  // The moves, sorted, become cluster k.
  auto fill = [&](int k) {
    std::sort(mv.begin(), mv.end(), [](const Move& a, const Move& b) {
      return a.md < b.md || (a.md == b.md && a.row > b.row);
    });
    Cluster& L = cl[k];
    const size_t nm = mv.size();
    L.resize(nm, D);
    L.dead = 0;
    for (size_t t = 0; t < nm; t++) {
      const int32_t r = mv[t].row;
      L.row[t] = r;
      L.md[t] = mv[t].md;
      L.w[t] = (std::sqrt(mv[t].md * (1 + 1e-10)) + res[r]) * (1 + 1e-12);
      L.sqp[t] = sqp[r];
      std::memcpy(&L.code[t * D], &code[(size_t)r * D], D);
    }
    cmax[k] = nm ? L.md[nm - 1] : 0;
    carg[k] = nm ? L.row[nm - 1] : 0;
  };

  R.picks[0] = start;
  *progress = 1;
  addCentre(0, start);
  mv.clear();
  for (int i = 0; i < n; i++) mv.push_back({exactDist(x + (size_t)i * d, x + (size_t)start * d, d), i});
  fill(0);

  for (int k = 1; k < m; k++) {
    // Global argmax of minD: the largest cluster maximum, lowest row on ties.
    double best = -1;
    int c = 0;
    for (int a = 0; a < k; a++)
      if (cmax[a] > best || (cmax[a] == best && carg[a] < c)) {
        best = cmax[a];
        c = carg[a];
      }
    R.picks[k] = c;
    *progress = k + 1;
    if (k + 1 == m) break;
    addCentre(k, c);
    const float* cr = &cx[(size_t)k * d];
    const int8_t* cc = &code[(size_t)c * D];
    for (int j = 0; j < D; j++) cu[j] = (uint8_t)(cc[j] + 128);
    // S = sum qc² + sum qp² - 2 sum qc·qp, and sum qc·qp = dot - 128 sum qp for dot = sum (qc + 128)·qp.
    int64_t sqqc = 0;
    for (int j = 0; j < d; j++) sqqc += cc[j] * cc[j];
    const double rc = res[c] * (1 + 1e-12);
    mv.clear();
    for (int a = 0; a < k; a++) {
      const double r2 = cmax[a];
      Cluster& L = cl[a];
      if (r2 == 0 || L.row.empty()) continue;  // nothing in it can strictly decrease
      const double bound = 4 * r2 * SLACK;
      const double dn = cnorm[k] - cnorm[a];
      if (dn * dn > bound) continue;
      bool far = false;
      for (int q = 0; q < P && !far; q++) {
        const double dp = cpiv[(size_t)q * m + k] - cpiv[(size_t)q * m + a];
        far = dp * dp > bound;
      }
      if (far) continue;
      const double ac = approxDist(cr, &cx[(size_t)a * d], d);
      double dc2;
      if (std::isfinite(ac)) {
        if (ac >= bound * AREL + AABS) continue;
        dc2 = ((ac - AABS) / AREL) * LSAFE;  // a certified lower bound on d(c, a)²
        if (!(dc2 > 0)) dc2 = 0;
      } else {
        // float32 overflow (values past ~1e19) certifies nothing: the exact distance decides
        dc2 = exactDist(cr, &cx[(size_t)a * d], d);
        if (dc2 > bound) continue;
      }
      const size_t len = L.row.size();
      size_t lo = 0, hi = len;
      while (lo < hi) {
        const size_t mid = (lo + hi) >> 1;
        if (4 * L.md[mid] * SLACK >= dc2) hi = mid;
        else lo = mid + 1;
      }
      bool removed = false;
      // The member's exact distance decides; a move leaves a tombstone.
      auto exact = [&](size_t t, int32_t row, double md) {
        R.filtered++;
        const double acc = exactDist(x + (size_t)row * d, cr, d);
        if (acc < md) {
          mv.push_back({acc, row});
          L.row[t] = -1;
          L.dead++;
          removed = true;
        }
      };
      for (size_t t = lo; t < len; t++) {
        const int32_t row = L.row[t];
        if (row < 0) continue;
        R.candidates++;
        const double md = L.md[t];
        if (useCodes) {
          // sum (qc - qp)² = sqqc + (sqp - 256 sum qp) - 2 (dot - 128 sum qp) = sqqc + sqp - 2 dot
          const int32_t dot = dotUS(cu.data(), &L.code[t * D], D);
          const int64_t S = sqqc + (int64_t)L.sqp[t] - 2 * (int64_t)dot;
          const double u = L.w[t] + rc;
          if ((double)S * sc2 >= u * u * (1 + 1e-11)) continue;  // ||c - p|| >= sqrt(minD): no move
        }
        exact(t, row, md);
      }
      if (!removed) continue;
      size_t live = L.row.size();
      while (live > 0 && L.row[live - 1] < 0) {
        live--;
        L.dead--;
      }
      if (live < L.row.size()) L.resize(live, D);
      if ((size_t)L.dead * 2 > L.row.size()) {
        size_t w = 0;
        for (size_t t = 0; t < L.row.size(); t++) {
          if (L.row[t] < 0) continue;
          if (w != t) {
            L.row[w] = L.row[t];
            L.md[w] = L.md[t];
            L.w[w] = L.w[t];
            L.sqp[w] = L.sqp[t];
            std::memcpy(&L.code[w * D], &L.code[t * D], D);
          }
          w++;
        }
        L.resize(w, D);
        L.dead = 0;
      }
      const size_t e = L.row.size();
      cmax[a] = e ? L.md[e - 1] : 0;
      carg[a] = e ? L.row[e - 1] : 0;
    }
    fill(k);
  }
}

#endif  // NATIVE_X86

struct Job {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  napi_ref bankRef = nullptr, progressRef = nullptr;
  const float* x = nullptr;
  int32_t* progress = nullptr;
  int n = 0, d = 0, m = 0, start = 0;
  Result result;
};

void execute(napi_env, void* data) {
  Job* j = static_cast<Job*>(data);
#if NATIVE_X86
  try {
    kcenter(j->x, j->n, j->d, j->m, j->start, j->progress, j->result);
  } catch (const std::bad_alloc&) {
    j->result.error = "native k-center: out of memory";
  } catch (...) {
    j->result.error = "native k-center failed";
  }
#else
  j->result.error = "native k-center: not built for this CPU";
#endif
}

void complete(napi_env env, napi_status, void* data) {
  Job* j = static_cast<Job*>(data);
  napi_value out;
  if (!j->result.error.empty()) {
    rejectWith(env, j->deferred, j->result.error);
  } else {
    napi_value ab, picks, v;
    void* p;
    napi_create_arraybuffer(env, (size_t)j->m * 4, &p, &ab);
    std::memcpy(p, j->result.picks.data(), (size_t)j->m * 4);
    napi_create_typedarray(env, napi_int32_array, j->m, ab, 0, &picks);
    napi_create_object(env, &out);
    napi_set_named_property(env, out, "picks", picks);
    napi_create_double(env, j->result.candidates, &v);
    napi_set_named_property(env, out, "candidates", v);
    napi_create_double(env, j->result.filtered, &v);
    napi_set_named_property(env, out, "exact", v);
    napi_resolve_deferred(env, j->deferred, out);
  }
  napi_delete_reference(env, j->bankRef);
  napi_delete_reference(env, j->progressRef);
  napi_delete_async_work(env, j->work);
  delete j;
}

// kcenter(bank: Float32Array, n, d, m, start, progress: Int32Array) -> Promise<{ picks, candidates, exact }>
napi_value KCenter(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 6) return throwTypeError(env, "kcenter(bank, n, d, m, start, progress): 6 arguments");
  size_t len, plen;
  void* data;
  void* pdata;
  if (!typedArg(env, argv[0], napi_float32_array, 0, &data, &len))
    return throwTypeError(env, "kcenter: bank must be a Float32Array");
  if (!typedArg(env, argv[5], napi_int32_array, 1, &pdata, &plen))
    return throwTypeError(env, "kcenter: progress must be an Int32Array");
  int32_t n, d, m, start;
  if (napi_get_value_int32(env, argv[1], &n) != napi_ok || napi_get_value_int32(env, argv[2], &d) != napi_ok ||
      napi_get_value_int32(env, argv[3], &m) != napi_ok || napi_get_value_int32(env, argv[4], &start) != napi_ok)
    return throwTypeError(env, "kcenter: n, d, m and start must be integers");
  if (n < 1 || d < 1 || d > 16384 || m < 1 || m > n || start < 0 || start >= n || (size_t)n * d != len)
    return throwTypeError(env, "kcenter: bad shape (1 <= m <= n, 0 <= start < n, 1 <= d <= 16384, n·d values)");
  Job* j = new Job();
  j->x = static_cast<const float*>(data);
  j->progress = static_cast<int32_t*>(pdata);
  j->n = n;
  j->d = d;
  j->m = m;
  j->start = start;
  napi_value promise, name;
  napi_create_promise(env, &j->deferred, &promise);
  // the arrays stay alive (and in place) until complete() runs
  napi_create_reference(env, argv[0], 1, &j->bankRef);
  napi_create_reference(env, argv[5], 1, &j->progressRef);
  napi_create_string_utf8(env, "tailedcore.kcenter", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name, execute, complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

}  // namespace

void registerKCenter(napi_env env, napi_value exports) { exportFunction(env, exports, "kcenter", KCenter); }
