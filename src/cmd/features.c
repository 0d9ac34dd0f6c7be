#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

#include "husk/args.h"
#include "husk/caps.h"
#include "husk/cli.h"
#include "husk/criu.h"
#include "husk/features.h"
#include "husk/lsm.h"
#include "husk/mount.h"
#include "husk/seccomp.h"

/* Every list comes from the code that implements it: the hook names of the
 * config parser, the option tables of mount.c, the seccomp tables, the
 * capabilities caps.c names. */
int cmd_features(const struct husk_globals *g, int argc, char **argv, struct husk_err **err)
{
	const struct arg_opt opts[] = { { NULL } };
	const struct arg_cmd cmd = { "features", "",
		"Print the runtime-spec features document of this husk as JSON: the\n"
		"config.json versions, hooks, mount options, namespaces, capabilities,\n"
		"cgroup managers, seccomp actions, operators, architectures and flags,\n"
		"and the security modules it implements.", opts, false, 0, 0, NULL };
	const char *hooks[16] = { NULL }, *namespaces[OCI_NS_COUNT + 1] = { NULL };
	const char *unsafe[] = { CRIU_CONFIG_ANNOTATION, NULL };
	const struct scmp_version *v = seccomp_version();
	struct oci_kv ann[4];
	struct seccomp_names sc = { 0 };
	struct oci_features f = { .oci_version_min = OCI_VERSION_MIN,
				  .oci_version_max = OCI_VERSION_MAX };
	char libseccomp[32], **caps = NULL, *json = NULL;
	char **pos;
	int npos, ret = -1, r = args_parse(&cmd, argc, argv, &pos, &npos, err);

	if (r != 0)
		return args_status(r);
	free(pos);
	for (size_t i = 0; i < 15 && oci_hook_name(i); i++)
		hooks[i] = oci_hook_name(i);
	for (int i = 0; i < OCI_NS_COUNT; i++)
		namespaces[i] = oci_ns_type_name(i);
	snprintf(libseccomp, sizeof(libseccomp), "%u.%u.%u", v->major, v->minor, v->micro);
	ann[0] = (struct oci_kv){ "io.github.seccomp.libseccomp.version", libseccomp };
	ann[1] = (struct oci_kv){ "org.husk.checkpoint.enabled", "true" };
	ann[2] = (struct oci_kv){ "org.husk.commit", HUSK_COMMIT };
	ann[3] = (struct oci_kv){ "org.husk.version", HUSK_VERSION };
	f.hooks = hooks;
	f.mount_options = mount_option_names();
	f.linux_.namespaces = namespaces;
	caps = caps_known_names();
	f.linux_.capabilities = (const char **)caps;
	f.linux_.cgroup.v1 = f.linux_.cgroup.v2 = f.linux_.cgroup.rdma = true;
	f.linux_.seccomp.enabled = true;
	if (!f.mount_options || !caps || seccomp_features(&sc) < 0) {
		husk_error(err, ENOMEM, "features");
		goto out;
	}
	f.linux_.seccomp.actions = sc.actions;
	f.linux_.seccomp.operators = sc.operators;
	f.linux_.seccomp.archs = sc.archs;
	f.linux_.seccomp.known_flags = sc.known_flags;
	f.linux_.seccomp.supported_flags = sc.supported_flags;
	/* a profile or label is refused where the host lacks the module */
	f.linux_.apparmor = lsm_apparmor_enabled();
	f.linux_.selinux = lsm_selinux_enabled();
	f.unsafe_annotations = unsafe;
	f.annotations = (struct oci_map){ ann, sizeof(ann) / sizeof(ann[0]) };
	json = oci_features_json(&f, err);
	if (json) {
		printf("%s\n", json);
		ret = 0;
	}
out:
	free(json);
	free(f.mount_options);
	caps_names_free(caps);
	seccomp_names_free(&sc);
	return ret;
}
