/* libFuzzer target: XLSX returns (seeded from the XLSX corpus). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one(data, size, "fuzz.xlsx");
}
