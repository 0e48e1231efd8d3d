/* services: TCP and UDP port names read once (see services.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"

#define ENTRY_BUF_MIN 1024u
#define ENTRY_BUF_MAX (1024u * 1024u)
#define SLOTS_MIN 1024u

/* Open addressing on proto << 16 | port, at most half full: most look-ups
 * are for unnamed client ports and end at the first or second slot.  A few
 * KiB for a stock /etc/services (a table per port would touch a page per
 * look-up of a new port, and page faults are what getservbyport cost). */
struct services_slot {
	uint32_t key;	  /* proto << 16 | port, plus one; 0: empty */
	uint32_t name_at; /* offset of the name in names */
};

struct services_table {
	struct services_slot *slots;
	size_t nslots, used; /* nslots a power of two */
	char *names;
	size_t names_len, names_cap;
};

static struct services_table *table;
static int table_unreadable; /* out of memory while reading: no names */

static uint32_t key_of(unsigned proto, unsigned port)
{
	return ((uint32_t)proto << 16 | (port & 0xffffu)) + 1;
}

static size_t slot_of(uint32_t key, size_t nslots)
{
	uint32_t h = key * 0x9e3779b1u;

	return (size_t)(h ^ h >> 16) & (nslots - 1);
}

static struct services_slot *find_slot(const struct services_table *t, uint32_t key)
{
	size_t i = slot_of(key, t->nslots);

	while (t->slots[i].key && t->slots[i].key != key)
		i = (i + 1) & (t->nslots - 1);
	return &t->slots[i];
}

static int grow_slots(struct services_table *t)
{
	size_t n = t->nslots ? 2 * t->nslots : SLOTS_MIN, i;
	struct services_slot *old = t->slots;
	size_t old_n = t->nslots;

	t->slots = calloc(n, sizeof *t->slots);
	if (!t->slots) {
		t->slots = old;
		return -1;
	}
	t->nslots = n;
	for (i = 0; i < old_n; i++)
		if (old[i].key)
			*find_slot(t, old[i].key) = old[i];
	free(old);
	return 0;
}

static int add_name(struct services_table *t, uint32_t key, const char *name)
{
	size_t n = strlen(name) + 1;
	struct services_slot *slot;

	if (2 * (t->used + 1) > t->nslots && grow_slots(t) != 0)
		return -1;
	slot = find_slot(t, key);
	if (slot->key)
		return 0; /* the first entry for a port wins */
	if (t->names_len + n > UINT32_MAX)
		return -1;
	if (t->names_len + n > t->names_cap) {
		size_t cap = t->names_cap ? 2 * t->names_cap : 4096;
		char *grown;

		while (cap < t->names_len + n)
			cap *= 2;
		grown = realloc(t->names, cap);
		if (!grown)
			return -1;
		t->names = grown;
		t->names_cap = cap;
	}
	memcpy(t->names + t->names_len, name, n);
	slot->key = key;
	slot->name_at = (uint32_t)t->names_len;
	t->names_len += n;
	t->used++;
	return 0;
}

static void free_table(struct services_table *t)
{
	if (t) {
		free(t->slots);
		free(t->names);
	}
	free(t);
}

/* Walk the services database into a new table; NULL when out of memory. */
static struct services_table *read_table(void)
{
	struct services_table *t = calloc(1, sizeof *t);
	size_t buflen = ENTRY_BUF_MIN;
	char *buf = malloc(buflen);
	int ok = t && buf && grow_slots(t) == 0, opened = ok;

	if (opened)
		setservent(0);
	while (ok) {
		struct servent se, *res = NULL;
		int rc = getservent_r(&se, buf, buflen, &res);
		unsigned proto;

		if (rc == ERANGE && buflen < ENTRY_BUF_MAX) {
			/* the same entry is read again with room for it */
			char *grown = realloc(buf, 2 * buflen);

			if (!grown) {
				ok = 0;
				break;
			}
			buf = grown;
			buflen *= 2;
			continue;
		}
		if (rc != 0 || !res)
			break;
		if (!res->s_name || !res->s_proto)
			continue;
		if (strcmp(res->s_proto, "tcp") == 0)
			proto = 6;
		else if (strcmp(res->s_proto, "udp") == 0)
			proto = 17;
		else
			continue;
		if (add_name(t, key_of(proto, ntohs((uint16_t)res->s_port)), res->s_name) != 0)
			ok = 0;
	}
	if (opened)
		endservent();
	free(buf);
	if (!ok) {
		free_table(t);
		return NULL;
	}
	return t;
}

const char *argus_service_name(unsigned proto, unsigned port)
{
	const struct services_slot *slot;

	if (!table && !table_unreadable) {
		table = read_table();
		table_unreadable = table == NULL;
	}
	if (!table || port > 0xffffu || (proto != 6 && proto != 17))
		return NULL;
	slot = find_slot(table, key_of(proto, port));
	return slot->key ? table->names + slot->name_at : NULL;
}

void argus_services_release(void)
{
	free_table(table);
	table = NULL;
	table_unreadable = 0;
}
