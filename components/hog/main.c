/*
 * hog: takes RAM from its PD session in 64 KiB steps until core refuses
 * with CAIRN_EQUOTA, to show that exhausting the quota is an error code
 * to the component, not a crash.
 */
#include <cairn/fmt.h>
#include <cairn/heap.h>
#include <cairn/log.h>
#include <cairn/runtime.h>
#include <string.h>

#define HOG_STEP (64u * 1024u)

int main(const struct cairn_hip *hip, struct cairn_utcb *utcb)
{
    uint64_t st, total = 0;
    void *p;

    cairn_log_init("hog");
    printf("RAM quota %lu KiB, taking it in %u KiB steps\n", cairn_env->ram_quota >> 10,
           HOG_STEP >> 10);
    while ((st = cairn_pd_ram(HOG_STEP, &p)) == CAIRN_OK) {
        memset(p, 0xa5, HOG_STEP); /* the RAM is really there */
        total += HOG_STEP;
    }
    if (st != CAIRN_EQUOTA) {
        printf("error: PD_RAM failed with %s after %lu KiB, expected EQUOTA\n",
               cairn_status_name(st), total >> 10);
        return 1;
    }
    printf("RAM quota exhausted after %lu KiB\n", total >> 10);
    printf("still alive\n");
    return 0;
}
