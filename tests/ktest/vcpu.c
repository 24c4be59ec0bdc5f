/*
 * Tests: the state a VMM hands a vCPU. The root acts as the VMM of a VM
 * whose one page of RAM holds a HLT; its replies offer states the
 * hardware would refuse. The kernel applies none of such a state: the
 * vCPU reports CAIRN_VM_INVALID with the reason and the state it kept
 * (the INIT state here, nothing of the host), and runs once it is given a
 * good one. With EFER.LME set and paging off, a MOV to CR4 exits.
 */
#define KTEST_AREA 8
#include "ktest.h"

#include <cairn/pd.h>

#define VCPU_STEPS 7

struct vcpu_seen {
    uint64_t event, why, rip, cr0, efer, cs_base, exit;
};

static struct {
    volatile unsigned n;
    struct vcpu_seen seen[VCPU_STEPS];
} vt;

/* What a VMM handler notes of each exit. */
static struct vcpu_seen vcpu_seen_of(const struct cairn_exc *x)
{
    return (struct vcpu_seen){ x->event, x->qual[0], x->rip, x->cr0, x->efer, x->cs.base, x->ctrl[1] };
}

/* Real-mode CS 0100 (base 0x1000), where the guest page holds HLT. */
#define VCPU_CS_HLT ((struct cairn_seg){ .sel = 0x100, .ar = 0x9b, .limit = 0xffff, .base = 0x1000 })

/* Each reply after the first offers the next bad state; the fifth a good
 * one: real mode at 0100:0000, where the guest page holds HLT. */
static void vcpu_vmm(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct cairn_exc *x = (struct cairn_exc *)u->mr;
    unsigned i = vt.n;
    uint64_t mtd = 0;

    if (i < VCPU_STEPS)
        vt.seen[i] = vcpu_seen_of(x);
    switch (i) {
    case 0: /* CR0.NW without CD */
        x->cr0 = 0x20000011, mtd = CAIRN_MTD_CR;
        break;
    case 1: /* an EFER bit no CPU has */
        x->efer = 1ull << 20, mtd = CAIRN_MTD_EFER_PAT;
        break;
    case 2: /* long mode with paging, without PAE */
        x->efer = 0x100, x->cr0 = 0x80000011, x->cr4 = 0, mtd = CAIRN_MTD_CR | CAIRN_MTD_EFER_PAT;
        break;
    case 3: /* an NMI vector injected as an exception */
        x->inj_info = 1u << 31 | 3u << 8 | 2, x->inj_error = 0, mtd = CAIRN_MTD_INJ;
        break;
    case 4:
        x->cs = VCPU_CS_HLT;
        x->rip = 0, mtd = CAIRN_MTD_CS_SS | CAIRN_MTD_RIP;
        break;
    case 5: /* EFER.LME with PAE, paging off, at a MOV to CR4 that clears PAE */
        x->efer = 0x100, x->cr4 = 0x20, x->rip = 0x10, x->rax = 0;
        mtd = CAIRN_MTD_CR | CAIRN_MTD_EFER_PAT | CAIRN_MTD_RIP | CAIRN_MTD_GPR_ACDB;
        break;
    default: /* keep it waiting until the test kills the VM */
        break;
    }
    vt.n = i + 1;
    u->untyped = u->typed = 0;
    cairn_reply(mtd);
}

/* A VM whose guest-physical page 1 is `ram`, one vCPU whose every event
 * goes to `vmm` on the root's handler h; its selector in *vm. */
static void vcpu_vm(struct cairn_ec *h, void (*vmm)(void *, struct cairn_utcb *, uint64_t),
                    uint8_t *ram, uint64_t *vm)
{
    uint64_t vcpu = kt_sel(), sc = kt_sel(), pt;
    unsigned cpu = (cairn_hip->features & CAIRN_HIP_F_VCPU_CPU0_OFF) ? 1 : 0;
    *vm = kt_sel();
    KT_OK(cairn_syscall(CAIRN_SYS_CREATE_PD, CAIRN_PD_F_VM, *vm, CAIRN_ROOT_SEL_PD, 5,
                        cairn_name_pack("t-vcpu"), 0, 0));
    /* guest-physical page 1, from the host frame (the root's own mapping
     * of it is not executable) */
    KT_OK(cairn_delegate(CAIRN_ROOT_SEL_PD, *vm,
                         CAIRN_CRD(CAIRN_CRD_MEM, cairn_page_phys(ram) >> 12, 0, CAIRN_MEM_RWX), 1,
                         CAIRN_DEL_F_HOST));
    KT_OK(cairn_handler_create(h, CAIRN_ROOT_SEL_PD, 0, vmm, 0));
    KT_OK(cairn_portal_create(&pt, h, CAIRN_MTD_VCPU_ALL, 0, 0));
    for (unsigned e = 0; e < CAIRN_VM_EVT_COUNT; e++)
        KT_OK(cairn_obj_delegate(*vm, pt, e, CAIRN_R_ALL));
    KT_OK(cairn_syscall6(CAIRN_SYS_RAX(CAIRN_SYS_CREATE_EC, CAIRN_EC_F_VCPU, cpu), vcpu, *vm, 0, 0,
                         0, 0, 0));
    KT_OK(cairn_create_sc(sc, CAIRN_ROOT_SEL_PD, vcpu, 1, KT_QUANTUM_US));
}

