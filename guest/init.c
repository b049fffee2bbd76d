// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal static PID-1 init for QEMU test guests.
 *
 * Mounts the usual pseudo file systems, reads harness.* options from
 * /proc/cmdline, runs the tests listed in the tests file one by one with a
 * timeout and reports on the console with "# harness: ..." lines, then powers
 * off.  harness.timeout_scale=N multiplies the timeouts, and those of the
 * kselftests' own test cases (KSFT_TIMEOUT_SCALE).  When not running as PID 1
 * it mounts nothing, takes an optional tests file path as argv[1], and exits 0
 * if every test exited 0, else 1.
 *
 * Tests file, one entry a line ('#' comments and blank lines ignored):
 *	NAME TIMEOUT_SECONDS COMMAND [ARGS...]	(timeout 0: none)
 *	sysctl PATH VALUE			(PATH with dots or slashes)
 *	write FILE VALUE			(VALUE is the rest of the line)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define MAX_ARGS	32
#define LINE_LEN	4096
#define KILL_GRACE_MS	10000
#define WS		" \t\r\n"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int is_init;
static int want_shell;
static long timeout_scale = 1;
static char tests_path[LINE_LEN] = "/etc/harness/tests";
static sigset_t chld_set, orig_set;

static const struct mnt {
	const char *src, *dir, *type, *data;
	unsigned long flags;
} mounts[] = {
	{ "proc", "/proc", "proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs", "/sys", "sysfs", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "devtmpfs", "/dev", "devtmpfs", "mode=0755", MS_NOSUID },
	{ "debugfs", "/sys/kernel/debug", "debugfs", NULL, MS_NOSUID | MS_NODEV },
	{ "tmpfs", "/tmp", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV },
	{ "tmpfs", "/run", "tmpfs", "mode=0755", MS_NOSUID | MS_NODEV },
	{ "tmpfs", "/dev/shm", "tmpfs", "mode=1777", MS_NOSUID | MS_NODEV },
	{ "devpts", "/dev/pts", "devpts", "mode=0620,ptmxmode=0666", MS_NOSUID | MS_NOEXEC },
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void init_system(void)
{
	const struct mnt *m;
	int fd;

	for (m = mounts; m < mounts + ARRAY_SIZE(mounts); m++) {
		if (mkdir(m->dir, 0755) && errno != EEXIST) {
			printf("# harness: mkdir %s: %s\n", m->dir, strerror(errno));
			continue;
		}
		if (mount(m->src, m->dir, m->type, m->flags, m->data) && errno != EBUSY)
			printf("# harness: mount %s: %s\n", m->dir, strerror(errno));
	}

	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	if (chdir("/"))
		printf("# harness: chdir /: %s\n", strerror(errno));
}

/* Return the value of "key=value" in @tok, or NULL if @tok is not @key. */
static const char *opt_val(const char *tok, const char *key)
{
	size_t n = strlen(key);

	return !strncmp(tok, key, n) && tok[n] == '=' ? tok + n + 1 : NULL;
}

static void parse_cmdline(void)
{
	char buf[LINE_LEN], *tok, *save;
	const char *v;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';

	for (tok = strtok_r(buf, WS, &save); tok; tok = strtok_r(NULL, WS, &save)) {
		v = opt_val(tok, "harness.tests");
		if (v)
			snprintf(tests_path, sizeof(tests_path), "%s", v);
		v = opt_val(tok, "harness.shell");
		if (v)
			want_shell = atoi(v) != 0;
		v = opt_val(tok, "harness.timeout_scale");
		if (v)
			timeout_scale = atol(v) > 0 ? atol(v) : 1;
	}
	/* kselftest_harness.h programs scale their per-test timeouts too */
	if (timeout_scale > 1) {
		snprintf(buf, sizeof(buf), "%ld", timeout_scale);
		setenv("KSFT_TIMEOUT_SCALE", buf, 1);
	}
}

static void finish(int status, int done)
{
	sync();
	if (done)
		printf("# harness: done\n");
	fflush(stdout);
	if (!is_init)
		exit(status);
	reboot(RB_POWER_OFF);
	printf("# harness: error: reboot: %s\n", strerror(errno));
	for (;;)
		pause();
}

/* Reap every exited child (PID 1 inherits orphans); return 1 if @pid was one. */
static int reap(pid_t pid, int *status)
{
	int st, found = 0;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == pid) {
			*status = st;
			found = 1;
		}
	}
	return found;
}

/* Wait up to @ms milliseconds (0: forever) for @pid; 0 once reaped, -1 on timeout. */
static int wait_child(pid_t pid, long long ms, int *status)
{
	long long end = now_ms() + ms, left;
	struct timespec ts;

	for (;;) {
		if (reap(pid, status))
			return 0;
		left = ms ? end - now_ms() : 1000;
		if (left <= 0)
			return -1;
		if (left > 1000)
			left = 1000;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		sigtimedwait(&chld_set, NULL, &ts);
	}
}

