/* ra configuration files (.rarc): RA_* variables ra honours. */
#ifndef ARGUS_RA_RARC_H
#define ARGUS_RA_RARC_H

#include <stddef.h>

struct ra_settings {
	const char *fields;  /* RA_FIELD_SPECIFIER: -s words, space separated */
	char separator;      /* RA_FIELD_DELIMITER */
	int unix_time;       /* RA_PRINT_UNIX_TIME / RA_TIME_FORMAT="%s" */
	int numeric;         /* RA_PRINT_HOSTNAMES=no */
};

/* Load PATH into the configuration store and read the RA_* settings. */
int ra_rarc_load(const char *path, struct ra_settings *s, char *err, size_t errlen);

#endif
