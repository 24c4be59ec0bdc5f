/* Root PD: built from the first boot module. */
#pragma once

void root_create(void);
