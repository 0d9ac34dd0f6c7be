/* oci_default_spec: valid by our own parser and validator, runc-like, and
 * the rootless variant. */
#include <yajl/yajl_tree.h>

#include "oci-test.h"

static struct oci_config *spec(bool rootless, uid_t uid, gid_t gid, int *unit_failed)
{
	char *text = oci_default_spec(rootless, uid, gid);
	struct husk_err *err = NULL;
	struct oci_config *c;

	CHECK(text != NULL);
	if (!text)
		return NULL;
	c = oci_config_parse(text, strlen(text), "spec", &err);
	CHECK(c != NULL);
	if (!c)
		printf("# %s\n", err->msg);
	husk_err_free(&err);
	free(text);
	return c;
}

static const struct oci_mount *mount_at(const struct oci_config *c, const char *dest)
{
	for (size_t i = 0; i < c->n_mounts; i++)
		if (strcmp(c->mounts[i].destination, dest) == 0)
			return &c->mounts[i];
	return NULL;
}

static int has_option(const struct oci_mount *m, const char *opt)
{
	for (size_t i = 0; m && i < m->options.n; i++)
		if (strcmp(m->options.v[i], opt) == 0)
			return 1;
	return 0;
}

TEST(default_spec_parses_and_validates)
{
	for (int rootless = 0; rootless < 2; rootless++) {
		struct oci_config *c = spec(rootless, 1000, 1001, unit_failed);
		struct husk_err *err = NULL;

		if (!c)
			continue;
		CHECK(oci_config_validate(c, "spec", &err) == 0);
		if (err)
			printf("# %s\n", err->msg);
		husk_err_free(&err);
		oci_config_free(c);
	}
}

TEST(default_spec_process)
{
	struct oci_config *c = spec(false, 0, 0, unit_failed);
	const struct oci_process *p = c ? c->process : NULL;

	if (!p)
		return;
	CHECK_STR(c->oci_version, "1.2.0");
	CHECK(p->terminal && p->no_new_privileges);
	CHECK(p->user.uid == 0 && p->user.gid == 0);
	CHECK(p->args.n == 1);
	CHECK_STR(p->args.v[0], "sh");
	CHECK(p->env.n == 2);
	CHECK_STR(p->env.v[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	CHECK_STR(p->env.v[1], "TERM=xterm");
	CHECK_STR(p->cwd, "/");
	CHECK(p->capabilities && p->capabilities->bounding.n == 3);
	CHECK(p->capabilities && p->capabilities->effective.n == 3);
	CHECK(p->capabilities && p->capabilities->permitted.n == 3);
	CHECK(p->capabilities && p->capabilities->inheritable.n == 0 && p->capabilities->ambient.n == 0);
	CHECK_STR(p->capabilities ? p->capabilities->bounding.v[0] : NULL, "CAP_AUDIT_WRITE");
	CHECK_STR(p->capabilities ? p->capabilities->bounding.v[1] : NULL, "CAP_KILL");
	CHECK_STR(p->capabilities ? p->capabilities->bounding.v[2] : NULL, "CAP_NET_BIND_SERVICE");
	CHECK(p->n_rlimits == 1);
	CHECK_STR(p->rlimits[0].type, "RLIMIT_NOFILE");
	CHECK(p->rlimits[0].hard == 1024 && p->rlimits[0].soft == 1024);
	oci_config_free(c);
}

TEST(default_spec_root_and_mounts)
{
	static const char *const dests[] = {
		"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"
	};
	struct oci_config *c = spec(false, 0, 0, unit_failed);

	if (!c)
		return;
	CHECK_STR(c->root.path, "rootfs");
	CHECK(c->root.readonly);
	CHECK_STR(c->hostname, "husk");
	CHECK(c->n_mounts == 7);
	for (size_t i = 0; i < 7 && i < c->n_mounts; i++)
		CHECK_STR(c->mounts[i].destination, dests[i]);
	CHECK_STR(mount_at(c, "/sys")->type, "sysfs");
	CHECK(has_option(mount_at(c, "/dev/pts"), "gid=5"));
	CHECK(has_option(mount_at(c, "/sys/fs/cgroup"), "ro"));
	CHECK_STR(mount_at(c, "/sys/fs/cgroup")->type, "cgroup");
	CHECK(mount_at(c, "/proc")->options.n == 0);
	oci_config_free(c);
}

TEST(default_spec_linux)
{
	static const enum oci_ns_type ns[] = {
		OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_MOUNT, OCI_NS_CGROUP
	};
	struct oci_config *c = spec(false, 0, 0, unit_failed);
	const struct oci_linux *l = c ? c->linux_cfg : NULL;

	if (!l)
		return;
	CHECK(l->n_namespaces == 6);
	for (size_t i = 0; i < 6 && i < l->n_namespaces; i++)
		CHECK(l->namespaces[i].type == ns[i] && !l->namespaces[i].path);
	CHECK(l->n_uid_mappings == 0 && l->n_gid_mappings == 0);
	CHECK(l->resources && l->resources->n_devices == 1);
	CHECK(l->resources && !l->resources->devices[0].allow && l->resources->devices[0].type == 'a');
	CHECK_STR(l->resources ? l->resources->devices[0].access : NULL, "rwm");
	CHECK(l->has_masked_paths && l->masked_paths.n == 11);
	CHECK_STR(l->masked_paths.v[0], "/proc/acpi");
	CHECK_STR(l->masked_paths.v[10], "/sys/devices/virtual/powercap");
	CHECK(l->has_readonly_paths && l->readonly_paths.n == 5);
	CHECK_STR(l->readonly_paths.v[3], "/proc/sys");
	oci_config_free(c);
}

TEST(rootless_spec)
{
	struct oci_config *c = spec(true, 1234, 5678, unit_failed);
	const struct oci_linux *l = c ? c->linux_cfg : NULL;

	if (!l)
		return;
	CHECK(oci_config_namespace(c, OCI_NS_USER) != NULL);
	CHECK(oci_config_namespace(c, OCI_NS_NETWORK) == NULL);
	CHECK(oci_config_namespace(c, OCI_NS_PID) && oci_config_namespace(c, OCI_NS_MOUNT));
	CHECK(l->n_uid_mappings == 1 && l->n_gid_mappings == 1);
	CHECK(l->uid_mappings[0].container_id == 0 && l->uid_mappings[0].host_id == 1234 &&
	      l->uid_mappings[0].size == 1);
	CHECK(l->gid_mappings[0].container_id == 0 && l->gid_mappings[0].host_id == 5678 &&
	      l->gid_mappings[0].size == 1);
	CHECK(l->resources == NULL);
	CHECK_STR(mount_at(c, "/sys")->source, "/sys");
	CHECK_STR(mount_at(c, "/sys")->type, "none");
	CHECK(has_option(mount_at(c, "/sys"), "rbind") && has_option(mount_at(c, "/sys"), "ro"));
	CHECK(!has_option(mount_at(c, "/dev/pts"), "gid=5"));
	CHECK(has_option(mount_at(c, "/dev/pts"), "newinstance"));
	CHECK(c->n_mounts == 7);
	oci_config_free(c);
}

TEST(default_spec_is_tab_indented_text)
{
	char *text = oci_default_spec(false, 0, 0);

	CHECK(text && strncmp(text, "{\n\t\"ociVersion\": \"1.2.0\",\n", 26) == 0);
	CHECK(text && strlen(text) > 100 && text[strlen(text) - 1] == '\n');
	free(text);
}
