/* What every libFuzzer target here shares. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* A broken invariant is a crash the fuzzer reports. */
#define FUZZ_CHECK(c)         \
    do {                      \
        if (!(c))             \
            __builtin_trap(); \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
