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

namespace {
napi_value Supported(napi_env env, napi_callback_info) {
  napi_value v;
  napi_get_boolean(env, nativeCpuSupported(), &v);
  return v;
}
}  // namespace

NAPI_MODULE_INIT() {
  napi_value f;
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, Supported, nullptr, &f);
  napi_set_named_property(env, exports, "supported", f);
  registerKCenter(env, exports);
  registerInt8Topk(env, exports);
  registerScans(env, exports);
  // src/linalg/native.ts loads only the interface version it was written for (a stale build is skipped).
  napi_create_int32(env, 3, &f);
  napi_set_named_property(env, exports, "version", f);
  return exports;
}
