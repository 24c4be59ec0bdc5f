/*
 * Child PDs running the root's image.
 */
#include <cairn/pd.h>

#include <cairn/mem.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

uint64_t cairn_pd_create(uint64_t *pd, const char *name, unsigned cap_order)
{
    uint64_t sel = cairn_sel_alloc(0);

    *pd = 0;
    if (!sel)
        return CAIRN_ENOMEM;
    uint64_t st = cairn_create_pd(sel, CAIRN_ROOT_SEL_PD, cap_order, name);
    if (st == CAIRN_OK)
        *pd = sel;
    return st;
}

static uint64_t pd_share_range(uint64_t pd, const char *start, const char *end, unsigned rights)
{
    if (end <= start)
        return CAIRN_OK;
    return cairn_mem_share(pd, start, (size_t)(end - start), rights, (uintptr_t)start);
}

uint64_t cairn_pd_share_image(uint64_t pd, unsigned flags)
{
    uint64_t st = pd_share_range(pd, __text_start, __text_end, CAIRN_MEM_R | CAIRN_MEM_X);

    if (st == CAIRN_OK)
        st = pd_share_range(pd, __rodata_start, __rodata_end, CAIRN_MEM_R);
    if (st == CAIRN_OK && (flags & CAIRN_PD_SHARE_DATA))
        st = pd_share_range(pd, __data_start, __bss_end, CAIRN_MEM_R | CAIRN_MEM_W);
    return st;
}

uint64_t cairn_obj_delegate(uint64_t dst_pd, uint64_t sel, uint64_t dst_sel, unsigned rights)
{
    return cairn_delegate(CAIRN_ROOT_SEL_PD, dst_pd, CAIRN_CRD(CAIRN_CRD_OBJ, sel, 0, rights),
                          dst_sel, 0);
}
