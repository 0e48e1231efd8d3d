/* Large allocations the flow table reads at random: taken from the system
 * directly and marked for transparent huge pages where the kernel allows,
 * so a table of hundreds of megabytes costs few TLB misses (on a virtual
 * machine each miss is a two-level page walk).  Memory is committed as it
 * is touched, in huge pages or small ones; nothing here changes results. */
#ifndef ARGUS_CORE_HUGEMEM_H
#define ARGUS_CORE_HUGEMEM_H

#include <stddef.h>

/* SIZE bytes of zeroed memory; below 2 MiB plain calloc.  NULL if out of
 * memory.  Free with argus_hugemem_free and the same size. */
void *argus_hugemem_alloc(size_t size);
void argus_hugemem_free(void *p, size_t size);

/* Address space for up to SIZE bytes (2 MiB or more), committed page by
 * page as it is first touched (zeroed); NULL when SIZE is smaller or the
 * system will not reserve it (the caller then allocates piecemeal).  Free
 * with argus_hugemem_free and the same size. */
void *argus_hugemem_reserve(size_t size);

#endif
