/* Daemon operation: detaching, the pid file, chroot and dropping
 * privileges.  Each returns 0 or -1 with the message in err. */
#ifndef ARGUS_CORE_DAEMON_H
#define ARGUS_CORE_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

/* Fork, setsid, fork again.  The caller's process waits and exits with the
 * status the daemon reports through argus_daemon_ready(); only the daemon
 * returns (with *ready_fd).  Errors it logs before then still reach the
 * terminal, as stderr is kept until it is ready. */
int argus_daemon_detach(int *ready_fd, char *err, size_t errlen);
/* Report STATUS (0 = running) to the waiting parent; when 0, also chdir /
 * and point stdin, stdout and stderr at /dev/null. */
void argus_daemon_ready(int ready_fd, int status);

/* DIR/argus.NAME.pid: refuse (-1) when it names a live process. */
int argus_pidfile_check(const char *path, char *err, size_t errlen);
/* Write our pid; keeps a handle on DIR so the file can be removed after a
 * chroot (if the user we run as may still write DIR). */
int argus_pidfile_write(const char *path, char *err, size_t errlen);
void argus_pidfile_remove(void);

struct argus_ids {
	int set_uid, set_gid;
	uid_t uid;
	gid_t gid;
};
/* Look the names up (before any chroot: /etc/passwd is outside it). */
int argus_ids_lookup(const char *user, const char *group, struct argus_ids *ids, char *err,
		     size_t errlen);
int argus_chroot(const char *dir, char *err, size_t errlen);
/* setgroups, setgid, setuid; checks that root cannot be regained. */
int argus_drop_privileges(const struct argus_ids *ids, char *err, size_t errlen);

#endif
