#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "husk/cleanup.h"
#include "husk/lsm.h"
#include "husk/procfs.h"

#define SELINUX_MAGIC 0xf97cff8c

static bool file_starts_with(const char *path, char c)
{
	char buf[2] = "";
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd >= 0 && read(fd, buf, 1) == 1 && buf[0] == c;
}

/* As runc: securityfs shows the module and its parameter says "Y". */
bool lsm_apparmor_enabled(void)
{
	return access("/sys/kernel/security/apparmor", F_OK) == 0 &&
	       file_starts_with("/sys/module/apparmor/parameters/enabled", 'Y');
}

/* selinuxfs is mounted where libselinux looks for it. */
bool lsm_selinux_enabled(void)
{
	struct statfs sfs;

	return statfs("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == SELINUX_MAGIC;
}

int lsm_check(const struct oci_config *cfg, struct husk_err **err)
{
	const struct oci_process *p = cfg->process;
	const char *mount_label = cfg->linux_cfg ? cfg->linux_cfg->mount_label : NULL;

	if (p && p->apparmor_profile && *p->apparmor_profile && !lsm_apparmor_enabled())
		return husk_error(err, 0, "config.json: .process.apparmorProfile: AppArmor profile \"%s\" "
				  "asked for, but AppArmor is not enabled on this host",
				  p->apparmor_profile);
	if (p && p->selinux_label && *p->selinux_label && !lsm_selinux_enabled())
		return husk_error(err, 0, "config.json: .process.selinuxLabel: SELinux label \"%s\" asked "
				  "for, but SELinux is not enabled on this host", p->selinux_label);
	if (mount_label && *mount_label && !lsm_selinux_enabled())
		return husk_error(err, 0, "config.json: .linux.mountLabel: SELinux mount label \"%s\" asked "
				  "for, but SELinux is not enabled on this host", mount_label);
	return 0;
}

static int write_attr(const char *module_path, const char *legacy_path, const char *value,
		      const char *field, struct husk_err **err)
{
	struct husk_err *first = NULL;

	/* the per-module attr directory (5.1+) first, then the shared one */
	if (module_path && procfs_write(module_path, value, strlen(value), &first) == 0)
		return 0;
	husk_err_free(&first);
	if (procfs_write(legacy_path, value, strlen(value), err) < 0)
		return husk_err_wrap(err, "%s", field);
	return 0;
}

int lsm_apply_exec(const struct oci_process *p, struct husk_err **err)
{
	if (p->apparmor_profile && *p->apparmor_profile) {
		char value[4096];

		snprintf(value, sizeof(value), "exec %s", p->apparmor_profile);
		if (write_attr("thread-self/attr/apparmor/exec", "thread-self/attr/exec", value,
			       "process.apparmorProfile", err) < 0)
			return -1;
	}
	if (p->selinux_label && *p->selinux_label &&
	    write_attr(NULL, "thread-self/attr/exec", p->selinux_label, "process.selinuxLabel", err) < 0)
		return -1;
	return 0;
}
