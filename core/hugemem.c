/* Large allocations in huge pages where the kernel allows (hugemem.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "hugemem.h"

#define HUGE_PAGE ((size_t)2 << 20)

static size_t round_up(size_t size)
{
	return (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

static void *map(size_t size, int flags)
{
	void *p = mmap(NULL, round_up(size), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, round_up(size), MADV_HUGEPAGE); /* advice only */
#endif
	return p;
}

void *argus_hugemem_alloc(size_t size)
{
	return size < HUGE_PAGE ? calloc(1, size) : map(size, 0);
}

void *argus_hugemem_reserve(size_t size)
{
	if (size < HUGE_PAGE)
		return NULL;
#ifdef MAP_NORESERVE
	return map(size, MAP_NORESERVE);
#else
	return map(size, 0);
#endif
}

void argus_hugemem_free(void *p, size_t size)
{
	if (!p)
		return;
	if (size < HUGE_PAGE)
		free(p);
	else
		munmap(p, round_up(size));
}
