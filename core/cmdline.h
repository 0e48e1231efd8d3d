/* Command-line helpers shared by argus and ra. */
#ifndef ARGUS_CORE_CMDLINE_H
#define ARGUS_CORE_CMDLINE_H

/* The expression after the options ("argus ... - ip and not icmp"): the
 * words from FIRST on, after an optional lone "-", joined by spaces.
 * *out is NULL when there are none.  Returns -1 if out of memory. */
int argus_trailing_expression(int argc, char **argv, int first, char **out);

#endif
