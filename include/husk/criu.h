/* The criu command lines of checkpoint and restore, built from a
 * container's config snapshot, the flags and a few facts gathered from the
 * running system, and the small formats around them (criu's version
 * output, the stdio descriptors file, criu's log). Pure: no fork, no file
 * system access, so that tests/unit checks every argument. The engine that
 * gathers the facts and runs criu is src/checkpoint.c. */
#ifndef HUSK_CRIU_H
#define HUSK_CRIU_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/oci.h"

/* 3.15: external pid namespaces and the cgroup v2 freezer. */
#define CRIU_MIN_VERSION 31500
#define CRIU_DUMP_LOG "dump.log"
#define CRIU_RESTORE_LOG "restore.log"
/* What fds 0, 1 and 2 of the init were at checkpoint, as runc writes it:
 * a JSON array of the /proc/PID/fd link targets ("pipe:[1234]", ...). */
#define CRIU_DESCRIPTORS "descriptors.json"
/* The criu configuration file read unless the annotation org.criu.config
 * names another one ("" for none). A missing file is ignored by criu. */
#define CRIU_CONFIG_ANNOTATION "org.criu.config"
#define CRIU_DEFAULT_CONFIG "/etc/criu/husk.conf"

enum criu_cg_mode { CRIU_CG_DEFAULT, CRIU_CG_SOFT, CRIU_CG_FULL, CRIU_CG_STRICT, CRIU_CG_IGNORE };

/* --page-server ADDRESS:PORT */
struct criu_page_server {
	char address[256];	/* "" when not used */
	int port;
};

/* The flags of checkpoint and restore (each command uses its share). */
struct criu_opts {
	const char *image_path;		/* absolute */
	const char *work_path;		/* absolute; NULL: criu uses the image dir */
	const char *parent_path;	/* relative to image_path; NULL: none */
	bool leave_running, tcp_established, ext_unix_sk, shell_job, file_locks;
	bool pre_dump, auto_dedup;
	bool empty_net;			/* --empty-ns network */
	enum criu_cg_mode cg_mode;
	struct criu_page_server ps;
	/* restore: --lsm-profile TYPE:NAME and --lsm-mount-context, for criu */
	const char *lsm_profile, *lsm_mount_context;
};

/* Flag values, checked before anything is touched. Errors name the flag. */
int criu_cg_mode_parse(const char *s, enum criu_cg_mode *mode, struct husk_err **err);
const char *criu_cg_mode_name(enum criu_cg_mode mode);	/* NULL for the default */
int criu_page_server_parse(const char *s, struct criu_page_server *ps, struct husk_err **err);
/* --empty-ns takes namespace names; criu can only leave "network" empty. */
int criu_empty_ns_parse(const char *s, bool *net, struct husk_err **err);
/* --parent-path is relative to --image-path ("../1" is the usual form). */
int criu_parent_path_check(const char *parent, struct husk_err **err);

/* "Version: 3.17.1" (criu --version) -> 31701; -1 when absent. */
int criu_version_parse(const char *out);
/* 31701 -> "3.17.1" */
void criu_version_string(int version, char *buf, size_t size);

/* Mounts that criu is to treat as external: on dump key is the mount
 * point and val the name it is saved under; on restore key is that name
 * and val what to mount there from the host. */
struct criu_ext_mount { char *key, *val; };
struct criu_ext_mounts { struct criu_ext_mount *v; size_t n; };
void criu_ext_mounts_free(struct criu_ext_mounts *m);

/* What the builders ask of the file system (src/checkpoint.c answers
 * from the container's root; tests answer as they like). */
enum criu_path_kind { CRIU_PATH_ABSENT, CRIU_PATH_FILE, CRIU_PATH_DIR };
struct criu_fs {
	/* How a path looks in the running container (dump). A masked path
	 * that is a file has /dev/null bound over it; a directory gets a
	 * tmpfs, which criu saves itself. */
	enum criu_path_kind (*kind)(void *arg, const char *path);
	/* A mount destination with the symlinks of the rootfs followed
	 * (inside it), as the mount point really is: malloc'd, or NULL to
	 * take the destination cleaned lexically. May be NULL. */
	char *(*resolve)(void *arg, const char *dest);
	void *arg;
};

