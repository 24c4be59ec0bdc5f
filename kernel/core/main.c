/* Kernel entry: bring up the boot CPU, memory and the root PD. */
#include <cairn/abi.h>
#include <cairn/hip.h>
#include "acpi.h"
#include "arch.h"
#include "boot.h"
#include "console.h"
#include "why.h"
#include "cpu.h"
#include "ec_arch.h"
#include "hip.h"
#include "irq.h"
#include "svm.h"
#include "mem.h"
#include "pd.h"
#include "paging.h"
#include "root.h"
#include "sched.h"
#include "smp.h"
#include "space.h"
#include "x86.h"

static uint32_t kmain_features(uint32_t *asids)
{
    uint32_t r[4], f = 0;
    *asids = 0;
    cpuid(0x80000000, 0, r);
    if (r[0] < 0x8000000a)
        return 0;
    cpuid(0x80000001, 0, r);
    if (!(r[2] & (1u << 2)))
        return 0;
    f |= CAIRN_HIP_F_SVM;
    cpuid(0x8000000a, 0, r);
    *asids = r[1];
    if (r[3] & 1)
        f |= CAIRN_HIP_F_NPT;
    return f;
}

_Noreturn void kmain(uint32_t magic, uint32_t info);
_Noreturn void kmain(uint32_t magic, uint32_t info)
{
    uint64_t boot_tsc = rdtsc();
    console_init();
    kprintf("\n[kernel] Cairn microhypervisor\n");
    boot_parse(magic, info);
    paging_init(mem_max_phys());
    pd_kernel_space.cr3 = paging_master_cr3;
    cpu_init(0);
    idt_init();
    fpu_init();
    mem_init();
    apic_init();
    space_host_reserve(0xfee00000, 4096);
    uint64_t tsc_khz = apic_calibrate();
    uint32_t asids, features = kmain_features(&asids);
    if ((features & CAIRN_HIP_F_SVM) && !svm_init())
        features = 0, asids = 0;
    struct acpi_madt_info madt;
    acpi_madt((mem_max_phys() + (1ull << 30) - 1) & ~((1ull << 30) - 1), &madt);
    unsigned found = madt.cpus ? madt.cpus : 1;
    sched_init_cpu(0);
    smp_boot(&madt); /* takes the kernel lock: the APs wait until we leave */
    svm_smp_check(cpu_count);
    if (!svm_cpu_ok(0))
        features |= CAIRN_HIP_F_VCPU_CPU0_OFF;
    space_host_reserve(madt.ioapic, madt.ioapic ? 4096 : 0);
    irq_init(irq_arch_init(madt.ioapic, madt.ioapic_gsi), madt.isa_gsi, madt.isa_flags);
    hip_init(found, tsc_khz, features, asids, boot_tsc);
    hip->gsi_count = irq_count();
    for (unsigned i = 0; i < 16; i++)
        hip->isa_gsi[i] = madt.isa_gsi[i];

    uint64_t avail = 0;
    for (unsigned i = 0; i < mem_count; i++)
        if (mem_map[i].type == CAIRN_HIP_MEM_AVAILABLE)
            avail += mem_map[i].size;
    kprintf("[kernel] CPUs: %u found, %u running; TSC %lu kHz\n", found, cpu_count, tsc_khz);
    kprintf("[kernel] memory: %lu MiB for the root, %lu MiB kernel pool\n", avail >> 20,
            mem_pool_bytes >> 20);
    kprintf("[kernel] SVM: %s, NPT: %s, ASIDs: %u\n", (features & CAIRN_HIP_F_SVM) ? "yes" : "no",
            (features & CAIRN_HIP_F_NPT) ? "yes" : "no", asids);
    if (features & CAIRN_HIP_F_VCPU_CPU0_OFF)
        kprintf("[kernel] QEMU TCG with %u CPUs: no vCPUs on CPU 0 (a QEMU bug, see"
                " docs/scheduling.md)\n", cpu_count);
    kprintf("[kernel] interrupts: %u GSIs through the I/O APIC\n", irq_count());
    kprintf("[kernel] root task: %s\n", boot_info.mods[0].cmdline);
    why_init(boot_info.cmdline);
    root_create();
    sched_dispatch();
}
