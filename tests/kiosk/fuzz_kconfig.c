/* fuzz_kconfig: libFuzzer target for the kiosk's configuration parser. */
#include <stddef.h>
#include <stdint.h>

#include "kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kconfig cfg;
    char err[256];
    kconfig_defaults(&cfg, "/fonts", "/assets");
    (void)kconfig_parse(&cfg, "fuzz", (const char *)data, size, err, sizeof err);
    return 0;
}
