/* Physical memory at boot: kernel pool and root RAM (mem.h). */
#include "mem.h"
#include "boot.h"
#include "console.h"
#include "paging.h"
#include "palloc.h"
#include "space.h"

#define MIB (1ull << 20)

extern char image_end_phys[];

struct cairn_hip_mem mem_map[MEM_MAX_ENTRIES];
unsigned mem_count;
uint64_t mem_pool_bytes;

static struct { uint64_t base, end; } mem_free[MEM_MAX_ENTRIES];
static unsigned mem_nfree;

static void mem_record(uint64_t base, uint64_t size, uint32_t type, uint32_t aux)
{
    if (size && mem_count < MEM_MAX_ENTRIES)
        mem_map[mem_count++] = (struct cairn_hip_mem){ base, size, type, aux };
}

uint64_t mem_max_phys(void)
{
    uint64_t max = 0;
    for (unsigned i = 0; i < boot_info.nmem; i++)
        if (boot_info.mem[i].type == 1 && boot_info.mem[i].base + boot_info.mem[i].size > max)
            max = boot_info.mem[i].base + boot_info.mem[i].size;
    return max;
}

/* Remove [base, end) from the free ranges, splitting where needed. */
static void mem_exclude(uint64_t base, uint64_t end)
{
    base &= ~0xfffull;
    end = (end + 0xfff) & ~0xfffull;
    for (unsigned i = 0; i < mem_nfree; i++) {
        uint64_t b = mem_free[i].base, e = mem_free[i].end;
        if (end <= b || base >= e)
            continue;
        mem_free[i].end = base > b ? base : b;
        if (end < e && mem_nfree < MEM_MAX_ENTRIES)
            mem_free[mem_nfree++] = (typeof(mem_free[0])){ end, e };
    }
}

static void mem_collect(void)
{
    for (unsigned i = 0; i < boot_info.nmem; i++) {
        struct boot_mem *m = &boot_info.mem[i];
        if (m->type != 1) {
            mem_record(m->base, m->size, CAIRN_HIP_MEM_RESERVED, 0);
            continue;
        }
        uint64_t b = (m->base + 0xfff) & ~0xfffull, e = (m->base + m->size) & ~0xfffull;
        if (b < MIB)
            b = MIB; /* leave the first MiB (BIOS, real-mode data) alone */
        if (e > b && mem_nfree < MEM_MAX_ENTRIES)
            mem_free[mem_nfree++] = (typeof(mem_free[0])){ b, e };
    }
    uint64_t kend = (uint64_t)image_end_phys;
    mem_exclude(0x100000, kend);
    mem_record(0x100000, kend - 0x100000, CAIRN_HIP_MEM_KERNEL, 0);
    space_host_reserve(0x100000, kend - 0x100000);
    for (unsigned i = 0; i < boot_info.nmods; i++) {
        struct boot_mod *m = &boot_info.mods[i];
        mem_exclude(m->base, m->base + m->size);
        mem_record(m->base, m->size, CAIRN_HIP_MEM_MODULE, i);
    }
}

void mem_init(void)
{
    uint64_t total = 0;
    mem_collect();
    for (unsigned i = 0; i < mem_nfree; i++)
        total += mem_free[i].end - mem_free[i].base;
    uint64_t want = total / 8;
    want = want < 16 * MIB ? 16 * MIB : want > 256 * MIB ? 256 * MIB : want & ~0xfffull;
    for (unsigned i = 0; i < mem_nfree; i++) {
        uint64_t b = mem_free[i].base, e = mem_free[i].end, take = e - b;
        if (take > want - mem_pool_bytes)
            take = want - mem_pool_bytes;
        if (take >= 64 * 1024) {
            palloc_add(phys_to_virt(b), take);
            space_host_reserve(b, take);
            mem_record(b, take, CAIRN_HIP_MEM_KERNEL, 0);
            mem_pool_bytes += take;
            b += take;
        }
        mem_record(b, e - b, CAIRN_HIP_MEM_AVAILABLE, 0);
    }
    if (!mem_pool_bytes)
        panic("no memory for the kernel");
}

static int mem_overlaps(uint64_t a, uint64_t b, uint64_t base, uint64_t size)
{
    return a < base + size && base < b;
}

/* Is [a, b) RAM in the loader's map and free of modules? */
static int mem_boot_free(uint64_t a, uint64_t b)
{
    int ram = 0;
    for (unsigned i = 0; i < boot_info.nmem; i++) {
        struct boot_mem *m = &boot_info.mem[i];
        if (m->type == 1 && m->base <= a && b <= m->base + m->size)
            ram = 1;
        else if (m->type != 1 && mem_overlaps(a, b, m->base, m->size))
            return 0; /* a reserved entry overlapping a RAM one wins */
    }
    for (unsigned i = 0; ram && i < boot_info.nmods; i++)
        if (mem_overlaps(a, b, boot_info.mods[i].base, boot_info.mods[i].size))
            return 0;
    return ram;
}

uint64_t mem_boot_low(uint64_t size, uint64_t limit)
{
    size = (size + 0xfff) & ~0xfffull;
    for (uint64_t a = 0x1000; a + size <= limit; a += 0x1000)
        if (mem_boot_free(a, a + size))
            return a;
    return 0;
}
