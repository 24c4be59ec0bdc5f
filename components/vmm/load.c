/*
 * Loading (load): the guest put into its RAM by the loader its image asks
 * for (linux.c: a Linux bzImage through the Linux boot protocol, a
 * multiboot kernel; anything else is a flat real-mode image at 0x1000),
 * and the vCPU state it starts in, which the startup exit hands the
 * kernel. Linux gets the config's command line as it is: what firmware
 * would tell it otherwise (the TSC's frequency, a clock to check the TSC
 * against, a working timer interrupt) it finds in KVM's paravirtual
 * interface (pv.c).
 */
#include "vmm.h"
#include <string.h>
#include <cairn/fmt.h>

/* IA32_MISC_ENABLE as the guest finds it: fast strings; no BTS, no PEBS */
#define MISC_ENABLE_RESET 0x1801u

/* Put the guest into its RAM: Linux, multiboot or a flat image. On a
 * refusal *why says what is wrong. */
cairn_status_t vmm_load(const struct vmm_config *c, const char **why)
{
    const uint8_t *image, *initrd = 0;
    uint64_t size = vmm_rom(c->kernel, ROM_KERNEL, &image), isize = 0;
    static char msg[128];
    if (!size) {
        snprintf(msg, sizeof(msg), "guest '%s' not found", c->kernel);
        *why = msg;
        return CAIRN_ENOTFOUND;
    }
    if (c->initrd[0] && !(isize = vmm_rom(c->initrd, ROM_INITRD, &initrd))) {
        snprintf(msg, sizeof(msg), "initrd '%s' not found", c->initrd);
        *why = msg;
        return CAIRN_ENOTFOUND;
    }
    if (linux_is_kernel(image, size)) /* startable or not: linux_load says why */
        return linux_load(&vmm.mem, image, size, initrd, isize, c->cmdline,
                          &vmm.entry, why);
    if (initrd) {
        *why = "an initrd is only for Linux guests";
        return CAIRN_EINVAL;
    }
    if (multiboot_is_image(image, size))
        return multiboot_load(&vmm.mem, image, size, c->cmdline, &vmm.entry, why);
    if (size > vmm.mem.size - VMM_LOAD) {
        *why = "the guest does not fit in its RAM";
        return CAIRN_ERANGE;
    }
    memcpy(vmm.mem.base + VMM_LOAD, image, size);
    vmm.flat = true;
    return CAIRN_OK;
}

/* The vCPU's first state: the loader's entry, or real mode at VMM_LOAD. */
uint64_t vmm_startup(struct cairn_exc *x)
{
    const struct loader_entry *e = &vmm.entry;
    uint64_t mtd = CAIRN_MTD_RIP | CAIRN_MTD_RSP | CAIRN_MTD_RFLAGS | CAIRN_MTD_CS_SS |
                   CAIRN_MTD_DS_ES;
    vmm.misc_enable = MISC_ENABLE_RESET;
    x->rflags = 2;
    if (vmm.flat) {
        struct cairn_seg flat = { .sel = 0, .ar = 0x93, .limit = 0xffff, .base = 0 };
        x->cs = (struct cairn_seg){ .sel = 0, .ar = 0x9b, .limit = 0xffff, .base = 0 };
        x->ss = x->ds = x->es = flat;
        x->rip = VMM_LOAD;
        x->rsp = 0x800;
        return mtd;
    }
    /* protected or long mode on the loader's GDT: 0x08/0x10 code, 0x18 data */
    struct cairn_seg data = { .sel = 0x18, .ar = 0xc93, .limit = 0xffffffff, .base = 0 };
    x->cs = e->long_mode ? (struct cairn_seg){ 0x10, 0xa9b, 0xffffffff, 0 }
                         : (struct cairn_seg){ 0x08, 0xc9b, 0xffffffff, 0 };
    x->ss = x->ds = x->es = x->fs = x->gs = data;
    x->tr = (struct cairn_seg){ 0, 0x8b, 0x67, 0 };
    x->ldtr = (struct cairn_seg){ 0, 0x82, 0, 0 };
    x->gdtr = (struct cairn_seg){ 0, 0, 31, LOADER_GDT };
    x->idtr = (struct cairn_seg){ 0, 0, 0, 0 };
    x->cr0 = e->long_mode ? 0x80010033 : 0x11; /* PE ET (MP NE WP PG) */
    x->cr2 = 0;
    x->cr3 = e->cr3;
    x->cr4 = e->long_mode ? 0x20 : 0; /* PAE */
    x->efer = e->long_mode ? 0x500 : 0; /* LME LMA */
    x->pat = 0x0007040600070406ull;
    x->rip = e->rip;
    x->rsp = e->rsp;
    x->rax = e->rax, x->rbx = e->rbx, x->rcx = x->rdx = 0;
    x->rsi = e->rsi, x->rdi = x->rbp = 0;
    return mtd | CAIRN_MTD_FS_GS | CAIRN_MTD_TR | CAIRN_MTD_LDTR | CAIRN_MTD_GDTR |
           CAIRN_MTD_IDTR | CAIRN_MTD_CR | CAIRN_MTD_EFER_PAT | CAIRN_MTD_GPR_ACDB |
           CAIRN_MTD_GPR_BSD;
}