TEST(vcpu_state_refused)
{
    static struct cairn_ec h;
    uint64_t vm;
    uint8_t *ram = cairn_page_alloc(1);

    KT_CHECK(ram, "no memory");
    if (!kt_vcpus())
        return; /* create_vm_vcpu checks that VM PDs are refused */
    ram[0] = 0xf4; /* hlt */
    ram[0x10] = 0x0f, ram[0x11] = 0x22, ram[0x12] = 0xe0, ram[0x13] = 0xf4; /* mov %eax, %cr4; hlt */
    vcpu_vm(&h, vcpu_vmm, ram, &vm);
    KT_CHECK(KT_WAIT(vt.n >= VCPU_STEPS, 2000), "the vCPU stopped after %u events", vt.n);
    KT_OK(cairn_pd_kill(vm));

    KT_EQ(vt.seen[0].event, CAIRN_VM_STARTUP);
    static const uint64_t why[] = { CAIRN_VMREF_CR0, CAIRN_VMREF_EFER, CAIRN_VMREF_LONG,
                                    CAIRN_VMREF_INJ };
    for (unsigned i = 1; i <= 4; i++) {
        KT_EQ(vt.seen[i].event, CAIRN_VM_INVALID);
        KT_EQ(vt.seen[i].why, why[i - 1]);
        /* the state it kept: INIT's, none of the refused one */
        KT_EQ(vt.seen[i].rip, 0xfff0);
        KT_EQ(vt.seen[i].cr0, 0x60000010);
        KT_EQ(vt.seen[i].efer, 0);
        KT_EQ(vt.seen[i].cs_base, 0xffff0000);
    }
    KT_EQ(vt.seen[5].event, CAIRN_VM_HLT);
    KT_EQ(vt.seen[5].cs_base, 0x1000);
    KT_EQ(vt.seen[5].rip, 0);
    /* With LME set and paging off the kernel hands CR4 writes to the VMM
     * (QEMU stops the host at an exit from LME without PAE). */
    KT_EQ(vt.seen[6].event, CAIRN_VM_CR);
    KT_EQ(vt.seen[6].why, 4);
    KT_EQ(vt.seen[6].rip, 0x10);
}

/* VMX: what the kernel adapts or refuses beyond the common checks, and a
 * state only the CPU refuses (an unusable TR): the VM entry fails with
 * the host's state loaded, and the vCPU reports CAIRN_VMREF_HW from the
 * INIT state, then runs a good state. */
#define VMX_STEPS 4
static struct {
    volatile unsigned n;
    struct vcpu_seen seen[VMX_STEPS];
} vx;

static void vcpu_vmx_vmm(void *arg, struct cairn_utcb *u, uint64_t badge)
{
    struct cairn_exc *x = (struct cairn_exc *)u->mr;
    unsigned i = vx.n;
    uint64_t mtd = 0;

    if (i < VMX_STEPS)
        vx.seen[i] = vcpu_seen_of(x);
    switch (i) {
    case 0: /* a limit above 1 MiB that no granularity expresses */
        x->cs = (struct cairn_seg){ .sel = 0x100, .ar = 0x9b, .limit = 0x100000, .base = 0x1000 };
        x->rip = 0, mtd = CAIRN_MTD_CS_SS | CAIRN_MTD_RIP;
        break;
    case 1: /* no TR (VMX wants a usable one), and a code segment that ran */
        x->tr = (struct cairn_seg){ 0 };
        x->cs = VCPU_CS_HLT;
        x->rip = 0, mtd = CAIRN_MTD_TR | CAIRN_MTD_CS_SS | CAIRN_MTD_RIP;
        break;
    case 2: /* good: the HLT at 0100:0000 (an unaccessed data segment is fine) */
        x->cs = VCPU_CS_HLT;
        x->ds = (struct cairn_seg){ .sel = 0, .ar = 0x92, .limit = 0xffff, .base = 0 };
        x->rip = 0, mtd = CAIRN_MTD_CS_SS | CAIRN_MTD_RIP | CAIRN_MTD_DS_ES;
        break;
    default:
        break;
    }
    vx.n = i + 1;
    u->untyped = u->typed = 0;
    cairn_reply(mtd);
}

TEST(vcpu_vmx_refused)
{
    static struct cairn_ec h;
    uint64_t vm;
    uint8_t *ram = cairn_page_alloc(1);

    KT_CHECK(ram, "no memory");
    if (!(cairn_hip->features & CAIRN_HIP_F_VMX))
        return; /* SVM: vcpu_state_refused */
    ram[0] = 0xf4; /* hlt */
    vcpu_vm(&h, vcpu_vmx_vmm, ram, &vm);
    KT_CHECK(KT_WAIT(vx.n >= VMX_STEPS, 2000), "the vCPU stopped after %u events", vx.n);
    KT_OK(cairn_pd_kill(vm));

    KT_EQ(vx.seen[0].event, CAIRN_VM_STARTUP);
    KT_EQ(vx.seen[1].event, CAIRN_VM_INVALID);
    KT_EQ(vx.seen[1].why, CAIRN_VMREF_SEG);
    KT_EQ(vx.seen[1].cs_base, 0xffff0000); /* nothing of it applied */
    KT_EQ(vx.seen[2].event, CAIRN_VM_INVALID);
    KT_EQ(vx.seen[2].why, CAIRN_VMREF_HW);
    KT_EQ(vx.seen[2].rip, 0xfff0); /* back at INIT */
    KT_EQ(vx.seen[2].cs_base, 0xffff0000);
    KT_EQ(vx.seen[3].event, CAIRN_VM_HLT);
    KT_EQ(vx.seen[3].cs_base, 0x1000);
}
