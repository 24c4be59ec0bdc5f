/* Start-up, x86_64 part: the boot CPU, the local APIC and its timer, the
 * virtualization extension, the other CPUs (from ACPI's MADT) and the I/O APIC. */
#include <cairn/hip.h>
#include "acpi.h"
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "ec_arch.h"
#include "irq.h"
#include "mem.h"
#include "pd.h"
#include "paging.h"
#include "sched.h"
#include "smp.h"
#include "space.h"
#include "vcpu.h"
#include "x86.h"

void arch_boot_cpu(void)
{
    paging_init(mem_max_phys());
    pd_kernel_space.cr3 = paging_master_cr3;
    cpu_init(0);
    idt_init();
    fpu_init();
}

void arch_boot_platform(struct arch_boot *b)
{
    struct acpi_madt_info madt;
    apic_init();
    space_host_reserve(0xfee00000, 4096);
    b->tsc_khz = apic_calibrate();
    b->features = vcpu_arch_init(&b->asids);
    acpi_madt((mem_max_phys() + (1ull << 30) - 1) & ~((1ull << 30) - 1), &madt);
    b->cpus_found = madt.cpus ? madt.cpus : 1;
    b->rsdp_from = madt.rsdp_from;
    b->madt = madt.madt;
    sched_init_cpu(0);
    smp_boot(&madt); /* takes the kernel lock: the APs wait until we leave */
    b->features |= vcpu_arch_smp_check(cpu_count);
    space_host_reserve(madt.ioapic, madt.ioapic ? 4096 : 0);
    irq_init(irq_arch_init(madt.ioapic, madt.ioapic_gsi), madt.isa_gsi, madt.isa_flags);
    for (unsigned i = 0; i < 16; i++)
        b->isa_gsi[i] = madt.isa_gsi[i];
}

void arch_boot_report(const struct arch_boot *b)
{
    if (!b->rsdp_from)
        kprintf("[kernel] ACPI: no RSDP found: one CPU, no I/O APIC\n");
    else
        kprintf("[kernel] ACPI: RSDP from %s, %s\n", b->rsdp_from,
                b->madt ? "MADT read" : "no MADT: one CPU, no I/O APIC");
    if (b->features & CAIRN_HIP_F_VMX)
        kprintf("[kernel] VMX: yes, EPT: yes, VPIDs: %u\n", b->asids);
    else
        kprintf("[kernel] SVM: %s, NPT: %s, ASIDs: %u\n", (b->features & CAIRN_HIP_F_SVM) ? "yes" : "no",
                (b->features & CAIRN_HIP_F_NPT) ? "yes" : "no", b->asids);
    if (b->features & CAIRN_HIP_F_VCPU_CPU0_OFF)
        kprintf("[kernel] QEMU TCG with %u CPUs: no vCPUs on CPU 0 (a QEMU bug, see"
                " docs/scheduling.md)\n", cpu_count);
    kprintf("[kernel] interrupts: %u GSIs through the I/O APIC\n", irq_count());
}
