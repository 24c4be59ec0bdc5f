/*
 * SMP (x86_64): the kernel lock, IPIs, and starting the application
 * processors (smp.h).
 *
 * Start-up: the code in ap.S is copied to the first of SMP_LOW_PAGES
 * free pages below 1 MiB, the boot page table to the others (the loader
 * may have put modules anywhere there: GRUB under UEFI does); each AP
 * gets INIT, then two start-up IPIs with that page's number, goes to long
 * mode on the boot page table (the kernel half plus an executable
 * identity map of the first 2 MiB) and enters ap_main on its own kernel
 * stack. APs are
 * started one at a time; one that does not come up within 100 ms is left
 * out.
 *
 * A handler EC moving to another CPU (ipc.c) whose FPU registers another
 * CPU holds has that CPU save them the same way.
 *
 * TLB shootdown: the CPU holding the lock sets a flag for every other CPU
 * and kicks it; a kicked CPU enters the kernel and, spinning for the
 * lock, sees its flag, flushes and clears it. An entry that cannot get
 * the lock therefore always makes progress for the holder.
 */
#include "smp.h"
#include "acpi.h"
#include "arch.h"
#include "console.h"
#include "cpu.h"
#include "mem.h"
#include "palloc.h"
#include "paging.h"
#include "sched.h"
#include "string.h"
#include "vcpu.h"
#include "vcpu_x86.h"
#include "x86.h"

#define SMP_LOW_PAGES 4 /* the trampoline, then the boot PML4, PDPT and PD */

volatile unsigned klock_owner; /* CPU number + 1, 0: free */
bool smp_on;
static volatile unsigned ap_booting, ap_up;

static inline unsigned smp_me(void) { return percpu()->id + 1; }

/* Requests of the lock holder, served while waiting for the lock. */
static void smp_poll_flush(void)
{
    struct cpu *c = cpu_this();
    if (c->tlb_flush) {
        write_cr3(read_cr3());
        __atomic_store_n(&c->tlb_flush, false, __ATOMIC_RELEASE);
    }
    if (c->vmx_release) {
        vmx_release(c->vmx_release);
        __atomic_store_n(&c->vmx_release, 0, __ATOMIC_RELEASE);
    }
    if (c->fpu_give) {
        if (c->fpu_owner == c->fpu_give)
            fpu_release(c);
        __atomic_store_n(&c->fpu_give, NULL, __ATOMIC_RELEASE);
    }
}

