/* Hypervisor information page (HIP). */
#include "hip.h"
#include <cairn/abi.h>
#include "boot.h"
#include "console.h"
#include "mem.h"
#include "palloc.h"
#include "percpu.h"
#include "string.h"

struct cairn_hip *hip;
uint64_t hip_tsc_khz;

/* Append a string to the HIP; returns its offset (0 if it does not fit). */
static uint32_t hip_string(const char *s)
{
    size_t n = strlen(s) + 1;
    if (hip->length + n > 4096)
        return 0;
    uint32_t off = hip->length;
    memcpy((char *)hip + off, s, n);
    hip->length += (uint32_t)n;
    return off;
}

void hip_init(unsigned cpus_found, uint64_t tsc_khz, uint32_t features, uint32_t asids,
              uint64_t boot_tsc)
{
    hip = palloc_alloc(0);
    if (!hip)
        panic("no memory for the HIP");
    hip_tsc_khz = tsc_khz;
    *hip = (struct cairn_hip){ .magic = CAIRN_HIP_MAGIC, .cpu_count = cpus_found,
                               .cpu_online = cpu_count, .tsc_khz = tsc_khz,
                               .features = features, .svm_asids = asids,
                               .cap_order = CAIRN_ROOT_CAP_ORDER, .evt_count = CAIRN_EVT_COUNT,
                               .kernel_pool_kib = (uint32_t)(mem_pool_bytes >> 10),
                               .boot_tsc = boot_tsc };
    uint32_t off = sizeof(*hip);
    hip->mem_offset = off;
    hip->mem_count = mem_count;
    memcpy((char *)hip + off, mem_map, mem_count * sizeof(mem_map[0]));
    off += mem_count * sizeof(mem_map[0]);
    hip->mod_offset = off;
    hip->mod_count = boot_info.nmods;
    off += boot_info.nmods * sizeof(struct cairn_hip_mod);
    if (off > 4096)
        panic("HIP does not fit in a page");
    hip->length = off;
    struct cairn_hip_mod *mods = (struct cairn_hip_mod *)((char *)hip + hip->mod_offset);
    for (unsigned i = 0; i < boot_info.nmods; i++)
        mods[i] = (struct cairn_hip_mod){ boot_info.mods[i].base, boot_info.mods[i].size,
                                          hip_string(boot_info.mods[i].cmdline), 0 };
    hip->cmdline = hip_string(boot_info.cmdline);
}
