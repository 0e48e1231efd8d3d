/* Command-line helpers shared by argus and ra. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

int argus_trailing_expression(int argc, char **argv, int first, char **out)
{
	size_t len = 1;
	char *s;

	*out = NULL;
	if (first < argc && strcmp(argv[first], "-") == 0)
		first++;
	if (first >= argc)
		return 0;
	for (int i = first; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return -1;
	for (int i = first; i < argc; i++) {
		if (i > first)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	*out = s;
	return 0;
}
