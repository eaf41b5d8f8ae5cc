// The kit's native module (binding.gyp builds it; scripts/build-native.js runs that at install): the exact k-center
// of kcenter.cc, the int8 first pass of the certified 1-NN in int8-topk.cc and the feature scans of scan.cc, for
// x86-64 CPUs with AVX-512 VNNI.
// src/linalg/native.ts loads it and uses it only where supported() is true; elsewhere the WebAssembly and onnxruntime
// paths run, with the same results.
#include "common.h"

bool nativeCpuSupported() {
#if NATIVE_X86
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

napi_value throwTypeError(napi_env env, const char* msg) {
  napi_throw_type_error(env, nullptr, msg);
  return nullptr;
}

bool typedArg(napi_env env, napi_value v, napi_typedarray_type want, size_t min, void** data, size_t* len) {
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  return napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) == napi_ok && t == want && *len >= min;
}

void rejectWith(napi_env env, napi_deferred deferred, const std::string& msg) {
  napi_value m, e;
  napi_create_string_utf8(env, msg.c_str(), NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, nullptr, m, &e);
  napi_reject_deferred(env, deferred, e);
}

void exportFunction(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &f);
  napi_set_named_property(env, exports, name, f);
}

namespace {
napi_value Supported(napi_env env, napi_callback_info) {
  napi_value v;
  napi_get_boolean(env, nativeCpuSupported(), &v);
  return v;
}
}  // namespace

NAPI_MODULE_INIT() {
  exportFunction(env, exports, "supported", Supported);
  registerKCenter(env, exports);
  registerInt8Topk(env, exports);
  registerScans(env, exports);
  // src/linalg/native.ts loads only the interface version it was written for (a stale build is skipped).
  napi_value f;
  napi_create_int32(env, 3, &f);
  napi_set_named_property(env, exports, "version", f);
  return exports;
}
