/* Kernel objects: the common header of PD, EC, SC, PT and SM. */
#pragma once

#include <stdint.h>

enum kobj_type { KOBJ_NONE = 0, KOBJ_PD, KOBJ_EC, KOBJ_SC, KOBJ_PT, KOBJ_SM };

struct kobj {
    uint8_t type;
};
