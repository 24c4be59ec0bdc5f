/*
 * hello: the default root task. Greets, then prints the kernel's view of
 * the machine from the hypervisor information page (HIP) and exits.
 */
#include <cairn/fmt.h>
#include <cairn/hip.h>
#include <cairn/log.h>
#include <cairn/runtime.h>

#define HELLO_MAX_MEM 128 /* a HIP page holds fewer entries */

/* A HIP offset is usable if a NUL-terminated string starts inside the page. */
static const char *hello_hip_str(const struct cairn_hip *hip, uint32_t off)
{
    if (!off || off >= hip->length || off >= 4096)
        return "";
    return (const char *)hip + off;
}

static const char *hello_mem_type(uint32_t type)
{
    switch (type) {
    case CAIRN_HIP_MEM_AVAILABLE: return "available";
    case CAIRN_HIP_MEM_RESERVED:  return "reserved";
    case CAIRN_HIP_MEM_KERNEL:    return "kernel";
    case CAIRN_HIP_MEM_MODULE:    return "module";
    default:                      return "unknown";
    }
}

/* Print the memory map sorted by base (the HIP keeps the kernel's order). */
static void hello_memory(const struct cairn_hip *hip)
{
    const struct cairn_hip_mem *m = (const void *)((const char *)hip + hip->mem_offset);
    const struct cairn_hip_mem *sorted[HELLO_MAX_MEM];
    uint32_t n = hip->mem_count < HELLO_MAX_MEM ? hip->mem_count : HELLO_MAX_MEM;
    uint64_t avail = 0;

    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = i;
        for (; j && sorted[j - 1]->base > m[i].base; j--)
            sorted[j] = sorted[j - 1];
        sorted[j] = &m[i];
    }
    printf("memory map: %u regions\n", hip->mem_count);
    for (uint32_t i = 0; i < n; i++) {
        const struct cairn_hip_mem *r = sorted[i];
        printf("  %#014lx-%#014lx %8lu KiB %s", r->base, r->base + r->size, r->size >> 10,
               hello_mem_type(r->type));
        if (r->type == CAIRN_HIP_MEM_MODULE)
            printf(" %u", r->aux);
        printf("\n");
        if (r->type == CAIRN_HIP_MEM_AVAILABLE)
            avail += r->size;
    }
    printf("available RAM: %lu KiB\n", avail >> 10);
}

static void hello_modules(const struct cairn_hip *hip)
{
    const struct cairn_hip_mod *m = (const void *)((const char *)hip + hip->mod_offset);

    printf("modules: %u\n", hip->mod_count);
    for (uint32_t i = 0; i < hip->mod_count; i++)
        printf("  %u: %#lx, %lu bytes, \"%s\"\n", i, m[i].base, m[i].size,
               hello_hip_str(hip, m[i].cmdline));
}

static void hello_cpu(const struct cairn_hip *hip)
{
    int svm = !!(hip->features & CAIRN_HIP_F_SVM), npt = !!(hip->features & CAIRN_HIP_F_NPT);
    int vmx = !!(hip->features & CAIRN_HIP_F_VMX);

    printf("CPUs: %u found, %u online\n", hip->cpu_count, hip->cpu_online);
    printf("TSC: %lu kHz\n", hip->tsc_khz);
    if (vmx)
        printf("VMX: yes, EPT: %s, VPIDs: %u\n", npt ? "yes" : "no", hip->svm_asids);
    else
        printf("SVM: %s, NPT: %s, ASIDs: %u\n", svm ? "yes" : "no", npt ? "yes" : "no",
               hip->svm_asids);
}

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    cairn_log_init("hello");
    printf("Cairn root task\n");
    if (hip->magic != CAIRN_HIP_MAGIC) {
        printf("error: bad HIP magic %#x\n", hip->magic);
        return 1;
    }
    printf("kernel command line: \"%s\"\n", hello_hip_str(hip, hip->cmdline));
    hello_memory(hip);
    hello_modules(hip);
    hello_cpu(hip);
    printf("capability space: %u selectors, %u event selectors per EC\n", 1u << hip->cap_order,
           hip->evt_count);
    printf("kernel pool: %u KiB\n", hip->kernel_pool_kib);
    printf("done\n");
    return 0;
}
