/* The runtime-spec features document. */
#include <errno.h>

#include "husk/features.h"
#include "internal.h"

static void key_strs(struct jgen *g, const char *key, const char **v)
{
	static const char *none[] = { NULL };

	jg_key_strs(g, key, v ? v : none);
}

static void key_bool(struct jgen *g, const char *key, bool v)
{
	jg_str(g, key);
	jg_bool(g, v);
}

/* {"enabled": v} */
static void key_enabled(struct jgen *g, const char *key, bool v)
{
	jg_str(g, key);
	jg_map(g, true);
	key_bool(g, "enabled", v);
	jg_map(g, false);
}

static void gen_linux(struct jgen *g, const struct oci_features *f)
{
	jg_str(g, "linux");
	jg_map(g, true);
	key_strs(g, "namespaces", f->linux_.namespaces);
	key_strs(g, "capabilities", f->linux_.capabilities);
	jg_str(g, "cgroup");
	jg_map(g, true);
	key_bool(g, "v1", f->linux_.cgroup.v1);
	key_bool(g, "v2", f->linux_.cgroup.v2);
	key_bool(g, "systemd", f->linux_.cgroup.systemd);
	key_bool(g, "systemdUser", f->linux_.cgroup.systemd_user);
	key_bool(g, "rdma", f->linux_.cgroup.rdma);
	jg_map(g, false);
	jg_str(g, "seccomp");
	jg_map(g, true);
	key_bool(g, "enabled", f->linux_.seccomp.enabled);
	key_strs(g, "actions", f->linux_.seccomp.actions);
	key_strs(g, "operators", f->linux_.seccomp.operators);
	key_strs(g, "archs", f->linux_.seccomp.archs);
	key_strs(g, "knownFlags", f->linux_.seccomp.known_flags);
	key_strs(g, "supportedFlags", f->linux_.seccomp.supported_flags);
	jg_map(g, false);
	key_enabled(g, "apparmor", f->linux_.apparmor);
	key_enabled(g, "selinux", f->linux_.selinux);
	key_enabled(g, "intelRdt", f->linux_.intel_rdt);
	jg_str(g, "mountExtensions");
	jg_map(g, true);
	key_enabled(g, "idmap", f->linux_.idmap_mounts);
	jg_map(g, false);
	jg_map(g, false);
}

char *oci_features_json(const struct oci_features *f, struct husk_err **err)
{
	struct jgen g;

	if (!f->oci_version_min || !f->oci_version_max) {
		husk_error(err, 0, "features JSON: ociVersionMin and ociVersionMax are required");
		return NULL;
	}
	if (jg_init(&g, true) < 0) {
		husk_error(err, ENOMEM, "features JSON");
		return NULL;
	}
	jg_map(&g, true);
	jg_key_str(&g, "ociVersionMin", f->oci_version_min);
	jg_key_str(&g, "ociVersionMax", f->oci_version_max);
	key_strs(&g, "hooks", f->hooks);
	key_strs(&g, "mountOptions", f->mount_options);
	gen_linux(&g, f);
	jg_str(&g, "annotations");
	jg_map(&g, true);
	for (size_t i = 0; i < f->annotations.n; i++)
		jg_key_str(&g, f->annotations.v[i].key, f->annotations.v[i].value);
	jg_map(&g, false);
	key_strs(&g, "potentiallyUnsafeConfigAnnotations", f->unsafe_annotations);
	jg_map(&g, false);
	return jg_finish(&g, "features JSON", err);
}
