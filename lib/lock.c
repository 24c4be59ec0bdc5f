/* Locks between the ECs of one component (cairn/lock.h). */
#include <cairn/lock.h>
#include <cairn/runtime.h>
#include <cairn/sel.h>
#include <cairn/sys.h>

struct cairn_lock cairn_log_lock, cairn_heap_lock;

uint64_t cairn_lock_init(struct cairn_lock *l)
{
    uint64_t sel = cairn_sel_alloc(0), st = CAIRN_ENOMEM;
    if (sel && (st = cairn_create_sm(sel, cairn_self_pd(), 1)) == CAIRN_OK)
        l->sm = sel;
    return st;
}

void cairn_lock_take(struct cairn_lock *l)
{
    if (l->sm)
        while (cairn_sm_down(l->sm, 0) != CAIRN_OK)
            ;
}

void cairn_lock_give(struct cairn_lock *l)
{
    if (l->sm)
        cairn_sm_up(l->sm);
}
