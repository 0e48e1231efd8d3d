/* Interface lists for live capture. */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "ifspec.h"

/* Devices libpcap lists that carry no network traffic of interest. */
static int is_pseudo_device(const char *name)
{
	static const char *const prefixes[] = {"any", "nflog", "nfqueue", "usbmon", "dbus",
					       "bluetooth", "dummy"};

	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

static int add_entry(struct argus_ifspec *list, size_t *n, const char *name, size_t name_len,
		     const char *tag, size_t tag_len, char *err, size_t errlen)
{
	struct argus_ifspec *e;

	if (*n == ARGUS_IFSPEC_MAX) {
		snprintf(err, errlen, "at most %d interfaces", ARGUS_IFSPEC_MAX);
		return -1;
	}
	if (name_len == 0) {
		snprintf(err, errlen, "an interface name is missing");
		return -1;
	}
	if (name_len >= sizeof list->name || tag_len >= sizeof list->srcid) {
		snprintf(err, errlen, "interface name or source id too long");
		return -1;
	}
	e = &list[(*n)++];
	memcpy(e->name, name, name_len);
	e->name[name_len] = '\0';
	memcpy(e->srcid, tag, tag_len);
	e->srcid[tag_len] = '\0';
	return 0;
}

int argus_ifspec_parse(const char *text, struct argus_ifspec *list, size_t *n, char *err,
		       size_t errlen)
{
	const char *p = text;
	size_t first = *n;
	int group = 0;

	if (strncmp(p, "ind:", 4) == 0) {
		p += 4;
	} else if (strncmp(p, "bond:", 5) == 0 || strncmp(p, "dup:", 4) == 0) {
		p = strchr(p, ':') + 1;
		group = 1;
	}
	for (;;) {
		const char *name, *tag = "";
		size_t name_len, tag_len = 0;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		name = p;
		while (*p && *p != '/' && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		name_len = (size_t)(p - name);
		if (*p == '/') {
			p++;
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				tag = p;
				while (*p && *p != q)
					p++;
				if (!*p) {
					snprintf(err, errlen, "'%s': the quoted source id is not closed",
						 text);
					return -1;
				}
				tag_len = (size_t)(p - tag);
				p++;
			} else {
				tag = p;
				while (*p && *p != ',' && *p != ' ' && *p != '\t')
					p++;
				tag_len = (size_t)(p - tag);
			}
			if (tag_len == 0) {
				snprintf(err, errlen, "'%s': empty source id after '/'", text);
				return -1;
			}
		}
		if (add_entry(list, n, name, name_len, tag, tag_len, err, errlen) != 0) {
			char why[128];
			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "'%s': %s", text, why);
			return -1;
		}
	}
	if (*n == first) {
		snprintf(err, errlen, "'%s': no interface named", text);
		return -1;
	}
	if (group)
		for (size_t i = first; i + 1 < *n; i++)
			memcpy(list[i].srcid, list[*n - 1].srcid, sizeof list[i].srcid);
	return 0;
}

int argus_ifspec_resolve(struct argus_ifspec *list, size_t *n, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct argus_ifspec out[ARGUS_IFSPEC_MAX];
	pcap_if_t *devs = NULL;
	size_t n_out = 0;
	int need_devs = *n == 0;

	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i].name, "all") == 0)
			need_devs = 1;
	if (!need_devs)
		return 0;
	if (pcap_findalldevs(&devs, perr) != 0) {
		snprintf(err, errlen, "listing the interfaces: %s", perr);
		return -1;
	}
	if (*n == 0) {
		for (pcap_if_t *d = devs; d; d = d->next) {
			if (is_pseudo_device(d->name) || (d->flags & PCAP_IF_LOOPBACK) ||
			    !(d->flags & PCAP_IF_UP) || !(d->flags & PCAP_IF_RUNNING))
				continue;
			add_entry(list, n, d->name, strlen(d->name), "", 0, err, errlen);
			break;
		}
		pcap_freealldevs(devs);
		if (*n == 0) {
			snprintf(err, errlen, "no interface is up and running: name one with -i");
			return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < *n; i++) {
		if (strcmp(list[i].name, "all") != 0) {
			if (n_out == ARGUS_IFSPEC_MAX)
				goto too_many;
			out[n_out++] = list[i];
			continue;
		}
		for (pcap_if_t *d = devs; d; d = d->next) {
			if (is_pseudo_device(d->name) || (d->flags & PCAP_IF_LOOPBACK) ||
			    !(d->flags & PCAP_IF_UP) || !(d->flags & PCAP_IF_RUNNING))
				continue;
			if (n_out == ARGUS_IFSPEC_MAX)
				goto too_many;
			if (add_entry(out, &n_out, d->name, strlen(d->name), list[i].srcid,
				      strlen(list[i].srcid), err, errlen) != 0)
				goto fail;
		}
	}
	pcap_freealldevs(devs);
	if (n_out == 0) {
		snprintf(err, errlen, "'all': no interface is up and running");
		return -1;
	}
	memcpy(list, out, n_out * sizeof *out);
	*n = n_out;
	return 0;
too_many:
	snprintf(err, errlen, "at most %d interfaces", ARGUS_IFSPEC_MAX);
fail:
	pcap_freealldevs(devs);
	return -1;
}
