/* Parser of the Argus 3 client commands. */
#include "config.h"

#include <string.h>

#include "remotecmd.h"

static int starts_with(const char *p, size_t n, const char *word, size_t w)
{
	return n >= w && memcmp(p, word, w) == 0;
}

static int is_separator(char c)
{
	return c == '\0' || c == ' ' || c == '\r' || c == '\n' || c == '\t';
}

enum argus_remote_cmd argus_remote_cmd_next(const char *buf, size_t len, size_t *used,
					    const char **arg, size_t *arglen)
{
	static const struct {
		const char *word;
		size_t len;
		enum argus_remote_cmd cmd;
	} words[] = {
		{"START:", 6, ARGUS_REMOTE_START},
		{"FILTER:", 7, ARGUS_REMOTE_FILTER},
		{"DONE:", 5, ARGUS_REMOTE_DONE},
	};
	size_t skip = 0;

	*arg = NULL;
	*arglen = 0;
	while (skip < len && is_separator(buf[skip]))
		skip++;
	*used = skip;
	buf += skip;
	len -= skip;
	if (len == 0)
		return ARGUS_REMOTE_NONE;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t end;

		if (!starts_with(buf, len, words[i].word, words[i].len)) {
			if (len < words[i].len && memcmp(buf, words[i].word, len) == 0)
				return ARGUS_REMOTE_NONE; /* the rest is on its way */
			continue;
		}
		end = words[i].len;
		if (words[i].cmd == ARGUS_REMOTE_FILTER) {
			while (end < len && buf[end] != '\n' && buf[end] != '\0')
				end++;
			*arg = buf + words[i].len;
			*arglen = end - words[i].len;
		}
		*used = skip + end;
		return words[i].cmd;
	}
	*used = skip;
	return ARGUS_REMOTE_GARBAGE;
}
