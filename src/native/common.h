// Shared by the native kernels (kcenter.cc, int8-topk.cc, scan.cc; addon.cc registers them): the target attribute that lets
// one file hold AVX-512 code built without -march flags, and the run-time check that the CPU has those instructions.
#pragma once
#include <node_api.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NATIVE_X86 1
#include <immintrin.h>
#define NATIVE_TARGET __attribute__((target("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl,avx512vnni")))
#else
#define NATIVE_X86 0
#define NATIVE_TARGET
#endif

// AVX-512 F, BW, DQ, VL and VNNI, as every NATIVE_TARGET function assumes.
bool nativeCpuSupported();

void registerKCenter(napi_env env, napi_value exports);
void registerInt8Topk(napi_env env, napi_value exports);
void registerScans(napi_env env, napi_value exports);
