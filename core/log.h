/* Messages to stderr (or syslog when detached): "PROGRAM: text". */
#ifndef ARGUS_CORE_LOG_H
#define ARGUS_CORE_LOG_H

#include <stdarg.h>

void argus_log_set_program(const char *name);
const char *argus_log_program(void);
/* Highest level printed (ARGUS_LOG_ERROR .. ARGUS_LOG_DEBUG); default WARNING. */
void argus_log_set_level(int level);
/* Messages go to syslog (facility daemon) from now on, or stderr again. */
void argus_log_use_syslog(int on);
/* Connect to syslog without using it yet (before a chroot). */
void argus_log_open_syslog(void);

void argus_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argus_vlog(int level, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Host function for plugins: "PROGRAM: PLUGIN: text". */
void argus_log_plugin(const char *plugin, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
