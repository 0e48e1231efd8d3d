/* The function table libargus hands to every plugin's init(). */
#ifndef ARGUS_CORE_HOST_H
#define ARGUS_CORE_HOST_H

#include <argus/plugin.h>

const struct argus_host *argus_host_get(void);

#endif
