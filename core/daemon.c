/* Daemon operation: detach, pid file, chroot, privilege drop. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <argus/plugin.h>

#include "daemon.h"
#include "log.h"

static int pid_dirfd = -1;
static char pid_name[256];

int argus_daemon_detach(int *ready_fd, char *err, size_t errlen)
{
	int fds[2];
	pid_t pid;
	struct sigaction hup, ign;

	if (pipe(fds) != 0) {
		snprintf(err, errlen, "-d: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "-d: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid > 0) {
		/* the caller's process: wait for the daemon's verdict */
		unsigned char status = 1;
		ssize_t n;
		close(fds[1]);
		waitpid(pid, NULL, 0); /* the intermediate child */
		do
			n = read(fds[0], &status, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1) {
			fprintf(stderr, "%s: the daemon ended before it was running\n",
				argus_log_program());
			status = 1;
		}
		_exit(status);
	}
	close(fds[0]);
	if (setsid() < 0) {
		snprintf(err, errlen, "-d: setsid: %s", strerror(errno));
		close(fds[1]);
		return -1;
	}
	/* the session leader's exit may send a SIGHUP: ignore it meanwhile */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGHUP, &ign, &hup);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "-d: fork: %s", strerror(errno));
		close(fds[1]);
		return -1;
	}
	if (pid > 0)
		_exit(0);
	/* the daemon: no session leader, so it never gains a terminal */
	sigaction(SIGHUP, &hup, NULL);
	*ready_fd = fds[1];
	return 0;
}

void argus_daemon_ready(int ready_fd, int status)
{
	unsigned char b = (unsigned char)status;
	int null;

	if (status == 0) {
		if (chdir("/") != 0)
			argus_log(ARGUS_LOG_WARNING, "chdir /: %s", strerror(errno));
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			if (null > STDERR_FILENO)
				close(null);
		} else {
			/* chroot without /dev/null: just close them */
			close(STDIN_FILENO);
			close(STDOUT_FILENO);
			close(STDERR_FILENO);
		}
	}
	fflush(stderr);
	if (write(ready_fd, &b, 1) != 1)
		argus_log(ARGUS_LOG_WARNING, "-d: cannot report to the parent: %s", strerror(errno));
	close(ready_fd);
}

static int split_path(const char *path, char *dir, size_t dirlen, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, dirlen, ".");
		*base = path;
	} else if (slash == path) {
		snprintf(dir, dirlen, "/");
		*base = slash + 1;
	} else {
		if ((size_t)(slash - path) >= dirlen)
			return -1;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		*base = slash + 1;
	}
	return **base ? 0 : -1;
}

int argus_pidfile_check(const char *path, char *err, size_t errlen)
{
	char buf[32];
	FILE *f = fopen(path, "r");
	long pid;
	char *end;

	if (!f)
		return 0;
	if (!fgets(buf, sizeof buf, f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno || end == buf || pid <= 1 || pid > INT_MAX || pid == (long)getpid())
		return 0; /* stale or not ours: replaced */
	if (kill((pid_t)pid, 0) == 0 || errno == EPERM) {
		snprintf(err, errlen, "%s: argus already running as process %ld", path, pid);
		return -1;
	}
	return 0;
}

int argus_pidfile_write(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX], line[32];
	const char *base;
	int fd, len;

	if (split_path(path, dir, sizeof dir, &base) != 0 || strlen(base) >= sizeof pid_name) {
		snprintf(err, errlen, "%s: not a pid file name", path);
		return -1;
	}
	if (argus_pidfile_check(path, err, errlen) != 0)
		return -1;
	pid_dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pid_dirfd < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	fd = openat(pid_dirfd, base, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(pid_dirfd);
		pid_dirfd = -1;
		return -1;
	}
	len = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	if (write(fd, line, (size_t)len) != len || close(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlinkat(pid_dirfd, base, 0);
		close(pid_dirfd);
		pid_dirfd = -1;
		return -1;
	}
	snprintf(pid_name, sizeof pid_name, "%s", base);
	return 0;
}

void argus_pidfile_remove(void)
{
	if (pid_dirfd < 0)
		return;
	if (unlinkat(pid_dirfd, pid_name, 0) != 0 && errno != ENOENT)
		argus_log(ARGUS_LOG_WARNING, "cannot remove the pid file %s: %s", pid_name,
			  strerror(errno));
	close(pid_dirfd);
	pid_dirfd = -1;
}

int argus_ids_lookup(const char *user, const char *group, struct argus_ids *ids, char *err,
		     size_t errlen)
{
	memset(ids, 0, sizeof *ids);
	if (user) {
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen, "-u: no user '%s'", user);
			return -1;
		}
		ids->set_uid = ids->set_gid = 1;
		ids->uid = pw->pw_uid;
		ids->gid = pw->pw_gid;
	}
	if (group) {
		struct group *gr = getgrnam(group);
		if (!gr) {
			snprintf(err, errlen, "-g: no group '%s'", group);
			return -1;
		}
		ids->set_gid = 1;
		ids->gid = gr->gr_gid;
	}
	return 0;
}

int argus_chroot(const char *dir, char *err, size_t errlen)
{
	if (chroot(dir) != 0 || chdir("/") != 0) {
		snprintf(err, errlen, "-c %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int argus_drop_privileges(const struct argus_ids *ids, char *err, size_t errlen)
{
	if (ids->set_gid) {
		if (setgroups(1, &ids->gid) != 0 || setgid(ids->gid) != 0) {
			snprintf(err, errlen, "cannot change to group %ld: %s", (long)ids->gid,
				 strerror(errno));
			return -1;
		}
	}
	if (ids->set_uid) {
		if (setuid(ids->uid) != 0) {
			snprintf(err, errlen, "cannot change to user %ld: %s", (long)ids->uid,
				 strerror(errno));
			return -1;
		}
		if (ids->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
			snprintf(err, errlen, "user %ld could regain root: refusing to run",
				 (long)ids->uid);
			return -1;
		}
	}
	if (ids->set_gid && ids->gid != 0 && ids->set_uid && ids->uid != 0 &&
	    (setgid(0) == 0 || setegid(0) == 0)) {
		snprintf(err, errlen, "group %ld could regain root's group: refusing to run",
			 (long)ids->gid);
		return -1;
	}
	return 0;
}
