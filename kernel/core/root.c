/*
 * Root PD: the first boot module, an ELF64 executable, runs as the root
 * task with its image, a stack, the HIP and capabilities to itself. Every
 * header field is checked; a bad image stops the boot with a message
 * (there is nothing else to run).
 */
#include "root.h"
#include <cairn/abi.h>
#include <cairn/elf.h>
#include "boot.h"
#include "console.h"
#include "ec.h"
#include "hip.h"
#include "mem.h"
#include "irq.h"
#include "mdb.h"
#include "paging.h"
#include "palloc.h"
#include "pd.h"
#include "regs.h"
#include "sc.h"
#include "space.h"
#include "string.h"


/* Map fresh pages for [va, va+memsz), filled from data[0..filesz). */
static void root_map(struct pd *pd, uint64_t va, const uint8_t *data, uint64_t filesz,
                     uint64_t memsz, unsigned rights)
{
    for (uint64_t page = va & ~0xfffull; page < va + memsz; page += PAGE_SIZE) {
        uint8_t *p = palloc_alloc(0);
        if (!p)
            panic("root: out of memory for its image");
        for (uint64_t a = page < va ? va : page; a < page + PAGE_SIZE && a < va + filesz; a++)
            p[a - page] = data[a - va];
        if (space_map_kernel(pd, page >> 12, virt_to_phys(p) >> 12, rights, 0) != CAIRN_OK)
            panic("root: segments overlap at %lx", page);
    }
}

static uint64_t root_load(struct pd *pd, const uint8_t *img, uint64_t size)
{
    const struct cairn_elf_ehdr *eh = (const void *)img;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2\1\1", 7) || eh->type != CAIRN_ELF_EXEC ||
        eh->machine != CAIRN_ELF_X86_64 || eh->phentsize != sizeof(struct cairn_elf_phdr) ||
        eh->phoff > size || eh->phnum > (size - eh->phoff) / sizeof(struct cairn_elf_phdr) ||
        eh->entry >= CAIRN_USER_END)
        panic("root module is not a static x86_64 ELF executable");
    const struct cairn_elf_phdr *ph = (const void *)(img + eh->phoff);
    for (unsigned i = 0; i < eh->phnum; i++) {
        if (ph[i].type != CAIRN_ELF_PT_LOAD)
            continue;
        if (ph[i].filesz > ph[i].memsz || ph[i].offset > size || ph[i].filesz > size - ph[i].offset ||
            ph[i].vaddr >= CAIRN_ROOT_STACK_TOP - CAIRN_ROOT_STACK_SIZE ||
            ph[i].memsz > CAIRN_ROOT_STACK_TOP - CAIRN_ROOT_STACK_SIZE - ph[i].vaddr)
            panic("root module: bad segment %u", i);
        unsigned rights = CAIRN_MEM_R | ((ph[i].flags & CAIRN_ELF_PF_W) ? CAIRN_MEM_W : 0) |
                          ((ph[i].flags & CAIRN_ELF_PF_X) ? CAIRN_MEM_X : 0);
        root_map(pd, ph[i].vaddr, img + ph[i].offset, ph[i].filesz, ph[i].memsz, rights);
    }
    return eh->entry;
}

void root_create(void)
{
    struct boot_mod *mod = &boot_info.mods[0];
    struct pd *pd;
    struct ec *ec;
    struct sc *sc;
    if (pd_create(&pd, CAIRN_ROOT_CAP_ORDER, 0x746f6f72 /* "root" */, false, 0, mem_pool_bytes) !=
        CAIRN_OK)
        panic("root: no memory");
    pd->own.used = mem_pool_bytes - palloc_free_pages() * PALLOC_PAGE_SIZE; /* the kernel's so far */
    uint64_t entry = root_load(pd, phys_to_virt(mod->base), mod->size);
    root_map(pd, CAIRN_ROOT_STACK_TOP - CAIRN_ROOT_STACK_SIZE, NULL, 0, CAIRN_ROOT_STACK_SIZE,
             CAIRN_MEM_R | CAIRN_MEM_W);
    if (space_map_kernel(pd, CAIRN_ROOT_HIP >> 12, virt_to_phys(hip) >> 12, CAIRN_MEM_R, MDB_KERNEL) ||
        ec_create(&ec, pd, 0, CAIRN_ROOT_UTCB, CAIRN_ROOT_STACK_TOP, 0, entry, true) ||
        sc_create(&sc, ec, 1, 10000 * hip_tsc_khz / 1000) ||
        space_install(pd, CAIRN_ROOT_SEL_PD, &pd->k, CAIRN_R_ALL) ||
        space_install(pd, CAIRN_ROOT_SEL_EC, &ec->k, CAIRN_R_ALL) ||
        space_install(pd, CAIRN_ROOT_SEL_SC, &sc->k, CAIRN_R_ALL))
        panic("root: cannot set up its PD");
    irq_install(pd);
    ec->regs.rdi = CAIRN_ROOT_HIP;
    ec->regs.rsi = CAIRN_ROOT_UTCB;
}
