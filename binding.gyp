{
  "targets": [
    {
      "target_name": "tailedcore_native",
      "sources": ["src/native/addon.cc", "src/native/kcenter.cc", "src/native/int8-topk.cc", "src/native/scan.cc"],
      "cflags_cc": ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c++17", "-Wno-maybe-uninitialized"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=off"] },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    }
  ]
}
