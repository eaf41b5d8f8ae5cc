// Shared by the native kernels (kcenter.cc, int8-topk.cc, scan.cc; addon.cc registers them): the target attribute that lets
// one file hold AVX-512 code built without -march flags, the run-time check that the CPU has those instructions, and
// the N-API helpers their bindings share.
#pragma once
#include <node_api.h>

#include <cstddef>
#include <string>

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

// The N-API steps every kernel's binding repeats (addon.cc):
// throws a TypeError carrying msg and returns nullptr, for `return throwTypeError(env, "...")`;
napi_value throwTypeError(napi_env env, const char* msg);
// whether v is a typed array of type `want` with at least `min` elements (then its data and length);
bool typedArg(napi_env env, napi_value v, napi_typedarray_type want, size_t min, void** data, size_t* len);
// rejects a promise with an Error carrying msg;
void rejectWith(napi_env env, napi_deferred deferred, const std::string& msg);
// exports[name] = a function calling cb.
void exportFunction(napi_env env, napi_value exports, const char* name, napi_callback cb);

void registerKCenter(napi_env env, napi_value exports);
void registerInt8Topk(napi_env env, napi_value exports);
void registerScans(napi_env env, napi_value exports);
