/*
 * Hypervisor information page (HIP): the kernel's description of the
 * machine, mapped read-only into the root PD at CAIRN_ROOT_HIP.
 *
 *   struct cairn_hip | mem[mem_count] | mod[mod_count] | strings
 *
 * All of it fits in one page.
 */
#pragma once

#include <stdint.h>

#define CAIRN_HIP_MAGIC 0x50494843u /* "CHIP" */

enum cairn_hip_mem_type {
    CAIRN_HIP_MEM_AVAILABLE = 1, /* RAM the root PD may delegate (host delegation)  */
    CAIRN_HIP_MEM_RESERVED  = 2, /* firmware-reserved (from the boot memory map)     */
    CAIRN_HIP_MEM_KERNEL    = 3, /* kernel image and kernel memory pool               */
    CAIRN_HIP_MEM_MODULE    = 4, /* a boot module, root may delegate it               */
};

struct cairn_hip_mem {
    uint64_t base, size;
    uint32_t type, aux; /* aux: module index for MODULE */
};

struct cairn_hip_mod {
    uint64_t base, size;  /* physical range of the module          */
    uint32_t cmdline;     /* offset of its NUL-terminated command line in the HIP */
    uint32_t reserved;
};

#define CAIRN_HIP_F_SVM 0x1u /* AMD SVM available                   */
#define CAIRN_HIP_F_NPT 0x2u /* nested paging (NPT or EPT) available */
#define CAIRN_HIP_F_VCPU_CPU0_OFF 0x4u /* no vCPUs on CPU 0 (a QEMU TCG bug, docs/scheduling.md) */
#define CAIRN_HIP_F_VMX 0x8u /* Intel VMX available (with EPT: NPT) */
#define CAIRN_HIP_F_VIRT (CAIRN_HIP_F_SVM | CAIRN_HIP_F_VMX) /* either vendor's */

struct cairn_hip {
    uint32_t magic, length;   /* length: bytes used in this page     */
    uint32_t cpu_count;       /* CPUs found                          */
    uint32_t cpu_online;      /* CPUs running Cairn                  */
    uint64_t tsc_khz;         /* TSC frequency                       */
    uint32_t features;        /* CAIRN_HIP_F_*                        */
    uint32_t svm_asids;       /* ASIDs SVM offers (0 without SVM)    */
    uint32_t cap_order;       /* root's capability space: 2^cap_order */
    uint32_t evt_count;       /* CAIRN_EVT_COUNT                      */
    uint32_t mem_count, mem_offset; /* struct cairn_hip_mem[] at this offset */
    uint32_t mod_count, mod_offset; /* struct cairn_hip_mod[] at this offset */
    uint32_t cmdline;         /* offset of the kernel command line   */
    uint32_t kernel_pool_kib; /* kernel memory pool size             */
    uint64_t boot_tsc;        /* TSC when the kernel started         */
    uint32_t gsi_count;       /* interrupt semaphores at CAIRN_ROOT_SEL_GSI */
    uint8_t isa_gsi[16];      /* GSI each ISA IRQ arrives at         */
};
