/*
 * Guest loaders: the Linux x86 boot protocol (a bzImage entered at its
 * 64-bit entry point) and multiboot (v1) for small guest kernels. Both
 * write the guest's image and boot data into guest RAM and describe the
 * vCPU state to start it in; neither trusts a header field it has not
 * checked against the image and the RAM.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <cairn/status.h>

#include "hw/io.h"

/* Where the loaders put their data in guest RAM (below 640 KiB). */
#define LOADER_GDT      0x0500u /* null, null, 0x10 code, 0x18 data      */
#define LOADER_PML4     0x1000u /* identity map of 4 GiB in 2 MiB pages  */
#define LOADER_ZERO     0x7000u /* Linux boot_params / multiboot info     */
#define LOADER_CMDLINE  0x8000u /* 4 KiB                                 */
#define LOADER_STACK    0x10000u
#define LOADER_LOW_END  0x9fc00u /* top of base memory (EBDA above)      */
#define LOADER_BIOS     0xf0000u /* reserved: firmware tables             */

/* The vCPU state a loader asks for. */
struct loader_entry {
    bool long_mode;   /* 64-bit (Linux) or flat 32-bit protected mode (multiboot) */
    uint64_t rip, rsp, rsi, rax, rbx;
    uint64_t cr3;     /* long mode only */
};

/* True if image is a Linux kernel (a boot sector with the "HdrS" setup
 * header), startable here or not: linux_load says why not. */
bool linux_is_kernel(const uint8_t *image, uint64_t size);

/* True if image is a bzImage this loader can start (boot protocol 2.12+,
 * 64-bit entry). */
bool linux_is_bzimage(const uint8_t *image, uint64_t size);

/* Load a bzImage (and an initrd, may be empty) with cmdline into mem.
 * Returns CAIRN_OK and fills *e, or a refusal: EINVAL (a malformed
 * image), EUNSUP (one this loader cannot start), ERANGE (more RAM needed
 * than mem has), ETOOLONG (the command line), with a message saying what
 * is wrong in *why (why may be NULL; the message may live in a static
 * buffer, valid until the next call). */
cairn_status_t linux_load(const struct vmm_mem *mem, const uint8_t *image, uint64_t size,
                          const uint8_t *initrd, uint64_t initrd_size, const char *cmdline,
                          struct loader_entry *e, const char **why);

/* True if image carries a multiboot v1 header in its first 8 KiB. */
bool multiboot_is_image(const uint8_t *image, uint64_t size);

/* Load a multiboot v1 kernel and its command line. The kernel must give
 * the a.out-kludge addresses (header flag 16); an ELF kernel without them
 * is refused, as is one asking for a video mode. Statuses and *why as
 * for linux_load. */
cairn_status_t multiboot_load(const struct vmm_mem *mem, const uint8_t *image, uint64_t size,
                              const char *cmdline, struct loader_entry *e, const char **why);