/* The external mounts of a container, as runc describes them: every bind
 * mount (saved under its mount point, restored from its source; a
 * relative source is taken relative to cwd, as create does), every masked
 * file (saved as "/dev/null", restored from the host's /dev/null) and
 * every device node of /dev (the defaults and linux.devices; criu skips
 * those that are not mounts). The rootfs itself is criu's --root. Keys
 * are unique, the first mount on a point wins. */
int criu_dump_mounts(const struct oci_config *cfg, const struct criu_fs *fs,
		     struct criu_ext_mounts *out, struct husk_err **err);
int criu_restore_mounts(const struct oci_config *cfg, const char *cwd, const struct criu_fs *fs,
			struct criu_ext_mounts *out, struct husk_err **err);
/* "//a/./b/../c/" -> "/a/c" (malloc'd); NULL on ENOMEM. */
char *criu_clean_path(const char *path);

/* Namespaces joined by path. net and pid are external to criu: saved as
 * "TYPE[INODE]:KEY" and restored from an fd inherited under KEY; the
 * others are joined on restore (--join-ns). A cgroup namespace joined by
 * path is refused: criu cannot join one. */
int criu_namespaces_check(const struct oci_config *cfg, struct husk_err **err);
/* "extRootNetNS", "extRootPidNS"; NULL for the other types. */
const char *criu_ns_key(enum oci_ns_type t);
/* criu's name of a namespace type: "net", "pid", "mnt", "ipc", "uts", "user", "time" */
const char *criu_ns_name(enum oci_ns_type t);

/* The descriptors file: write (malloc'd JSON) and read it back. */
char *criu_descriptors_json(char *const fds[3]);
int criu_descriptors_parse(const char *json, char *fds[3], struct husk_err **err);

/* The config file criu should read: the annotation's value when set and
 * not empty, none when empty, else the default. */
const char *criu_config_file(const struct oci_config *cfg);

/* A NULL-terminated argv, malloc'd strings; free with criu_argv_free. */
void criu_argv_free(char **argv);

struct criu_dump_plan {
	const char *criu;		/* the binary */
	const struct criu_opts *o;
	pid_t pid;			/* the container init */
	const char *rootfs;
	const char *freeze_cgroup;	/* the container's freezer cgroup dir; NULL: criu uses ptrace */
	const char *config_file;	/* NULL: none */
	const struct criu_ext_mounts *mounts;
	char *const *external;		/* "net[INODE]:extRootNetNS"... */
	size_t n_external;
};

/* criu dump (or pre-dump) ... */
char **criu_dump_argv(const struct criu_dump_plan *p, struct husk_err **err);

struct criu_inherit { int fd; const char *key; };
struct criu_join { const char *ns, *path; };

struct criu_restore_plan {
	const char *criu;
	const struct criu_opts *o;
	const char *root;		/* the rootfs, bound on a mount point of its own */
	const char *cgroup_root;	/* the container's cgroup path */
	const char *pidfile;		/* absolute */
	const char *config_file;
	const struct criu_ext_mounts *mounts;
	const struct criu_inherit *inherit;
	size_t n_inherit;
	const struct criu_join *join;
	size_t n_join;
};

/* criu restore ..., detached, its root task a sibling of criu (so a child
 * of husk). */
char **criu_restore_argv(const struct criu_restore_plan *p, struct husk_err **err);

/* The inherited stdio of a restore: fd N of criu stands for what was fd
 * N of the init when it was a pipe (what runc does). Fills up to 3. */
size_t criu_stdio_inherit(char *const fds[3], struct criu_inherit out[3]);

/* The last `max` "Error" lines of a criu log, without their timestamps,
 * joined by "; " (malloc'd), or NULL when there are none. */
char *criu_log_errors(const char *log, size_t max);

#endif
