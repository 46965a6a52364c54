#ifndef CLIENTHONG_FUZZ_H
#define CLIENTHONG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer (its command line, corpus and flags) over `test_one_input`. The fuzz targets call this from
/// their own main: SwiftPM links executables with their module's main, which would shadow libFuzzer's.
int lienthong_fuzz_run(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
