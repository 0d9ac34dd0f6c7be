#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "husk/caps.h"
#include "husk/cleanup.h"
#include "husk/fs.h"
#include "husk/lsm.h"
#include "husk/process.h"
#include "husk/procfs.h"
#include "husk/sched.h"
#include "husk/seccomp.h"
#include "husk/user.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int sync_send(int fd, enum sync_msg msg, const char *text)
{
	size_t len = text ? strlen(text) : 0;
	char buf[4096];

	buf[0] = (char)msg;
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	memcpy(buf + 1, text ? text : "", len);
	return send(fd, buf, len + 1, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int sync_send_fd(int fd, enum sync_msg msg, int passed)
{
	char tag = (char)msg, ctrl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &passed, sizeof(int));
	return sendmsg(fd, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int sync_recv(int fd, char **text, int *passed_fd)
{
	char buf[4096], ctrl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	buf[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS) {
		int received;

		memcpy(&received, CMSG_DATA(c), sizeof(int));
		if (passed_fd)
			*passed_fd = received;
		else
			close(received);
	}
	if (text)
		*text = n > 1 ? strdup(buf + 1) : NULL;
	return (unsigned char)buf[0];
}

static const char *env_get(char *const env[], const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], key, len) && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

static bool is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

char *process_find_executable(const char *name, char *const env[], struct husk_err **err)
{
	const char *path = env_get(env, "PATH");
	cleanup_free char *dirs = NULL;
	char *save = NULL;

	if (strchr(name, '/')) {
		if (is_executable(name))
			return strdup(name);
		husk_syserr(err, "exec \"%s\"", name);
		if (errno == 0 || errno == EACCES)
			(*err)->errnum = EACCES;
		return NULL;
	}
	dirs = strdup(path ? path : DEFAULT_PATH);
	for (char *d = dirs ? strtok_r(dirs, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
		char *full = NULL;

		if (asprintf(&full, "%s/%s", *d ? d : ".", name) < 0)
			break;
		if (is_executable(full))
			return full;
		free(full);
	}
	husk_error(err, 0, "exec \"%s\": executable file not found in $PATH", name);
	if (err && *err)
		(*err)->errnum = ENOENT;
	return NULL;
}

void process_fail(int sync_fd, struct husk_err *err)
{
	sync_send(sync_fd, SYNC_ERROR, err ? err->msg : "container process set-up failed");
	_exit(1);
}

/* husk installs no handlers (and execve drops handlers anyway), but what
 * husk's caller ignores stays ignored across execve: nohup's SIGHUP, a
 * shell's SIGINT for a background job. Which are ignored takes a syscall
 * per signal to learn, as much as resetting it, so every signal that can
 * be reset is. The system call itself: glibc's signal() refuses the two
 * real-time signals it keeps for itself (32 and 33), which other programs
 * are free to use and may have inherited ignored. */
void process_reset_signals(void)
{
	/* the kernel's struct sigaction: handler, flags, restorer, mask */
	struct { void (*handler)(int); unsigned long flags; void (*restorer)(void); uint64_t mask; }
		dfl = { SIG_DFL, 0, NULL, 0 };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static const struct { const char *name; int resource; } rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

static int set_rlimits(const struct oci_process *p, struct husk_err **err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *r = &p->rlimits[i];
		struct rlimit lim = { .rlim_cur = r->soft, .rlim_max = r->hard };
		size_t j = 0;

		while (j < sizeof(rlimit_names) / sizeof(rlimit_names[0]) &&
		       strcmp(rlimit_names[j].name, r->type))
			j++;
		if (j == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
			return husk_error(err, 0, "process.rlimits[%zu]: unknown type \"%s\"", i, r->type);
		if (setrlimit(rlimit_names[j].resource, &lim) < 0)
			return husk_syserr(err, "process.rlimits[%zu]: set %s to soft %llu hard %llu",
					   i, r->type, (unsigned long long)r->soft,
					   (unsigned long long)r->hard);
	}
	return 0;
}

static int set_oom_score_adj(const struct oci_process *p, struct husk_err **err)
{
	char buf[16];
	int len, ret;

	if (!p->oom_score_adj.set)
		return 0;
	len = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj.v);
	/* husk is not dumpable, so its /proc/self belongs to the host's root,
	 * which a user namespace's root may not write: dumpable just for this
	 * write (no process of the container runs yet) */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	ret = procfs_write("self/oom_score_adj", buf, len, err);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return ret < 0 ? husk_err_wrap(err, "process.oomScoreAdj") : 0;
}

/* Supplementary groups: exactly additionalGids. As runc (whose user
 * lookup takes the explicit gid of "uid:gid" over /etc/group), the groups
 * /etc/group gives the user are not added: managers put the ones they
 * want in additionalGids (podman does, for --user NAME). */
static int set_groups(const struct oci_user *user, struct husk_err **err)
{
	cleanup_free gid_t *all = NULL;
	size_t n = 0;

	all = calloc(user->n_additional_gids + 1, sizeof(gid_t));
	if (!all)
		return husk_error(err, ENOMEM, "process.user.additionalGids");
	for (size_t i = 0; i < user->n_additional_gids; i++)
		all[n++] = user->additional_gids[i];
	if (setgroups(n, all) < 0 && !(errno == EPERM && n == 0))
		return husk_syserr(err, "process.user.additionalGids: setgroups");
	return 0;
}

/* HOME from the container's /etc/passwd, "/" when the user has none;
 * looked up only when process.env lacks it. */
static int add_home(const struct oci_process *p, char ***envp)
{
	struct user_entry u = { 0 };
	char **env;
	int ret = -1;

	if (env_get(p->env.v, "HOME"))
		return 0;
	env = calloc(p->env.n + 2, sizeof(char *));
	if (!env)
		return -1;
	if (p->env.n)	/* v is NULL for an empty env: memcpy must not see it */
		memcpy(env, p->env.v, p->env.n * sizeof(char *));
	if (asprintf(&env[p->env.n], "HOME=%s",
		     user_by_uid("/etc/passwd", p->user.uid, &u) && u.home[0] ? u.home : "/") >= 0) {
		*envp = env;
		ret = 0;
	} else {
		free(env);
	}
	user_entry_free(&u);
	return ret;
}

static int switch_user(const struct oci_process *p, struct exec_plan *plan, struct husk_err **err)
{
	int keep = plan->caps_kept ? CAP_SYS_ADMIN : -1;

	if (add_home(p, &plan->env) < 0)
		return husk_error(err, ENOMEM, "process.env: add HOME");
	if (set_groups(&p->user, err) < 0 ||
	    (!plan->bounding_done && caps_apply_bounding(p->capabilities, err) < 0))
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    setresgid(p->user.gid, p->user.gid, p->user.gid) < 0)
		return husk_syserr(err, "process.user: set gid %u", p->user.gid);
	if (setresuid(p->user.uid, p->user.uid, p->user.uid) < 0)
		return husk_syserr(err, "process.user: set uid %u", p->user.uid);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return caps_apply(p->capabilities, keep, err);
}

void process_close_fds(int keep_fds, const int *also, int n_also)
{
	unsigned int from = 3 + keep_fds;
	int keep[8];

	memcpy(keep, also, n_also * sizeof(int));
	for (int i = 1; i < n_also; i++)	/* insertion sort: a handful of fds */
		for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (int i = 0; i < n_also; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned int)keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		if ((unsigned int)keep[i] + 1 > from)
			from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

/* chdir, and make sure the result is inside the container's root: a cwd
 * like /proc/self/fd/N could name a directory of the host through an fd
 * that leaked in (CVE-2024-21626). */
static int enter_cwd(const char *cwd, struct husk_err **err)
{
	char buf[4096];

	if (chdir(cwd) < 0)
		return husk_syserr(err, "process.cwd: chdir \"%s\"", cwd);
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return husk_error(err, 0, "process.cwd: \"%s\" is outside the container's root", cwd);
	return 0;
}

/* A filter with notify rules goes in now: its fd must reach the listener,
 * through husk, while husk still waits for this process. */
static int install_notify_filter(struct exec_plan *plan, struct husk_err **err)
{
	int fd = seccomp_install(plan->seccomp, err);

	if (fd < 0)
		return -1;
	if (plan->caps_kept && caps_finish(plan->p->capabilities, CAP_SYS_ADMIN, err) < 0) {
		close(fd);
		return -1;
	}
	plan->caps_kept = false;
	if (sync_send_fd(plan->sync_fd, SYNC_SECCOMP, fd) < 0) {
		husk_syserr(err, "linux.seccomp: hand the notify fd to husk");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int process_prepare(const struct oci_process *p, struct exec_plan *plan, struct husk_err **err)
{
	plan->p = p;
	plan->env = p->env.v;
	/* without no_new_privs, loading a filter needs CAP_SYS_ADMIN: kept
	 * until the filter is in, then dropped */
	plan->caps_kept = plan->seccomp && !p->no_new_privileges && p->capabilities &&
			  !caps_list_has(&p->capabilities->effective, CAP_SYS_ADMIN);
	if (plan->seccomp && !p->no_new_privileges && !p->capabilities && p->user.uid != 0)
		return husk_error(err, 0, "linux.seccomp: without process.noNewPrivileges, loading the filter "
				  "needs CAP_SYS_ADMIN, which user %u keeps only with process.capabilities",
				  p->user.uid);
	if (set_oom_score_adj(p, err) < 0 || set_rlimits(p, err) < 0)
		return -1;
	if (sched_apply(p->scheduler, err) < 0 || sched_apply_ioprio(p->io_priority, err) < 0 ||
	    (plan->lx && sched_apply_personality(plan->lx->personality, err) < 0))
		return -1;
	if (p->user.umask.set)
		umask(p->user.umask.v & 0777);
	if (switch_user(p, plan, err) < 0)
		return -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return husk_syserr(err, "process.noNewPrivileges");
	if (enter_cwd(p->cwd, err) < 0)
		return -1;
	plan->exe = process_find_executable(p->args.v[0], plan->env, err);
	if (!plan->exe || lsm_apply_exec(p, err) < 0)
		return -1;
	if (plan->seccomp && plan->seccomp->notify)
		return install_notify_filter(plan, err);
	return 0;
}

__attribute__((noreturn)) void process_exec(const struct exec_plan *plan)
{
	struct husk_err *err = NULL;

	/* as late as can be: only execve runs under the filter */
	if (plan->seccomp && !plan->seccomp->notify &&
	    (seccomp_install(plan->seccomp, &err) < 0 ||
	     (plan->caps_kept && caps_finish(plan->p->capabilities, CAP_SYS_ADMIN, &err) < 0))) {
		fprintf(stderr, "husk: %s\n", err->msg);
		_exit(127);
	}
	execve(plan->exe, plan->p->args.v, plan->env);
	fprintf(stderr, "husk: exec \"%s\": %m\n", plan->p->args.v[0]);
	_exit(127);
}
