/* Kernel entry: bring up the boot CPU, memory and the root PD. */
#include <cairn/abi.h>
#include <cairn/hip.h>
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "why.h"
#include "hip.h"
#include "irq.h"
#include "mem.h"
#include "root.h"
#include "sched.h"
#include "smp.h"

_Noreturn void kmain(uint32_t magic, uint32_t info);
_Noreturn void kmain(uint32_t magic, uint32_t info)
{
    uint64_t boot_tsc = arch_time();
    struct arch_boot b;
    console_init();
    kprintf("\n[kernel] Cairn microhypervisor\n");
    boot_parse(magic, info);
    arch_boot_cpu();
    mem_init();
    arch_boot_platform(&b);
    hip_init(b.cpus_found, b.tsc_khz, b.features, b.asids, boot_tsc);
    hip->gsi_count = irq_count();
    for (unsigned i = 0; i < 16; i++)
        hip->isa_gsi[i] = b.isa_gsi[i];

    uint64_t avail = 0;
    for (unsigned i = 0; i < mem_count; i++)
        if (mem_map[i].type == CAIRN_HIP_MEM_AVAILABLE)
            avail += mem_map[i].size;
    kprintf("[kernel] CPUs: %u found, %u running; TSC %lu kHz\n", b.cpus_found, cpu_count, b.tsc_khz);
    kprintf("[kernel] memory: %lu MiB for the root, %lu MiB kernel pool\n", avail >> 20,
            mem_pool_bytes >> 20);
    arch_boot_report(&b);
    kprintf("[kernel] root task: %s\n", boot_info.mods[0].cmdline);
    why_init(boot_info.cmdline);
    root_create();
    sched_dispatch();
}