void smp_fpu_release(unsigned cpu, struct ec *ec)
{
    __atomic_store_n(&cpus[cpu].fpu_give, ec, __ATOMIC_RELEASE);
    apic_ipi(cpus[cpu].apic_id, VEC_KICK);
    while (__atomic_load_n(&cpus[cpu].fpu_give, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
}

void smp_vmx_release(unsigned cpu, uint64_t vmcs_pa)
{
    __atomic_store_n(&cpus[cpu].vmx_release, vmcs_pa, __ATOMIC_RELEASE);
    apic_ipi(cpus[cpu].apic_id, VEC_KICK);
    while (__atomic_load_n(&cpus[cpu].vmx_release, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
}

void kernel_lock_slow(void)
{
    unsigned me = smp_me(), free = 0;
    if (klock_owner == me)
        return;
    while (!__atomic_compare_exchange_n(&klock_owner, &free, me, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
        free = 0;
        smp_poll_flush();
        __asm__ volatile("pause");
    }
}

void kernel_unlock_slow(void) { kernel_unlock(); }

void smp_kick(unsigned cpu)
{
    if (cpu != percpu()->id && cpu < cpu_count)
        apic_ipi(cpus[cpu].apic_id, VEC_KICK);
}

void smp_tlb_shootdown(void)
{
    unsigned me = percpu()->id;
    for (unsigned i = 0; i < cpu_count; i++)
        if (i != me) {
            __atomic_store_n(&cpus[i].tlb_flush, true, __ATOMIC_RELEASE);
            apic_ipi(cpus[i].apic_id, VEC_KICK);
        }
    for (unsigned i = 0; i < cpu_count; i++)
        while (i != me && __atomic_load_n(&cpus[i].tlb_flush, __ATOMIC_ACQUIRE))
            __asm__ volatile("pause");
}

static void smp_delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_khz_boot / 1000;
    while (rdtsc() < end)
        __asm__ volatile("pause");
}

_Noreturn void ap_main(void);
_Noreturn void ap_main(void)
{
    unsigned id = ap_booting;
    write_cr3(paging_master_cr3);
    cpu_init(id);
    apic_init_local();
    vcpu_arch_init_cpu(id);
    __atomic_store_n(&ap_up, id, __ATOMIC_RELEASE);
    kernel_lock();
    sched_dispatch();
}

/* The boot page table: the kernel's upper half, and the first 2 MiB
 * identity-mapped and executable for the trampoline. */
static void smp_boot_tables(uint64_t pml4_pa)
{
    uint64_t *pml4 = phys_to_virt(pml4_pa), *pdpt = pml4 + 512, *pd = pml4 + 1024;
    memcpy(pml4, phys_to_virt(paging_master_cr3), PAGE_SIZE);
    memset(pdpt, 0, PAGE_SIZE);
    memset(pd, 0, PAGE_SIZE);
    pml4[0] = (pml4_pa + PAGE_SIZE) | PTE_P | PTE_W;
    pdpt[0] = (pml4_pa + 2 * PAGE_SIZE) | PTE_P | PTE_W;
    pd[0] = PTE_P | PTE_W | PTE_PS;
}

void smp_boot(const struct acpi_madt_info *madt)
{
    extern char ap_start[], ap_end[], ap_cr3[], ap_stack[], ap_entry[];
    unsigned self = cpus[0].apic_id, n = madt->cpus < MAX_CPUS ? madt->cpus : MAX_CPUS;
    if (n > sizeof(madt->apic_ids))
        n = sizeof(madt->apic_ids);
    if (n < 2)
        return;
    uint64_t low = mem_boot_low(SMP_LOW_PAGES * PAGE_SIZE, 0x100000);
    if (!low) {
        kprintf("[kernel] no free RAM below 1 MiB to start the other CPUs\n");
        return;
    }
    smp_on = true; /* from here on the lock is real: the boot CPU takes it */
    kernel_lock();
    cpu_syscall_entry();
    uint8_t *tramp = phys_to_virt(low);
    memcpy(tramp, ap_start, (size_t)(ap_end - ap_start));
    smp_boot_tables(low + PAGE_SIZE);
    *(uint64_t *)(tramp + (ap_cr3 - ap_start)) = low + PAGE_SIZE;
    *(uint64_t *)(tramp + (ap_entry - ap_start)) = (uint64_t)ap_main;
    for (unsigned i = 0; i < n; i++) {
        unsigned apic = madt->apic_ids[i], id = cpu_count;
        if (apic == self || apic == 0xff)
            continue;
        uint8_t *stack = palloc_alloc(2), *fault = palloc_alloc(1);
        if (!stack || !fault)
            break;
        cpus[id].kstack_top = (uint64_t)stack + KSTACK_SIZE;
        cpus[id].fault_stack_top = (uint64_t)fault + PAGE_SIZE;
        cpus[id].db_stack_top = (uint64_t)fault + 2 * PAGE_SIZE;
        cpus[id].apic_id = apic;
        sched_init_cpu(id);
        *(uint64_t *)(tramp + (ap_stack - ap_start)) = cpus[id].kstack_top;
        ap_booting = id;
        apic_ipi(apic, 0x4500); /* INIT */
        smp_delay_us(10000);
        for (unsigned k = 0; k < 2 && __atomic_load_n(&ap_up, __ATOMIC_ACQUIRE) != id; k++) {
            apic_ipi(apic, 0x4600 | (uint32_t)(low >> 12)); /* start-up */
            smp_delay_us(200);
        }
        for (unsigned t = 0; t < 1000 && __atomic_load_n(&ap_up, __ATOMIC_ACQUIRE) != id; t++)
            smp_delay_us(100);
        if (__atomic_load_n(&ap_up, __ATOMIC_ACQUIRE) != id) {
            kprintf("[kernel] CPU with APIC ID %u did not start\n", apic);
            break;
        }
        cpu_count = id + 1;
    }
}