/* In the child: own session, stdin /dev/null, cwd = directory of the command. */
static void child_exec(char **argv)
{
	char dir[LINE_LEN], path[LINE_LEN];
	const char *slash = strrchr(argv[0], '/');
	int fd;

	sigprocmask(SIG_SETMASK, &orig_set, NULL);
	setsid();
	fd = open("/dev/null", O_RDONLY);
	if (fd > 0) {
		dup2(fd, 0);
		close(fd);
	}
	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - argv[0]), argv[0]);
		if (chdir(slash == argv[0] ? "/" : dir))
			fprintf(stderr, "# harness: chdir %s: %s\n", dir, strerror(errno));
		snprintf(path, sizeof(path), "./%s", slash + 1);
		execv(path, argv);
	} else {
		execvp(argv[0], argv);
	}
	fprintf(stderr, "# harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Run one test; return 0 if it exited with status 0. */
static int run_test(const char *name, long secs, char **argv)
{
	long long start = now_ms(), ms = (long long)secs * timeout_scale * 1000;
	char res[64];
	int st = 0, ok = 0;
	pid_t pid;

	printf("# harness: begin %s\n", name);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child_exec(argv);
	if (pid < 0) {
		snprintf(res, sizeof(res), "error:fork");
	} else if (wait_child(pid, ms, &st)) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		if (wait_child(pid, KILL_GRACE_MS, &st))
			printf("# harness: warning: %s survived SIGKILL\n", name);
		snprintf(res, sizeof(res), "timeout:%lld", ms / 1000);
	} else if (WIFEXITED(st)) {
		snprintf(res, sizeof(res), "exited:%d", WEXITSTATUS(st));
		ok = WEXITSTATUS(st) == 0;
	} else {
		snprintf(res, sizeof(res), "signal:%d", WTERMSIG(st));
	}
	if (pid > 0)
		kill(-pid, SIGKILL);	/* leftovers in the test's session */
	printf("# harness: end %s status=%s time_ms=%lld\n", name, res, now_ms() - start);
	return !ok;
}

/* "sysctl PATH VALUE" / "write FILE VALUE"; strtok() is positioned after the keyword. */
static void do_write(const char *kind, int lineno)
{
	char path[LINE_LEN], *file = strtok(NULL, WS), *val = strtok(NULL, "\r\n"), *p;
	int fd, sysctl = !strcmp(kind, "sysctl"), err = 0;

	while (val && (*val == ' ' || *val == '\t'))
		val++;
	if (!file || !val || !*val) {
		printf("# harness: error: line %d: %s needs a path and a value\n", lineno, kind);
		return;
	}
	for (p = val + strlen(val); p[-1] == ' ' || p[-1] == '\t'; p--)
		p[-1] = '\0';	/* stops at val[0], which is not blank */
	snprintf(path, sizeof(path), "%s%s", sysctl ? "/proc/sys/" : "", file);
	for (p = path; sysctl && !strchr(file, '/') && *p; p++)
		if (*p == '.')
			*p = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	printf("# harness: write %s %s: %s%s\n", path, val, err ? "error: " : "ok",
	       err ? strerror(err) : "");
}

static int is_test(const char *tok)
{
	return tok && *tok != '#' && strcmp(tok, "sysctl") && strcmp(tok, "write");
}

static int count_tests(FILE *f)
{
	char line[LINE_LEN];
	int n = 0;

	while (fgets(line, sizeof(line), f))
		n += is_test(strtok(line, WS));
	rewind(f);
	return n;
}

/* Run every entry of the tests file; return the number of failed tests. */
static int run_file(FILE *f)
{
	char line[LINE_LEN], *argv[MAX_ARGS + 2], *name, *tmo, *tok, *end;
	int fails = 0, lineno = 0, argc;
	long secs;

	while (fgets(line, sizeof(line), f)) {
		lineno++;
		name = strtok(line, WS);
		if (!name || *name == '#')
			continue;
		if (!is_test(name)) {
			do_write(name, lineno);
			continue;
		}
		tmo = strtok(NULL, WS);
		argc = 0;
		while ((tok = strtok(NULL, WS)) && argc <= MAX_ARGS)
			argv[argc++] = tok;
		argv[argc] = NULL;
		secs = tmo ? strtol(tmo, &end, 10) : -1;
		if (!tmo || *end || secs < 0 || !argc || tok) {
			printf("# harness: begin %s\n", name);
			printf("# harness: error: line %d: bad test line (max %d args)\n",
			       lineno, MAX_ARGS);
			printf("# harness: end %s status=error:malformed time_ms=0\n", name);
			fails++;
			continue;
		}
		fails += run_test(name, secs, argv);
	}
	return fails;
}

static void run_shell(void)
{
	int st;
	pid_t pid;

	if (access("/bin/sh", X_OK)) {
		printf("# harness: error: /bin/sh: %s\n", strerror(errno));
		finish(1, 0);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &orig_set, NULL);
		setsid();
		execl("/bin/sh", "sh", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		wait_child(pid, 0, &st);
	finish(0, 1);
}

int main(int argc, char **argv)
{
	struct utsname u;
	FILE *f;
	int fails;

	setvbuf(stdout, NULL, _IOLBF, 0);
	is_init = getpid() == 1;
	sigemptyset(&chld_set);
	sigaddset(&chld_set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld_set, &orig_set);

	if (is_init)
		init_system();
	parse_cmdline();
	if (!is_init && argc > 1)
		snprintf(tests_path, sizeof(tests_path), "%s", argv[1]);
	if (!uname(&u))
		printf("# harness: kernel %s\n", u.release);
	if (want_shell)
		run_shell();

	f = fopen(tests_path, "re");
	if (!f) {
		printf("# harness: error: cannot open %s: %s\n", tests_path, strerror(errno));
		finish(1, 0);
	}
	printf("# harness: init started, %d tests\n", count_tests(f));
	fails = run_file(f);
	fclose(f);
	finish(fails != 0, 1);
	return 0;
}
