/* A fake cgroupfs for the cgroup unit tests: a temporary directory tree
 * whose regular files stand in for the kernel's, a fake mountinfo that
 * points cgroup_layout_parse() at it, and "logged" files (FIFOs read by a
 * thread) for the files the code writes several times and never reads
 * (devices.allow, io.max...), so that every write can be checked
 * (the log of such a file is the concatenation of what was written). */
#ifndef HUSK_CGROUP_FAKE_H
#define HUSK_CGROUP_FAKE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "husk/cgroup.h"
#include "husk/oci.h"
#include "unit.h"

static inline char *fake_tree(void)
{
	char tmpl[] = "/tmp/husk-cgtest-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static inline void fake_mkdirs(const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	mkdir(buf, 0755);
}

/* fake_file(root, "memory/husk/c1/memory.max", "max\n") */
static inline void fake_file(const char *root, const char *rel, const char *content)
{
	char path[4096], dir[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	fake_mkdirs(dir);
	f = fopen(path, "w");
	if (f) {
		fputs(content, f);
		fclose(f);
	}
}

/* Several empty files in one directory: fake_files(root, "x/y", "a", "b", NULL) */
static inline void fake_files(const char *root, const char *dir, ...)
{
	va_list ap;
	const char *name;

	va_start(ap, dir);
	while ((name = va_arg(ap, const char *))) {
		char rel[4096];

		snprintf(rel, sizeof(rel), "%s/%s", dir, name);
		fake_file(root, rel, "");
	}
	va_end(ap);
}

/* The content of a file (static buffer, trailing newline kept). */
static inline const char *fake_read(const char *root, const char *rel)
{
	static char buf[8192];
	char path[4096];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return "(missing)";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static inline int fake_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static inline void fake_rm(char *root)
{
	if (root)
		nftw(root, fake_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

/* A mountinfo listing fake mounts under root: each arg is
 * "TYPE MOUNTPOINT-UNDER-ROOT SUPEROPTS", e.g. "cgroup memory rw,memory". */
static inline void fake_mountinfo(const char *root, ...)
{
	char path[4096];
	FILE *f;
	va_list ap;
	const char *m;
	int id = 30;

	snprintf(path, sizeof(path), "%s/mountinfo", root);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "22 1 0:21 / /proc rw,nosuid - proc proc rw\n");
	va_start(ap, root);
	while ((m = va_arg(ap, const char *))) {
		char type[64], mnt[512], opts[512];

		if (sscanf(m, "%63s %511s %511s", type, mnt, opts) != 3)
			continue;
		fprintf(f, "%d 23 0:%d / %s%s%s rw,nosuid,nodev,noexec,relatime shared:9 - %s %s %s\n",
			id, id, root, mnt[0] == '/' ? "" : "/", mnt, type, type, opts);
		id++;
	}
	va_end(ap);
	fclose(f);
}

/* Layout of the fake tree. */
static inline int fake_layout(const char *root, struct cgroup_layout *l)
{
	char mi[4096];
	struct husk_err *err = NULL;
	int r;

	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	r = cgroup_layout_parse(l, mi, root, &err);
	if (err)
		printf("# layout: %s\n", err->msg);
	husk_err_free(&err);
	return r;
}

/* ---------------------------------------------------------- logged files */

struct fake_log {
	char path[4096];
	char buf[16384];
	size_t len;
	pthread_t thread;
};

static inline void *fake_log_reader(void *arg)
{
	struct fake_log *lg = arg;
	/* read-write: the FIFO always has a reader (writers never block for
	 * long, nothing written is lost between two writers) and never an
	 * end of file; writes that follow closely may arrive in one read, so
	 * the log is their plain concatenation, in order */
	int fd = open(lg->path, O_RDWR);
	char chunk[4096];
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && lg->len + n + 1 < sizeof(lg->buf)) {
		memcpy(lg->buf + lg->len, chunk, n);
		lg->len += n;
		lg->buf[lg->len] = '\0';
		if (lg->len >= 4 && !memcmp(lg->buf + lg->len - 4, "\x01END", 4)) {
			lg->len -= 4;
			lg->buf[lg->len] = '\0';
			break;
		}
	}
	close(fd);
	return NULL;
}

/* Turn root/rel into a FIFO whose writes are recorded. */
static inline struct fake_log *fake_log_start(const char *root, const char *rel)
{
	struct fake_log *lg = calloc(1, sizeof(*lg));

	snprintf(lg->path, sizeof(lg->path), "%s/%s", root, rel);
	unlink(lg->path);
	if (mkfifo(lg->path, 0600) < 0 || pthread_create(&lg->thread, NULL, fake_log_reader, lg)) {
		free(lg);
		return NULL;
	}
	return lg;
}

/* Stop recording; the writes, concatenated (the caller frees). The FIFO
 * becomes an empty regular file again. */
static inline char *fake_log_stop(struct fake_log *lg)
{
	char *out;
	int fd;

	if (!lg)
		return strdup("(no log)");
	fd = open(lg->path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "\x01END", 4) < 0)
			perror("fake_log_stop");
		close(fd);
	}
	pthread_join(lg->thread, NULL);
	unlink(lg->path);
	close(open(lg->path, O_CREAT | O_WRONLY, 0644));
	out = strdup(lg->buf);
	free(lg);
	return out;
}

/* ------------------------------------------------------------ resources */

/* linux.resources from JSON with single quotes. */
static inline struct oci_config *fake_resources(const char *json)
{
	char *text = NULL, *d;
	struct husk_err *err = NULL;
	struct oci_config *c;

	if (asprintf(&text, "{'ociVersion':'1.2.0','linux':{'resources':%s}}", json) < 0)
		return NULL;
	for (d = text; *d; d++)
		if (*d == '\'')
			*d = '"';
	c = oci_config_parse(text, strlen(text), "config.json", &err);
	if (!c)
		printf("# parse: %s\n", err ? err->msg : "?");
	husk_err_free(&err);
	free(text);
	return c;
}

#define RES(c) ((c) && (c)->linux_cfg ? (c)->linux_cfg->resources : NULL)

/* Apply; returns the error message (malloc'd) or NULL on success. */
static inline char *fake_apply(const struct cgroup_layout *l, const char *path,
			       const struct oci_resources *r, const struct cgroup_apply_opts *o)
{
	struct husk_err *err = NULL;
	struct cgroup_apply_opts def = { .what = "config.json: .linux.resources" };
	char *msg = NULL;

	if (cgroup_apply(l, path, r, o ? o : &def, &err) < 0)
		msg = strdup(err && err->msg ? err->msg : "(no message)");
	husk_err_free(&err);
	return msg;
}

#define CHECK_CONTAINS(hay, needle) do {					\
		const char *h_ = (hay), *n_ = (needle);			\
		if (!h_ || !strstr(h_, n_)) {				\
			printf("# %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
			       h_ ? h_ : "(null)", n_);			\
			*unit_failed = 1;				\
		}							\
	} while (0)

#endif
