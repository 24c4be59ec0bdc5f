/* ACPI (x86_64): what the kernel reads from the firmware tables. */
#pragma once

#include <stdint.h>

/* CPUs the MADT lists as enabled; 0 if there is no usable MADT.
 * Tables must lie below max_phys (inside the direct map). */
unsigned acpi_cpu_count(uint64_t max_phys);
