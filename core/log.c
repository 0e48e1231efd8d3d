/* Messages: "PROGRAM: text" on stderr, or syslog once the monitor detached. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <argus/plugin.h>

#include "log.h"

static const char *log_program = "argus";
static int log_level = ARGUS_LOG_WARNING;
static int log_syslog, log_opened;

void argus_log_set_program(const char *name)
{
	const char *slash = strrchr(name, '/');
	log_program = slash ? slash + 1 : name;
	/* libtool's uninstalled wrappers run "lt-ra" */
	if (strncmp(log_program, "lt-", 3) == 0)
		log_program += 3;
}

const char *argus_log_program(void) { return log_program; }

void argus_log_set_level(int level) { log_level = level; }

void argus_log_open_syslog(void)
{
	/* connect now: after a chroot /dev/log may be out of reach */
	if (!log_opened)
		openlog(log_program, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_opened = 1;
}

void argus_log_use_syslog(int on)
{
	if (on)
		argus_log_open_syslog();
	log_syslog = on;
}

void argus_vlog(int level, const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024];

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_syslog) {
		static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
		int p = level >= 0 && level <= 3 ? prio[level] : LOG_DEBUG;
		if (prefix)
			syslog(p, "%s: %s", prefix, msg);
		else
			syslog(p, "%s", msg);
		return;
	}
	if (prefix)
		fprintf(stderr, "%s: %s: %s\n", log_program, prefix, msg);
	else
		fprintf(stderr, "%s: %s\n", log_program, msg);
}

void argus_log(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	argus_vlog(level, NULL, fmt, ap);
	va_end(ap);
}

void argus_log_plugin(const char *plugin, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	argus_vlog(level, plugin, fmt, ap);
	va_end(ap);
}
